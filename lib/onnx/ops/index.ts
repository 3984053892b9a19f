/**
 * The layer exporters by Keras class name. A layer kind without an entry is reported by
 * `exportOnnx` as not exportable (by name), so a new layer can land before its exporter.
 */
import type { LayerSpec } from '../../layers/index.js';
import { exportDense } from './dense.js';
import { exportDropout } from './dropout.js';
import type { LayerExporter } from './exporter.js';
import { exportLstm } from './lstm.js';

export { type KerasWeight, type LayerExportContext, type LayerExporter, unsupported } from './exporter.js';

type ClassName = LayerSpec['className'];
type ConfigOf<K extends ClassName> = Extract<LayerSpec, { className: K }>['config'];

/** Exporter of each layer kind. */
export const LAYER_EXPORTERS: { readonly [K in ClassName]?: LayerExporter<ConfigOf<K>> } = {
  LSTM: exportLstm,
  Dense: exportDense,
  Dropout: exportDropout,
};

/** The exporter of `spec`'s kind, typed for its config; `undefined` when there is none. */
export function exporterFor(spec: LayerSpec): LayerExporter<LayerSpec['config']> | undefined {
  return LAYER_EXPORTERS[spec.className] as LayerExporter<LayerSpec['config']> | undefined;
}

/**
 * The layers namespace (tfjs style: `layers.lstm({...})`) and the layer classes.
 */
import { Dense, dense, type DenseConfig } from './dense.js';
import { Dropout, dropout, type DropoutConfig } from './dropout.js';
import { LSTM, lstm, type LSTMConfig } from './lstm.js';

export { Layer, resetNames, type BaseLayerArgs, type Shape, type WeightSpec } from './layer.js';
export { LSTM, lstm, type LSTMArgs, type LSTMConfig } from './lstm.js';
export { Dense, dense, type DenseArgs, type DenseConfig } from './dense.js';
export { Dropout, dropout, type DropoutArgs, type DropoutConfig } from './dropout.js';
export { ACTIVATIONS, type ActivationIdentifier, type ActivationName } from './activations.js';
export {
  Initializer,
  initializers,
  type InitializerClassName,
  type InitializerConfig,
  type InitializerIdentifier,
  type InitializerName,
} from './initializers.js';

/** Every layer class a model can hold. */
export type AnyLayer = LSTM | Dense | Dropout;

/** A layer as data: its Keras class name and its camelCase config. */
export type LayerSpec =
  | { className: 'LSTM'; config: LSTMConfig }
  | { className: 'Dense'; config: DenseConfig }
  | { className: 'Dropout'; config: DropoutConfig };

/** The layer classes by Keras class name. */
export const LAYER_CLASSES = ['LSTM', 'Dense', 'Dropout'] as const;

/** A layer's spec (class name and config). */
export function layerSpec(layer: AnyLayer): LayerSpec {
  return { className: layer.className, config: layer.getConfig() } as LayerSpec;
}

/** Builds a layer from its spec, validating it again; `path` names it in errors. */
export function layerFromSpec(spec: LayerSpec, path: string): AnyLayer {
  switch (spec.className) {
    case 'LSTM':
      return new LSTM(spec.config, path);
    case 'Dense':
      return new Dense(spec.config, path);
    case 'Dropout':
      return new Dropout(spec.config, path);
  }
}

/** Whether a value is a layer made by this package. */
export function isLayer(value: unknown): value is AnyLayer {
  return value instanceof LSTM || value instanceof Dense || value instanceof Dropout;
}

/**
 * Layer factories, Keras's layers with tfjs's names.
 *
 * @example
 * const model = sequential([
 *   layers.lstm({ units: 64, inputShape: [10, 1], returnSequences: true }),
 *   layers.dropout({ rate: 0.2 }),
 *   layers.lstm({ units: 32 }),
 *   layers.dense({ units: 1 }),
 * ]);
 */
export const layers = { lstm, dense, dropout } as const;

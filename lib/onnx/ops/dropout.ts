/**
 * Keras Dropout -> nothing: it is the identity at inference, which is all an exported model does.
 */
import type { DropoutConfig } from '../../layers/index.js';
import { type LayerExporter, singleInput } from './exporter.js';

/** Exports a Dropout layer: its input (and mask) passes through. */
export const exportDropout: LayerExporter<DropoutConfig> = (_ctx, _config, inputs) => [singleInput(inputs)];

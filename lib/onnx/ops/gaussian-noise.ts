/**
 * Keras GaussianNoise -> nothing: it adds noise in training only and is the identity at
 * inference, which is all an exported model does.
 */
import type { GaussianNoiseConfig } from '../../layers/index.js';
import { type LayerExporter, singleInput } from './exporter.js';

/** Exports a GaussianNoise layer: its input (and mask) passes through. */
export const exportGaussianNoise: LayerExporter<GaussianNoiseConfig> = (_ctx, _config, inputs) => [singleInput(inputs)];

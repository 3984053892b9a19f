/**
 * The TransformerEncoder block (keras_hub `keras_hub.layers.TransformerEncoder`): self-attention
 * (MultiHeadAttention with `numHeads` heads of size `features / numHeads`), dropout, a residual
 * connection and LayerNormalization, then a feed-forward block `Dense(intermediateDim,
 * activation) -> Dense(features)`, dropout, residual and LayerNormalization. With
 * `normalizeFirst` each LayerNormalization moves before its block (pre-norm, GPT-2 style);
 * otherwise after it (post-norm, BERT style). A mask (from `embedding({ maskZero: true })`)
 * masks the attention and passes through.
 *
 * Weights in keras_hub order: `self_attention_layer` (the 8 MultiHeadAttention weights),
 * `self_attention_layer_norm` gamma, beta, `feedforward_layer_norm` gamma, beta,
 * `feedforward_intermediate_dense` kernel, bias, `feedforward_output_dense` kernel, bias.
 */
import { checkOptions, integer, number } from '../validate.js';
import { activation, type ActivationIdentifier, type ActivationName } from './activations.js';
import { initializer, type InitializerConfig, type InitializerIdentifier } from './initializers.js';
import { type BaseLayerArgs, type BaseLayerConfig, Layer, inputShapeOption, layerName, type Shape, type WeightSpec } from './layer.js';
import { regularizerOption, type RegularizerConfig, type RegularizerIdentifier } from './regularizers.js';
import { orDefault, rate } from './rnn-base.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link transformerEncoder}. */
export interface TransformerEncoderArgs extends BaseLayerArgs {
  /** Width of the feed-forward block's hidden layer (a positive integer). Required. */
  intermediateDim: number;
  /** Number of attention heads; must divide the input's features. Required. */
  numHeads: number;
  /** Dropout rate of the attention, after it, and after the feed-forward block, in [0, 1). Defaults to `0`. */
  dropout?: number;
  /** Activation of the feed-forward hidden layer. Defaults to `'relu'`. */
  activation?: ActivationIdentifier | null;
  /** Epsilon of both LayerNormalizations (> 0). Defaults to `1e-5`. */
  layerNormEpsilon?: number;
  /** Initializer of the attention and dense kernels. Defaults to `'glorotUniform'`. */
  kernelInitializer?: InitializerIdentifier;
  /** Initializer of the attention and dense biases. Defaults to `'zeros'`. */
  biasInitializer?: InitializerIdentifier;
  /** Penalty on the attention and dense kernels, added to the loss. Defaults to `null` (none). */
  kernelRegularizer?: RegularizerIdentifier;
  /** Penalty on the attention and dense biases, added to the loss. Defaults to `null` (none). */
  biasRegularizer?: RegularizerIdentifier;
  /** Penalty on the block's output, added to the loss. Defaults to `null` (none). */
  activityRegularizer?: RegularizerIdentifier;
  /** Normalize before each block (pre-norm) rather than after it (post-norm). Defaults to `false`. */
  normalizeFirst?: boolean;
}

/** The fully defaulted config of a {@link TransformerEncoder}. */
export interface TransformerEncoderConfig extends BaseLayerConfig {
  intermediateDim: number;
  numHeads: number;
  dropout: number;
  activation: ActivationName;
  layerNormEpsilon: number;
  kernelInitializer: InitializerConfig;
  biasInitializer: InitializerConfig;
  kernelRegularizer: RegularizerConfig | null;
  biasRegularizer: RegularizerConfig | null;
  activityRegularizer: RegularizerConfig | null;
  normalizeFirst: boolean;
}

/** Every option {@link transformerEncoder} accepts. */
export const TRANSFORMER_ENCODER_OPTIONS = [
  'intermediateDim', 'numHeads', 'dropout', 'activation', 'layerNormEpsilon', 'kernelInitializer', 'biasInitializer',
  'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'normalizeFirst', 'inputShape', 'name',
] as const;

/** Validates TransformerEncoder options and fills the defaults; `path` names the options in errors. */
export function transformerEncoderConfig(args: unknown, path: string): TransformerEncoderConfig {
  if (args === undefined) throw new TypeError(`Expected an options object with intermediateDim and numHeads for ${path} but received undefined`);
  const o = checkOptions<TransformerEncoderArgs>(args, path, TRANSFORMER_ENCODER_OPTIONS);
  const config: Omit<TransformerEncoderConfig, 'name'> = {
    intermediateDim: integer(o.intermediateDim, `${path}.intermediateDim`, { min: 1 }),
    numHeads: integer(o.numHeads, `${path}.numHeads`, { min: 1 }),
    dropout: rate(o.dropout, `${path}.dropout`),
    activation: o.activation === undefined ? 'relu' : activation(o.activation, `${path}.activation`),
    layerNormEpsilon: o.layerNormEpsilon === undefined ? 1e-5 : number(o.layerNormEpsilon, `${path}.layerNormEpsilon`, { min: 0, minExclusive: true }),
    kernelInitializer: initializer(o.kernelInitializer ?? 'glorotUniform', `${path}.kernelInitializer`),
    biasInitializer: initializer(o.biasInitializer ?? 'zeros', `${path}.biasInitializer`),
    kernelRegularizer: regularizerOption(o.kernelRegularizer, `${path}.kernelRegularizer`),
    biasRegularizer: regularizerOption(o.biasRegularizer, `${path}.biasRegularizer`),
    activityRegularizer: regularizerOption(o.activityRegularizer, `${path}.activityRegularizer`),
    normalizeFirst: orDefault(o.normalizeFirst, `${path}.normalizeFirst`, false),
  };
  const inputShape = inputShapeOption(o.inputShape, path, { rank: 2, lastKnown: true, what: 'an array [timesteps, features]' });
  if (inputShape && inputShape[1]! % config.numHeads !== 0) {
    throw new RangeError(`${path}.numHeads (${config.numHeads}) must divide the features of ${path}.inputShape (${inputShape[1]})`);
  }
  const name = layerName(o.name, path, 'transformer_encoder');
  return inputShape ? { name, ...config, inputShape } : { name, ...config };
}

/** A Transformer encoder block: self-attention and feed-forward, each with residual and LayerNormalization. */
export class TransformerEncoder extends Layer<TransformerEncoderConfig, SymbolicTensor> {
  readonly className = 'TransformerEncoder' as const;
  readonly minInputRank = 3;
  readonly maxInputRank = 3;

  /**
   * @param args the options of {@link transformerEncoder}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: TransformerEncoderArgs, path = 'transformerEncoder') {
    super(transformerEncoderConfig(args, path));
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    const features = inputShapes[0]![2];
    if (typeof features !== 'number') throw new RangeError('the input features must be known');
    if (features % this.config.numHeads !== 0) {
      throw new RangeError(
        `numHeads (${this.config.numHeads}) must divide the hidden size (the input's last dimension, ${features}); ` +
          'each head attends over features / numHeads',
      );
    }
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    return [[...inputShapes[0]!]];
  }

  protected weightSpecsFor(inputShapes: readonly Shape[]): WeightSpec[] {
    const d = inputShapes[0]![2] as number;
    const h = this.config.numHeads;
    const k = d / h;
    const i = this.config.intermediateDim;
    const mha = 'self_attention_layer';
    const w = (name: string, shape: number[], layout: string): WeightSpec => ({ name, shape, layout });
    return [
      w(`${mha}/query/kernel`, [d, h, k], 'query kernel [features, numHeads, features / numHeads]'),
      w(`${mha}/query/bias`, [h, k], 'query bias [numHeads, features / numHeads]'),
      w(`${mha}/key/kernel`, [d, h, k], 'key kernel [features, numHeads, features / numHeads]'),
      w(`${mha}/key/bias`, [h, k], 'key bias [numHeads, features / numHeads]'),
      w(`${mha}/value/kernel`, [d, h, k], 'value kernel [features, numHeads, features / numHeads]'),
      w(`${mha}/value/bias`, [h, k], 'value bias [numHeads, features / numHeads]'),
      w(`${mha}/attention_output/kernel`, [h, k, d], 'attention_output kernel [numHeads, features / numHeads, features]'),
      w(`${mha}/attention_output/bias`, [d], 'attention_output bias [features]'),
      w('self_attention_layer_norm/gamma', [d], 'LayerNormalization gamma [features]'),
      w('self_attention_layer_norm/beta', [d], 'LayerNormalization beta [features]'),
      w('feedforward_layer_norm/gamma', [d], 'LayerNormalization gamma [features]'),
      w('feedforward_layer_norm/beta', [d], 'LayerNormalization beta [features]'),
      w('feedforward_intermediate_dense/kernel', [d, i], 'Dense kernel [features, intermediateDim]'),
      w('feedforward_intermediate_dense/bias', [i], 'Dense bias [intermediateDim]'),
      w('feedforward_output_dense/kernel', [i, d], 'Dense kernel [intermediateDim, features]'),
      w('feedforward_output_dense/bias', [d], 'Dense bias [features]'),
    ];
  }
}

/**
 * Creates a TransformerEncoder block (keras_hub `TransformerEncoder`).
 *
 * @example
 * const x = input({ shape: [32, 64] });
 * const y = layers.transformerEncoder({ intermediateDim: 128, numHeads: 4 }).apply(x);
 * @throws {TypeError} a missing intermediateDim or numHeads, an unknown option or a wrong type.
 * @throws {RangeError} a non-positive size, a dropout outside [0, 1), a numHeads that does not
 *   divide the inputShape's features (or, at `apply`, the input's features).
 */
export function transformerEncoder(args: TransformerEncoderArgs): TransformerEncoder {
  return new TransformerEncoder(args, 'transformerEncoder');
}

/**
 * The MultiHeadAttention layer (Keras `keras.layers.MultiHeadAttention`, Vaswani et al. 2017).
 *
 * Called on `[query, value]` or `[query, value, key]` (`key` defaults to `value`), each
 * `[batch, timesteps, features]`: the query, key and value are projected to `numHeads` heads
 * (`keyDim`, `keyDim`, `valueDim` wide), each head attends with `softmax(q k^T / sqrt(keyDim))`,
 * and the heads are projected back to the query's features (or `outputShape`). Masks on the
 * inputs mask the attention (query and key/value steps) as Keras does; the output carries the
 * query's mask. Weights in Keras 3 order and layout: `query/kernel [Dq, H, keyDim]`,
 * `query/bias [H, keyDim]`, `key/kernel`, `key/bias`, `value/kernel [Dv, H, valueDim]`,
 * `value/bias`, `attention_output/kernel [H, valueDim, out]`, `attention_output/bias [out]`.
 *
 * Keras's call arguments `use_causal_mask` and `return_attention_scores` are layer options here
 * (`useCausalMask`, `returnAttentionScores`): the engine's graph carries per-layer configs.
 */
import { checkOptions, describe, integer } from '../validate.js';
import { checkAttentionCallArgs, finishAttentionConfig } from './attention.js';
import { initializer, type InitializerConfig, type InitializerIdentifier } from './initializers.js';
import { type BaseLayerArgs, type BaseLayerConfig, type CallInputs, Layer, type Shape, type WeightSpec } from './layer.js';
import { regularizerOption, type RegularizerConfig, type RegularizerIdentifier } from './regularizers.js';
import { orDefault, rate } from './rnn-base.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link multiHeadAttention}. */
export interface MultiHeadAttentionArgs extends BaseLayerArgs {
  /** Number of attention heads (a positive integer). Required. */
  numHeads: number;
  /** Size of each head for query and key (a positive integer). Required. */
  keyDim: number;
  /** Size of each head for value. Defaults to `keyDim`. */
  valueDim?: number | null;
  /** Fraction of the attention probabilities dropped in training, in [0, 1). Defaults to `0`. */
  dropout?: number;
  /** Whether the projections have biases. Defaults to `true`. */
  useBias?: boolean;
  /** Features of the output (an integer or a shape). Defaults to `null`: the query's features. */
  outputShape?: number | readonly number[] | null;
  /** Initializer of the projection kernels. Defaults to `'glorotUniform'`. */
  kernelInitializer?: InitializerIdentifier;
  /** Initializer of the projection biases. Defaults to `'zeros'`. */
  biasInitializer?: InitializerIdentifier;
  /** Penalty on each projection kernel, added to the loss. Defaults to `null` (none). */
  kernelRegularizer?: RegularizerIdentifier;
  /** Penalty on each projection bias, added to the loss. Defaults to `null` (none). */
  biasRegularizer?: RegularizerIdentifier;
  /** Query step `i` attends only to steps `j <= i` (Keras's call argument `use_causal_mask`). Defaults to `false`. */
  useCausalMask?: boolean;
  /**
   * Also output the attention probabilities `[batch, numHeads, Tq, Tv]` (before dropout), so
   * `apply` returns `[output, scores]` (Keras's call argument `return_attention_scores`).
   * Defaults to `false`.
   */
  returnAttentionScores?: boolean;
}

/** The fully defaulted config of a {@link MultiHeadAttention} layer. */
export interface MultiHeadAttentionConfig extends BaseLayerConfig {
  numHeads: number;
  keyDim: number;
  valueDim: number;
  dropout: number;
  useBias: boolean;
  outputShape: number[] | null;
  kernelInitializer: InitializerConfig;
  biasInitializer: InitializerConfig;
  kernelRegularizer: RegularizerConfig | null;
  biasRegularizer: RegularizerConfig | null;
  useCausalMask: boolean;
  returnAttentionScores: boolean;
}

/** Every option {@link multiHeadAttention} accepts. */
export const MULTI_HEAD_ATTENTION_OPTIONS = [
  'numHeads', 'keyDim', 'valueDim', 'dropout', 'useBias', 'outputShape', 'kernelInitializer', 'biasInitializer',
  'kernelRegularizer', 'biasRegularizer', 'useCausalMask', 'returnAttentionScores', 'inputShape', 'name',
] as const;

function outputShapeOption(value: unknown, name: string): number[] | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return [integer(value, name, { min: 1 })];
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`Expected a positive integer, a non-empty array of them or null for ${name} but received ${describe(value)} of type ${typeof value}`);
  }
  return value.map((d, i) => integer(d, `${name}[${i}]`, { min: 1 }));
}

/** Validates MultiHeadAttention options and fills the defaults; `path` names the options in errors. */
export function multiHeadAttentionConfig(args: unknown, path: string): MultiHeadAttentionConfig {
  if (args === undefined) throw new TypeError(`Expected an options object with numHeads and keyDim for ${path} but received undefined`);
  const o = checkOptions<MultiHeadAttentionArgs>(args, path, MULTI_HEAD_ATTENTION_OPTIONS);
  const keyDim = integer(o.keyDim, `${path}.keyDim`, { min: 1 });
  const config: Omit<MultiHeadAttentionConfig, 'name'> = {
    numHeads: integer(o.numHeads, `${path}.numHeads`, { min: 1 }),
    keyDim,
    valueDim: o.valueDim === undefined || o.valueDim === null ? keyDim : integer(o.valueDim, `${path}.valueDim`, { min: 1 }),
    dropout: rate(o.dropout, `${path}.dropout`),
    useBias: orDefault(o.useBias, `${path}.useBias`, true),
    outputShape: outputShapeOption(o.outputShape, `${path}.outputShape`),
    kernelInitializer: initializer(o.kernelInitializer ?? 'glorotUniform', `${path}.kernelInitializer`),
    biasInitializer: initializer(o.biasInitializer ?? 'zeros', `${path}.biasInitializer`),
    kernelRegularizer: regularizerOption(o.kernelRegularizer, `${path}.kernelRegularizer`),
    biasRegularizer: regularizerOption(o.biasRegularizer, `${path}.biasRegularizer`),
    useCausalMask: orDefault(o.useCausalMask, `${path}.useCausalMask`, false),
    returnAttentionScores: orDefault(o.returnAttentionScores, `${path}.returnAttentionScores`, false),
  };
  return finishAttentionConfig<MultiHeadAttentionConfig>(config, o, path, 'multi_head_attention');
}

/** What `apply` returns: `[output, scores]` with `returnAttentionScores: true`, else the output. */
export type MultiHeadAttentionOutput<A> = A extends { returnAttentionScores: true }
  ? [SymbolicTensor, SymbolicTensor]
  : A extends { returnAttentionScores?: false | undefined }
    ? SymbolicTensor
    : SymbolicTensor | SymbolicTensor[];

const INPUT_NAMES = ['query', 'value', 'key'] as const;

/** Multi-head scaled dot-product attention with learned projections. */
export class MultiHeadAttention<A extends MultiHeadAttentionArgs = MultiHeadAttentionArgs> extends Layer<
  MultiHeadAttentionConfig,
  MultiHeadAttentionOutput<A>
> {
  readonly className = 'MultiHeadAttention' as const;
  readonly minInputRank = 3;
  readonly maxInputRank = 3;
  override readonly minInputs: number = 2;
  override readonly maxInputs: number = 3;

  /**
   * @param args the options of {@link multiHeadAttention}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: A, path = 'multiHeadAttention') {
    super(multiHeadAttentionConfig(args, path));
  }

  /** Number of heads. */
  get numHeads(): number {
    return this.config.numHeads;
  }

  /** @internal Checks Keras call arguments against the options, then calls. */
  override applyCall(call: CallInputs): MultiHeadAttentionOutput<A> {
    checkAttentionCallArgs(this, this.config, call);
    return super.applyCall(call);
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    inputShapes.forEach((s, i) => {
      if (s.length !== 3) throw new RangeError(`the ${INPUT_NAMES[i]} must be [batch, timesteps, features] but has rank ${s.length}`);
      if (typeof s[2] !== 'number') throw new RangeError(`the ${INPUT_NAMES[i]} features must be known`);
    });
    const value = inputShapes[1]!;
    const key = inputShapes[2] ?? value;
    if (typeof key[1] === 'number' && typeof value[1] === 'number' && key[1] !== value[1]) {
      throw new RangeError(`the value and the key must have the same timesteps but have ${value[1]} and ${key[1]}`);
    }
  }

  private outFeatures(query: Shape): number[] {
    return this.config.outputShape ?? [query[2] as number];
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    const [query, value] = inputShapes as [Shape, Shape];
    const out: Shape[] = [[query[0] ?? null, query[1] ?? null, ...this.outFeatures(query)]];
    if (this.config.returnAttentionScores) out.push([query[0] ?? null, this.config.numHeads, query[1] ?? null, value[1] ?? null]);
    return out;
  }

  protected weightSpecsFor(inputShapes: readonly Shape[]): WeightSpec[] {
    const { numHeads: h, keyDim: k, valueDim: v, useBias } = this.config;
    const [query, value] = inputShapes as [Shape, Shape];
    const key = inputShapes[2] ?? value;
    const out = this.outFeatures(query);
    const specs: WeightSpec[] = [];
    const add = (name: string, input: number, size: number) => {
      specs.push({ name: `${name}/kernel`, shape: [input, h, size], layout: `${name} kernel [features, numHeads, ${name === 'value' ? 'valueDim' : 'keyDim'}]` });
      if (useBias) specs.push({ name: `${name}/bias`, shape: [h, size], layout: `${name} bias [numHeads, ${name === 'value' ? 'valueDim' : 'keyDim'}]` });
    };
    add('query', query[2] as number, k);
    add('key', key[2] as number, k);
    add('value', value[2] as number, v);
    specs.push({ name: 'attention_output/kernel', shape: [h, v, ...out], layout: 'attention_output kernel [numHeads, valueDim, output]' });
    if (useBias) specs.push({ name: 'attention_output/bias', shape: [...out], layout: 'attention_output bias [output]' });
    return specs;
  }
}

/**
 * Creates a MultiHeadAttention layer (Keras `keras.layers.MultiHeadAttention`), applied to
 * `[query, value]` or `[query, value, key]`.
 *
 * @example
 * const x = input({ shape: [20, 32] });
 * const y = layers.multiHeadAttention({ numHeads: 4, keyDim: 8 }).apply([x, x]);
 * @throws {TypeError} a missing numHeads or keyDim, an unknown option or a wrong type.
 * @throws {RangeError} a non-positive size, a dropout outside [0, 1).
 */
export function multiHeadAttention<A extends MultiHeadAttentionArgs>(args: A): MultiHeadAttention<A> {
  return new MultiHeadAttention<A>(args, 'multiHeadAttention');
}

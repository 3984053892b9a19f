/**
 * The Attention layer (Keras `keras.layers.Attention`, Luong-style dot-product attention) and
 * what it shares with AdditiveAttention.
 *
 * Called on `[query, value]` or `[query, value, key]` (`key` defaults to `value`), each
 * `[batch, timesteps, features]`: scores `[batch, Tq, Tv]` of the query against the key, a
 * softmax over the value steps, and the weighted sum of the values, `[batch, Tq, valueFeatures]`.
 * A mask on the value keeps its masked steps out of the softmax; a mask on the query zeroes
 * those outputs and carries on to the output (Keras).
 *
 * Keras takes `use_causal_mask` and `return_attention_scores` as call arguments; the engine's
 * graph carries per-layer configs, so torch-lstm takes them as layer options
 * (`useCausalMask`, `returnAttentionScores`), saved as config keys of the same names.
 */
import { checkOptions, oneOf } from '../validate.js';
import {
  type BaseLayerArgs,
  type BaseLayerConfig,
  type CallInputs,
  Layer,
  inputShapeOption,
  layerName,
  type Shape,
  type WeightSpec,
} from './layer.js';
import { orDefault, rate } from './rnn-base.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options Attention and AdditiveAttention share. */
export interface ScoreAttentionArgs extends BaseLayerArgs {
  /** Fraction of the attention weights dropped in training, in [0, 1). Defaults to `0`. */
  dropout?: number;
  /**
   * Mask the scores so that query step `i` attends only to steps `j <= i` (decoder
   * self-attention; Keras's call argument `use_causal_mask`). Defaults to `false`.
   */
  useCausalMask?: boolean;
  /**
   * Also output the attention weights `[batch, Tq, Tv]` (after masking, softmax and dropout), so
   * `apply` returns `[output, scores]` (Keras's call argument `return_attention_scores`).
   * Defaults to `false`.
   */
  returnAttentionScores?: boolean;
}

/** The fully defaulted options Attention and AdditiveAttention share. */
export interface ScoreAttentionConfig extends BaseLayerConfig {
  useScale: boolean;
  dropout: number;
  useCausalMask: boolean;
  returnAttentionScores: boolean;
}

/** What `apply` returns: `[output, scores]` with `returnAttentionScores: true`, else the output. */
export type AttentionOutput<A> = A extends { returnAttentionScores: true }
  ? [SymbolicTensor, SymbolicTensor]
  : A extends { returnAttentionScores?: false | undefined }
    ? SymbolicTensor
    : SymbolicTensor | SymbolicTensor[];

/** Reads the shared options; `useScaleDefault` is the layer's default for `useScale`. */
export function scoreAttentionConfig(
  o: Partial<ScoreAttentionArgs & { useScale: boolean }>,
  path: string,
  useScaleDefault: boolean,
): Omit<ScoreAttentionConfig, 'name' | 'inputShape'> {
  return {
    useScale: orDefault(o.useScale, `${path}.useScale`, useScaleDefault),
    dropout: rate(o.dropout, `${path}.dropout`),
    useCausalMask: orDefault(o.useCausalMask, `${path}.useCausalMask`, false),
    returnAttentionScores: orDefault(o.returnAttentionScores, `${path}.returnAttentionScores`, false),
  };
}

/** Adds the input shape (of the query, when given) and the name, drawn last. */
export function finishAttentionConfig<C extends BaseLayerConfig>(config: Omit<C, 'name'>, o: Partial<BaseLayerArgs>, path: string, prefix: string): C {
  const inputShape = inputShapeOption(o.inputShape, path, { rank: 2, lastKnown: true, what: 'an array [timesteps, features]' });
  const name = layerName(o.name, path, prefix);
  return (inputShape ? { name, ...config, inputShape } : { name, ...config }) as C;
}

/**
 * Checks the call arguments of a call read from Keras JSON (`use_causal_mask`,
 * `return_attention_scores`) against the layer's options of the same meaning: the engine
 * applies the options to every call, so a call asking for something else is an error.
 */
export function checkAttentionCallArgs(
  layer: Layer,
  config: { useCausalMask: boolean; returnAttentionScores: boolean },
  call: CallInputs,
): void {
  const pairs = [['use_causal_mask', 'useCausalMask'], ['return_attention_scores', 'returnAttentionScores']] as const;
  for (const [key, option] of pairs) {
    const value = call.callArgs[key];
    if (value === undefined || value === config[option]) continue;
    throw new RangeError(
      `Layer "${layer.name}" (${layer.className}) is called with ${key}=${String(value)} but its ${option} option is ` +
        `${String(config[option])}; torch-lstm applies ${key} to every call of a layer: set it in the layer's config ` +
        `(${option} in TS, "${key}" in Keras JSON)`,
    );
  }
}

const INPUT_NAMES = ['query', 'value', 'key'] as const;

/** The base of Attention and AdditiveAttention: inputs, output shapes, options. */
export abstract class ScoreAttention<C extends ScoreAttentionConfig, O extends SymbolicTensor | SymbolicTensor[]> extends Layer<C, O> {
  readonly minInputRank = 3;
  readonly maxInputRank = 3;
  override readonly minInputs: number = 2;
  override readonly maxInputs: number = 3;

  /** Whether the scores are scaled by a learned weight. */
  get useScale(): boolean {
    return this.config.useScale;
  }

  /** @internal Checks Keras call arguments against the options, then calls. */
  override applyCall(call: CallInputs): O {
    checkAttentionCallArgs(this, this.config, call);
    return super.applyCall(call);
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    inputShapes.forEach((s, i) => {
      if (s.length !== 3) throw new RangeError(`the ${INPUT_NAMES[i]} must be [batch, timesteps, features] but has rank ${s.length}`);
    });
    const [query, value] = inputShapes as [Shape, Shape];
    const key = inputShapes[2] ?? value;
    if (typeof query[2] !== 'number') throw new RangeError('the query features must be known');
    if (key[2] !== query[2]) {
      throw new RangeError(`the query and the key must have the same features but have ${query[2]} and ${key[2] ?? 'None'}`);
    }
    if (typeof key[1] === 'number' && typeof value[1] === 'number' && key[1] !== value[1]) {
      throw new RangeError(`the value and the key must have the same timesteps but have ${value[1]} and ${key[1]}`);
    }
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    const [query, value] = inputShapes as [Shape, Shape];
    const out: Shape[] = [[query[0] ?? null, query[1] ?? null, value[2] ?? null]];
    if (this.config.returnAttentionScores) out.push([query[0] ?? null, query[1] ?? null, value[1] ?? null]);
    return out;
  }
}

/** Options of {@link attention}. */
export interface AttentionArgs extends ScoreAttentionArgs {
  /** Scale the scores by a learned scalar `scale` (initialized to 1). Defaults to `false`. */
  useScale?: boolean;
  /**
   * How scores are computed: `'dot'` (query . key) or `'concat'`
   * (`concat_score_weight * sum(tanh(query + key))`, a learned scalar initialized to 1).
   * Defaults to `'dot'`.
   */
  scoreMode?: 'dot' | 'concat';
}

/** The fully defaulted config of an {@link Attention} layer. */
export interface AttentionConfig extends ScoreAttentionConfig {
  scoreMode: 'dot' | 'concat';
}

/** Every option {@link attention} accepts. */
export const ATTENTION_OPTIONS = ['useScale', 'scoreMode', 'dropout', 'useCausalMask', 'returnAttentionScores', 'inputShape', 'name'] as const;

/** Validates Attention options and fills the defaults; `path` names the options in errors. */
export function attentionConfig(args: unknown, path: string): AttentionConfig {
  const o = checkOptions<AttentionArgs>(args ?? {}, path, ATTENTION_OPTIONS);
  const config = {
    ...scoreAttentionConfig(o, path, false),
    scoreMode: o.scoreMode === undefined ? 'dot' : oneOf(o.scoreMode, `${path}.scoreMode`, ['dot', 'concat'] as const),
  };
  return finishAttentionConfig<AttentionConfig>(config, o, path, 'attention');
}

/** Dot-product (Luong) attention of a query sequence over a value sequence. */
export class Attention<A extends AttentionArgs = AttentionArgs> extends ScoreAttention<AttentionConfig, AttentionOutput<A>> {
  readonly className = 'Attention' as const;

  /**
   * @param args the options of {@link attention}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: A = {} as A, path = 'attention') {
    super(attentionConfig(args, path));
  }

  protected weightSpecsFor(_inputShapes: readonly Shape[]): WeightSpec[] {
    const specs: WeightSpec[] = [];
    if (this.config.useScale) specs.push({ name: 'scale', shape: [], layout: 'Attention scale (a scalar)' });
    if (this.config.scoreMode === 'concat') {
      specs.push({ name: 'concat_score_weight', shape: [], layout: 'Attention concat_score_weight (a scalar)' });
    }
    return specs;
  }
}

/**
 * Creates an Attention layer (Keras `keras.layers.Attention`), applied to `[query, value]` or
 * `[query, value, key]`.
 *
 * @example
 * const inputs = input({ shape: [30, 1] });
 * const lstmOut = layers.lstm({ units: 64, returnSequences: true }).apply(inputs);
 * const context = layers.attention().apply([lstmOut, lstmOut]);
 * @throws {TypeError} an unknown option or a wrong type.
 * @throws {RangeError} an unknown scoreMode, a dropout outside [0, 1).
 */
export function attention<A extends AttentionArgs = Record<never, never>>(args: A = {} as A): Attention<A> {
  return new Attention<A>(args, 'attention');
}

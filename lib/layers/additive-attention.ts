/**
 * The AdditiveAttention layer (Keras `keras.layers.AdditiveAttention`, Bahdanau-style):
 * scores `sum(scale * tanh(query + key))` over the features, with `scale` a learned vector
 * `[features]` (glorot-uniform, as Keras fixes it); the rest as {@link Attention}.
 */
import { checkOptions } from '../validate.js';
import {
  type AttentionOutput,
  finishAttentionConfig,
  ScoreAttention,
  type ScoreAttentionArgs,
  scoreAttentionConfig,
  type ScoreAttentionConfig,
} from './attention.js';
import type { Shape, WeightSpec } from './layer.js';

/** Options of {@link additiveAttention}. */
export interface AdditiveAttentionArgs extends ScoreAttentionArgs {
  /** Weight each feature's `tanh` term by a learned vector `scale`. Defaults to `true`. */
  useScale?: boolean;
}

/** The fully defaulted config of an {@link AdditiveAttention} layer. */
export type AdditiveAttentionConfig = ScoreAttentionConfig;

/** Every option {@link additiveAttention} accepts. */
export const ADDITIVE_ATTENTION_OPTIONS = ['useScale', 'dropout', 'useCausalMask', 'returnAttentionScores', 'inputShape', 'name'] as const;

/** Validates AdditiveAttention options and fills the defaults; `path` names the options in errors. */
export function additiveAttentionConfig(args: unknown, path: string): AdditiveAttentionConfig {
  const o = checkOptions<AdditiveAttentionArgs>(args ?? {}, path, ADDITIVE_ATTENTION_OPTIONS);
  return finishAttentionConfig<AdditiveAttentionConfig>(scoreAttentionConfig(o, path, true), o, path, 'additive_attention');
}

/** Additive (Bahdanau) attention of a query sequence over a value sequence. */
export class AdditiveAttention<A extends AdditiveAttentionArgs = AdditiveAttentionArgs> extends ScoreAttention<
  AdditiveAttentionConfig,
  AttentionOutput<A>
> {
  readonly className = 'AdditiveAttention' as const;

  /**
   * @param args the options of {@link additiveAttention}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: A = {} as A, path = 'additiveAttention') {
    super(additiveAttentionConfig(args, path));
  }

  protected weightSpecsFor(inputShapes: readonly Shape[]): WeightSpec[] {
    if (!this.config.useScale) return [];
    const dim = inputShapes[0]![2] as number;
    return [{ name: 'scale', shape: [dim], layout: 'AdditiveAttention scale [features]' }];
  }
}

/**
 * Creates an AdditiveAttention layer (Keras `keras.layers.AdditiveAttention`), applied to
 * `[query, value]` or `[query, value, key]`.
 *
 * @example
 * const context = layers.additiveAttention().apply([decoderSeq, encoderSeq]);
 * @throws {TypeError} an unknown option or a wrong type.
 * @throws {RangeError} a dropout outside [0, 1).
 */
export function additiveAttention<A extends AdditiveAttentionArgs = Record<never, never>>(args: A = {} as A): AdditiveAttention<A> {
  return new AdditiveAttention<A>(args, 'additiveAttention');
}

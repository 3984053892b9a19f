/**
 * The LayerNormalization layer (Keras `keras.layers.LayerNormalization`): each sample is
 * normalized over `axis` to zero mean and unit variance, `(x - mean) / sqrt(var + epsilon)`, then
 * scaled by `gamma` and shifted by `beta` (weights in Keras order: gamma, beta, each spanning the
 * normalized axes). A mask passes through unchanged.
 */
import { checkOptions, describe, integer, number } from '../validate.js';
import { initializer, type InitializerConfig, type InitializerIdentifier } from './initializers.js';
import { type BaseLayerArgs, type BaseLayerConfig, Layer, inputShapeOption, layerName, type Shape, type WeightSpec } from './layer.js';
import { regularizerOption, type RegularizerConfig, type RegularizerIdentifier } from './regularizers.js';
import { orDefault } from './rnn-base.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link layerNormalization}. */
export interface LayerNormalizationArgs extends BaseLayerArgs {
  /**
   * The axis or axes to normalize over, counted with the batch as axis 0 (`-1` is the last).
   * Their sizes must be known. Defaults to `-1`.
   */
  axis?: number | readonly number[];
  /** Added to the variance to avoid dividing by zero (> 0). Defaults to `1e-3`. */
  epsilon?: number;
  /** Add the learned offset `beta`. Defaults to `true`. */
  center?: boolean;
  /** Multiply by the learned scale `gamma`. Defaults to `true`. */
  scale?: boolean;
  /** Initializer of `beta`. Defaults to `'zeros'`. */
  betaInitializer?: InitializerIdentifier;
  /** Initializer of `gamma`. Defaults to `'ones'`. */
  gammaInitializer?: InitializerIdentifier;
  /** Penalty on `beta`, added to the loss. Defaults to `null` (none). */
  betaRegularizer?: RegularizerIdentifier;
  /** Penalty on `gamma`, added to the loss. Defaults to `null` (none). */
  gammaRegularizer?: RegularizerIdentifier;
}

/** The fully defaulted config of a {@link LayerNormalization} layer. */
export interface LayerNormalizationConfig extends BaseLayerConfig {
  axis: number | number[];
  epsilon: number;
  center: boolean;
  scale: boolean;
  betaInitializer: InitializerConfig;
  gammaInitializer: InitializerConfig;
  betaRegularizer: RegularizerConfig | null;
  gammaRegularizer: RegularizerConfig | null;
}

/** Every option {@link layerNormalization} accepts. */
export const LAYER_NORMALIZATION_OPTIONS = [
  'axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'betaRegularizer', 'gammaRegularizer',
  'inputShape', 'name',
] as const;

function axisOption(value: unknown, name: string): number | number[] {
  if (value === undefined) return -1;
  if (typeof value === 'number') return integer(value, name);
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`Expected an integer or a non-empty array of integers for ${name} but received ${describe(value)} of type ${typeof value}`);
  }
  return value.map((a, i) => integer(a, `${name}[${i}]`));
}

/** Validates LayerNormalization options and fills the defaults; `path` names the options in errors. */
export function layerNormalizationConfig(args: unknown, path: string): LayerNormalizationConfig {
  const o = checkOptions<LayerNormalizationArgs>(args ?? {}, path, LAYER_NORMALIZATION_OPTIONS);
  const config: Omit<LayerNormalizationConfig, 'name'> = {
    axis: axisOption(o.axis, `${path}.axis`),
    epsilon: o.epsilon === undefined ? 1e-3 : number(o.epsilon, `${path}.epsilon`, { min: 0, minExclusive: true }),
    center: orDefault(o.center, `${path}.center`, true),
    scale: orDefault(o.scale, `${path}.scale`, true),
    betaInitializer: initializer(o.betaInitializer ?? 'zeros', `${path}.betaInitializer`),
    gammaInitializer: initializer(o.gammaInitializer ?? 'ones', `${path}.gammaInitializer`),
    betaRegularizer: regularizerOption(o.betaRegularizer, `${path}.betaRegularizer`),
    gammaRegularizer: regularizerOption(o.gammaRegularizer, `${path}.gammaRegularizer`),
  };
  const inputShape = inputShapeOption(o.inputShape, path);
  const name = layerName(o.name, path, 'layer_normalization');
  return inputShape ? { name, ...config, inputShape } : { name, ...config };
}

/** Normalizes each sample over `axis`, then scales and shifts it (learned gamma, beta). */
export class LayerNormalization extends Layer<LayerNormalizationConfig, SymbolicTensor> {
  readonly className = 'LayerNormalization' as const;
  readonly minInputRank = 2;
  readonly maxInputRank = Infinity;

  /**
   * @param args the options of {@link layerNormalization}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: LayerNormalizationArgs = {}, path = 'layerNormalization') {
    super(layerNormalizationConfig(args, path));
  }

  /** The normalized axes' sizes, in the order `axis` lists them (the shape of gamma and beta). */
  private paramShape(inputShape: Shape): number[] {
    const rank = inputShape.length;
    const axes = Array.isArray(this.config.axis) ? this.config.axis : [this.config.axis];
    const seen = new Set<number>();
    return axes.map((a) => {
      const axis = a < 0 ? a + rank : a;
      if (axis < 1 || axis >= rank) {
        throw new RangeError(`axis ${a} is out of range for an input of rank ${rank} (the batch axis 0 cannot be normalized)`);
      }
      if (seen.has(axis)) throw new RangeError(`axis ${a} is listed twice`);
      seen.add(axis);
      const dim = inputShape[axis];
      if (typeof dim !== 'number') throw new RangeError(`the normalized axis ${a} must have a known size`);
      return dim;
    });
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    this.paramShape(inputShapes[0]!);
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    return [[...inputShapes[0]!]];
  }

  protected weightSpecsFor(inputShapes: readonly Shape[]): WeightSpec[] {
    const shape = this.paramShape(inputShapes[0]!);
    const specs: WeightSpec[] = [];
    if (this.config.scale) specs.push({ name: 'gamma', shape, layout: 'LayerNormalization gamma [normalized axes]' });
    if (this.config.center) specs.push({ name: 'beta', shape: [...shape], layout: 'LayerNormalization beta [normalized axes]' });
    return specs;
  }
}

/**
 * Creates a LayerNormalization layer (Keras `keras.layers.LayerNormalization`).
 *
 * @example
 * layers.layerNormalization({ epsilon: 1e-6 })
 * @throws {TypeError} an unknown option (`rmsScaling` is not offered) or a wrong type.
 * @throws {RangeError} a non-positive epsilon.
 */
export function layerNormalization(args: LayerNormalizationArgs = {}): LayerNormalization {
  return new LayerNormalization(args, 'layerNormalization');
}

/**
 * The PositionEmbedding layer (keras_hub `keras_hub.layers.PositionEmbedding`): a learned
 * embedding per position, `embeddings [sequenceLength, features]`. Called on
 * `[batch, timesteps, features]`, it returns the embeddings of positions `0..timesteps-1`
 * broadcast to the input's shape — only the embeddings, as keras_hub does: add them to the
 * token features yourself (`layers.add().apply([x, positions])`). Sequences longer than
 * `sequenceLength` (up to its square) use keras_hub's hierarchical positions. An input mask is
 * accepted and not passed on (the token features carry it).
 */
import { checkOptions, integer, number } from '../validate.js';
import { initializer, type InitializerConfig, type InitializerIdentifier } from './initializers.js';
import { type BaseLayerArgs, type BaseLayerConfig, Layer, inputShapeOption, layerName, type Shape, type WeightSpec } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link positionEmbedding}. */
export interface PositionEmbeddingArgs extends BaseLayerArgs {
  /** The number of positions learned (the longest expected sequence). Required. */
  sequenceLength: number;
  /** Initializer of the embeddings. Defaults to `'glorotUniform'`. */
  initializer?: InitializerIdentifier;
  /**
   * keras_hub's mixing factor for positions beyond `sequenceLength`: position `i` is
   * `alpha * E'[i / n] + (1 - alpha) * E'[i % n]` with `E' = (E - alpha * E[0]) / (1 - alpha)`.
   * In [0, 1). Defaults to `0.4`.
   */
  hierarchicalAlpha?: number;
}

/** The fully defaulted config of a {@link PositionEmbedding} layer. */
export interface PositionEmbeddingConfig extends BaseLayerConfig {
  sequenceLength: number;
  initializer: InitializerConfig;
  hierarchicalAlpha: number;
}

/** Every option {@link positionEmbedding} accepts. */
export const POSITION_EMBEDDING_OPTIONS = ['sequenceLength', 'initializer', 'hierarchicalAlpha', 'inputShape', 'name'] as const;

/** Validates PositionEmbedding options and fills the defaults; `path` names the options in errors. */
export function positionEmbeddingConfig(args: unknown, path: string): PositionEmbeddingConfig {
  if (args === undefined) throw new TypeError(`Expected an options object with sequenceLength for ${path} but received undefined`);
  const o = checkOptions<PositionEmbeddingArgs>(args, path, POSITION_EMBEDDING_OPTIONS);
  const config: Omit<PositionEmbeddingConfig, 'name'> = {
    sequenceLength: integer(o.sequenceLength, `${path}.sequenceLength`, { min: 1 }),
    initializer: initializer(o.initializer ?? 'glorotUniform', `${path}.initializer`),
    hierarchicalAlpha: o.hierarchicalAlpha === undefined ? 0.4 : number(o.hierarchicalAlpha, `${path}.hierarchicalAlpha`, { min: 0, max: 1, maxExclusive: true }),
  };
  const inputShape = inputShapeOption(o.inputShape, path, { lastKnown: true, what: 'an array [timesteps, features]' });
  const name = layerName(o.name, path, 'position_embedding');
  return inputShape ? { name, ...config, inputShape } : { name, ...config };
}

/** Learned position embeddings, broadcast to the input's shape. */
export class PositionEmbedding extends Layer<PositionEmbeddingConfig, SymbolicTensor> {
  readonly className = 'PositionEmbedding' as const;
  readonly minInputRank = 3;
  readonly maxInputRank = Infinity;

  /**
   * @param args the options of {@link positionEmbedding}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: PositionEmbeddingArgs, path = 'positionEmbedding') {
    super(positionEmbeddingConfig(args, path));
  }

  /** The number of positions learned. */
  get sequenceLength(): number {
    return this.config.sequenceLength;
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    const shape = inputShapes[0]!;
    if (typeof shape[shape.length - 1] !== 'number') throw new RangeError('the input features must be known');
    const steps = shape[shape.length - 2];
    const n = this.config.sequenceLength;
    if (typeof steps === 'number' && steps > n * n) {
      throw new RangeError(`inputs of ${steps} timesteps exceed sequenceLength^2 (${n}^2)`);
    }
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    return [[...inputShapes[0]!]];
  }

  protected weightSpecsFor(inputShapes: readonly Shape[]): WeightSpec[] {
    const shape = inputShapes[0]!;
    const features = shape[shape.length - 1] as number;
    return [{ name: 'embeddings', shape: [this.config.sequenceLength, features], layout: 'PositionEmbedding embeddings [sequenceLength, features]' }];
  }
}

/**
 * Creates a PositionEmbedding layer (keras_hub `PositionEmbedding`).
 *
 * @example
 * const x = input({ shape: [50, 32] });
 * const withPositions = layers.add().apply([x, layers.positionEmbedding({ sequenceLength: 50 }).apply(x)]);
 * @throws {TypeError} a missing sequenceLength, an unknown option or a wrong type.
 * @throws {RangeError} a non-positive sequenceLength, a hierarchicalAlpha outside [0, 1).
 */
export function positionEmbedding(args: PositionEmbeddingArgs): PositionEmbedding {
  return new PositionEmbedding(args, 'positionEmbedding');
}

/**
 * The Embedding layer (Keras `keras.layers.Embedding`): turns integer indices into dense
 * vectors, row `i` of an `[inputDim, outputDim]` table for index `i`.
 *
 * Indices arrive as numbers (float32 in the engine) and are cast to integers inside; an index
 * outside `[0, inputDim)` is an error naming the layer, `inputDim` and the index. With
 * `maskZero`, index 0 is padding: the output carries the mask `x != 0`, which recurrent layers
 * and `bidirectional` then follow (masked steps carry the state through).
 */
import { boolean, checkOptions, integer } from '../validate.js';
import { initializer, type InitializerConfig, type InitializerIdentifier } from './initializers.js';
import {
  type BaseLayerArgs,
  type BaseLayerConfig,
  Layer,
  inputShapeOption,
  layerName,
  type Shape,
  type WeightSpec,
} from './layer.js';
import { regularizerOption, type RegularizerConfig, type RegularizerIdentifier } from './regularizers.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link embedding}. */
export interface EmbeddingArgs extends BaseLayerArgs {
  /** Size of the vocabulary: indices run over `[0, inputDim)`. Required. */
  inputDim: number;
  /** Dimension of each embedding vector. Required. */
  outputDim: number;
  /** Initializer of the table. Defaults to `initializers.randomUniform({ minval: -0.05, maxval: 0.05 })`, as Keras. */
  embeddingsInitializer?: InitializerIdentifier;
  /** Penalty on the table, added to the loss. Defaults to `null` (none). */
  embeddingsRegularizer?: RegularizerIdentifier;
  /** Penalty on the layer's output, added to the loss. Defaults to `null` (none). */
  activityRegularizer?: RegularizerIdentifier;
  /**
   * Treat index 0 as padding: the output carries the mask `x != 0` for the layers after it
   * (recurrent layers skip masked steps). Index 0 then cannot be a real token, so `inputDim`
   * is the vocabulary size + 1. Needs inputs `[batch, timesteps]`. Defaults to `false`.
   */
  maskZero?: boolean;
  /** `[timesteps]` of one sample (`[null]` for variable-length sequences). */
  inputShape?: readonly (number | null)[] | null;
}

/** The fully defaulted config of an {@link Embedding} layer. */
export interface EmbeddingConfig extends BaseLayerConfig {
  inputDim: number;
  outputDim: number;
  embeddingsInitializer: InitializerConfig;
  embeddingsRegularizer: RegularizerConfig | null;
  activityRegularizer: RegularizerConfig | null;
  maskZero: boolean;
}

/** Every option {@link embedding} accepts. */
export const EMBEDDING_OPTIONS = [
  'inputDim', 'outputDim', 'embeddingsInitializer', 'embeddingsRegularizer', 'activityRegularizer', 'maskZero',
  'inputShape', 'name',
] as const;

/** Keras's default table initializer. */
const DEFAULT_INITIALIZER = { className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } } as const;

/** Validates Embedding options and fills the defaults; `path` names the options in errors. */
export function embeddingConfig(args: unknown, path: string): EmbeddingConfig {
  if (args === undefined) {
    throw new TypeError(`Expected an options object with inputDim and outputDim for ${path} but received undefined`);
  }
  const o = checkOptions<EmbeddingArgs>(args, path, EMBEDDING_OPTIONS);
  const config: Omit<EmbeddingConfig, 'name'> = {
    inputDim: integer(o.inputDim, `${path}.inputDim`, { min: 1 }),
    outputDim: integer(o.outputDim, `${path}.outputDim`, { min: 1 }),
    embeddingsInitializer: initializer(o.embeddingsInitializer ?? DEFAULT_INITIALIZER, `${path}.embeddingsInitializer`),
    embeddingsRegularizer: regularizerOption(o.embeddingsRegularizer, `${path}.embeddingsRegularizer`),
    activityRegularizer: regularizerOption(o.activityRegularizer, `${path}.activityRegularizer`),
    maskZero: o.maskZero === undefined ? false : boolean(o.maskZero, `${path}.maskZero`),
  };
  const inputShape = inputShapeOption(o.inputShape, path, { what: 'an array of positive integers or nulls ([timesteps])' });
  if (config.maskZero && inputShape && inputShape.length !== 1) {
    throw new RangeError(
      `Expected inputShape [timesteps] for ${path}.inputShape with maskZero (the mask is [batch, timesteps]) but received [${inputShape.join(', ')}]`,
    );
  }
  const name = layerName(o.name, path, 'embedding');
  return inputShape ? { name, ...config, inputShape } : { name, ...config };
}

/** Turns integer indices into dense vectors (Keras Embedding). */
export class Embedding extends Layer<EmbeddingConfig, SymbolicTensor> {
  readonly className = 'Embedding' as const;
  readonly minInputRank = 2;
  readonly maxInputRank = Infinity;

  /**
   * @param args the options of {@link embedding}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: EmbeddingArgs, path = 'embedding') {
    super(embeddingConfig(args, path));
  }

  /** Size of the vocabulary. */
  get inputDim(): number {
    return this.config.inputDim;
  }

  /** Dimension of each embedding vector. */
  get outputDim(): number {
    return this.config.outputDim;
  }

  /** Whether index 0 is padding (the output carries a mask). */
  get maskZero(): boolean {
    return this.config.maskZero;
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    if (this.config.maskZero && inputShapes[0]!.length !== 2) {
      throw new RangeError(`Embedding with maskZero expects an input [batch, timesteps] (rank 2) but received rank ${inputShapes[0]!.length}`);
    }
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    return [[...inputShapes[0]!, this.config.outputDim]];
  }

  protected weightSpecsFor(_inputShapes: readonly Shape[]): WeightSpec[] {
    const { inputDim, outputDim } = this.config;
    return [{ name: 'embeddings', shape: [inputDim, outputDim], layout: 'Embedding table [inputDim, outputDim], row i for index i' }];
  }
}

/**
 * Creates an Embedding layer (Keras `keras.layers.Embedding`).
 *
 * @example
 * const model = sequential([
 *   layers.embedding({ inputDim: 10000, outputDim: 128, maskZero: true, inputShape: [null] }),
 *   layers.lstm({ units: 64 }),
 *   layers.dense({ units: 1, activation: 'sigmoid' }),
 * ]);
 * @throws {TypeError} an unknown option (`inputLength`, `embeddingsConstraint` are not offered) or a wrong type.
 * @throws {RangeError} a non-positive `inputDim`/`outputDim`, or `maskZero` with an inputShape other than `[timesteps]`.
 */
export function embedding(args: EmbeddingArgs): Embedding {
  return new Embedding(args, 'embedding');
}

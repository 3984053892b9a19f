/**
 * The TimeDistributed wrapper (Keras `keras.layers.TimeDistributed`): applies a layer to every
 * timestep of `[batch, timesteps, ...]` independently (the engine folds time into the batch),
 * giving `[batch, timesteps, ...layer output]`. The wrapped layer owns the weights; a mask on
 * the input passes through.
 */
import { checkOptions, describe } from '../validate.js';
import { type BaseLayerArgs, type BaseLayerConfig, Layer, inputShapeOption, layerName, type Shape, type WeightSpec } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link timeDistributed}. */
export interface TimeDistributedArgs extends BaseLayerArgs {
  /**
   * The layer applied at every timestep: a layer taking one input (`layers.dense(...)`), not
   * applied anywhere else. Required.
   */
  layer: Layer;
}

/** The fully defaulted config of a {@link TimeDistributed} layer: the wrapped layer's class and config. */
export interface TimeDistributedConfig extends BaseLayerConfig {
  layer: { className: string; config: BaseLayerConfig };
}

/** Every option {@link timeDistributed} accepts. */
export const TIME_DISTRIBUTED_OPTIONS = ['layer', 'inputShape', 'name'] as const;

function innerLayer(value: unknown, path: string): Layer {
  if (!(value instanceof Layer)) {
    throw new TypeError(`Expected a layer (layers.dense(...), ...) for ${path}.layer but received ${describe(value)} of type ${value === null ? 'null' : typeof value}`);
  }
  if (value.maxInputs !== 1) {
    throw new RangeError(`Expected a layer taking one input for ${path}.layer but received ${value.className} "${value.name}", which takes several`);
  }
  if (value.inboundNodes.length > 0) {
    throw new RangeError(`${path}.layer ("${value.name}") is already applied in a model; wrap a fresh layer`);
  }
  return value;
}

/** Applies a layer to every timestep of a sequence. */
export class TimeDistributed extends Layer<TimeDistributedConfig, SymbolicTensor | SymbolicTensor[]> {
  readonly className = 'TimeDistributed' as const;
  readonly minInputRank = 3;
  readonly maxInputRank = Infinity;
  readonly #layer: Layer;

  /**
   * @param args the options of {@link timeDistributed}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: TimeDistributedArgs, path = 'timeDistributed') {
    if (args === undefined) throw new TypeError(`Expected an options object with layer for ${path} but received undefined`);
    const o = checkOptions<TimeDistributedArgs>(args, path, TIME_DISTRIBUTED_OPTIONS);
    const layer = innerLayer(o.layer, path);
    const inputShape = inputShapeOption(o.inputShape, path, { what: 'an array [timesteps, ...]' });
    const name = layerName(o.name, path, 'time_distributed');
    const config: TimeDistributedConfig = { name, layer: { className: layer.className, config: layer.getConfig() } };
    super(inputShape ? { ...config, inputShape } : config);
    this.#layer = layer;
  }

  /** The wrapped layer. */
  get layer(): Layer {
    return this.#layer;
  }

  /** The wrapped layer's input shape for a sequence input: time dropped. */
  private innerShape(inputShape: Shape): Shape {
    return [inputShape[0] ?? null, ...inputShape.slice(2)];
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    try {
      this.#layer.callShapes([this.innerShape(inputShapes[0]!)]);
    } catch (err) {
      if (err instanceof RangeError) throw new RangeError(`the wrapped ${this.#layer.className} "${this.#layer.name}" cannot take each timestep: ${err.message}`);
      throw err;
    }
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    const steps = inputShapes[0]![1] ?? null;
    return this.#layer.callShapes([this.innerShape(inputShapes[0]!)]).map((s) => [s[0] ?? null, steps, ...s.slice(1)]);
  }

  protected weightSpecsFor(inputShapes: readonly Shape[]): WeightSpec[] {
    return this.#layer.callWeights([this.innerShape(inputShapes[0]!)]);
  }
}

/**
 * Creates a TimeDistributed wrapper (Keras `keras.layers.TimeDistributed`).
 *
 * @example
 * const perStep = layers.timeDistributed({ layer: layers.dense({ units: 1 }) }).apply(lstmSequences);
 * @throws {TypeError} a missing or non-layer `layer`, an unknown option.
 * @throws {RangeError} a layer taking several inputs, or one already applied in a model.
 */
export function timeDistributed(args: TimeDistributedArgs): TimeDistributed {
  return new TimeDistributed(args, 'timeDistributed');
}

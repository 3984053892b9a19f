/**
 * The Dense layer (Keras `keras.layers.Dense`): `activation(x @ kernel + bias)` on the last
 * axis, so a 3-D input `[batch, timesteps, features]` gives `[batch, timesteps, units]`.
 */
import { boolean, checkOptions, integer } from '../validate.js';
import { activation, type ActivationIdentifier, type ActivationName } from './activations.js';
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
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link dense}. */
export interface DenseArgs extends BaseLayerArgs {
  /** Dimension of the output space (a positive integer). Required. */
  units: number;
  /** Activation applied to the output. Defaults to `'linear'` (`null` is the same). */
  activation?: ActivationIdentifier | null;
  /** Whether the layer uses a bias vector. Defaults to `true`. */
  useBias?: boolean;
  /** Initializer of the kernel. Defaults to `'glorotUniform'`. */
  kernelInitializer?: InitializerIdentifier;
  /** Initializer of the bias. Defaults to `'zeros'`. */
  biasInitializer?: InitializerIdentifier;
}

/** The fully defaulted config of a {@link Dense} layer. */
export interface DenseConfig extends BaseLayerConfig {
  units: number;
  activation: ActivationName;
  useBias: boolean;
  kernelInitializer: InitializerConfig;
  biasInitializer: InitializerConfig;
}

/** Every option {@link dense} accepts. */
export const DENSE_OPTIONS = [
  'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'inputShape', 'name',
] as const;

/** Validates Dense options and fills the defaults; `path` names the options in errors. */
export function denseConfig(args: unknown, path: string): DenseConfig {
  if (args === undefined) throw new TypeError(`Expected an options object with units for ${path} but received undefined`);
  const o = checkOptions<DenseArgs>(args, path, DENSE_OPTIONS);
  const config: Omit<DenseConfig, 'name'> = {
    units: integer(o.units, `${path}.units`, { min: 1 }),
    activation: o.activation === undefined ? 'linear' : activation(o.activation, `${path}.activation`),
    useBias: o.useBias === undefined ? true : boolean(o.useBias, `${path}.useBias`),
    kernelInitializer: initializer(o.kernelInitializer ?? 'glorotUniform', `${path}.kernelInitializer`),
    biasInitializer: initializer(o.biasInitializer ?? 'zeros', `${path}.biasInitializer`),
  };
  const inputShape = inputShapeOption(o.inputShape, path, {
    lastKnown: true,
    what: 'an array of positive integers (the last, features, must be known)',
  });
  const name = layerName(o.name, path, 'dense');
  return inputShape ? { name, ...config, inputShape } : { name, ...config };
}

/** A densely connected layer on the last axis. */
export class Dense extends Layer<DenseConfig, SymbolicTensor> {
  readonly className = 'Dense' as const;
  readonly minInputRank = 2;
  readonly maxInputRank = Infinity;

  /**
   * @param args the options of {@link dense}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: DenseArgs, path = 'dense') {
    super(denseConfig(args, path));
  }

  /** Dimension of the output space. */
  get units(): number {
    return this.config.units;
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    const shape = inputShapes[0]!;
    if (shape[shape.length - 1] === null) {
      throw new RangeError('the last dimension of the input to a Dense layer must be known (Keras rule)');
    }
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    return [[...inputShapes[0]!.slice(0, -1), this.config.units]];
  }

  protected weightSpecsFor(inputShapes: readonly Shape[]): WeightSpec[] {
    const inputShape = inputShapes[0]!;
    const inputDim = inputShape[inputShape.length - 1];
    if (typeof inputDim !== 'number') {
      throw new RangeError('the last dimension of the input to a Dense layer must be known (Keras rule)');
    }
    const specs: WeightSpec[] = [
      { name: 'kernel', shape: [inputDim, this.config.units], layout: 'Dense kernel [inputDim, units]' },
    ];
    if (this.config.useBias) specs.push({ name: 'bias', shape: [this.config.units], layout: 'Dense bias [units]' });
    return specs;
  }
}

/**
 * Creates a Dense layer (Keras `keras.layers.Dense`), applied to the last axis.
 *
 * @example
 * layers.dense({ units: 1 })
 * @throws {TypeError} an unknown option or a value of the wrong type.
 * @throws {RangeError} a value out of range.
 */
export function dense(args: DenseArgs): Dense {
  return new Dense(args, 'dense');
}

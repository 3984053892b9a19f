/**
 * The Add layer (Keras `keras.layers.Add`): the elementwise sum of its inputs. Their shapes must
 * agree dimension by dimension (equal, or 1 to broadcast, as Keras's merge layers allow); a
 * mismatch is an error naming the layer and both shapes. The output is masked only when every
 * input is (the union of their masks, Keras 3).
 */
import { checkOptions } from '../validate.js';
import { Layer, layerName, type BaseLayerConfig, type Shape, type WeightSpec } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link add}. */
export interface AddArgs {
  /** Name of the layer, unique in a model. Defaults to `add`, `add_1`, ... */
  name?: string;
}

/** The fully defaulted config of an {@link Add} layer. */
export type AddConfig = BaseLayerConfig;

/** Every option {@link add} accepts. */
export const ADD_OPTIONS = ['name'] as const;

/** Validates Add options; `path` names the options in errors. */
export function addConfig(args: unknown, path: string): AddConfig {
  const o = checkOptions<AddArgs>(args ?? {}, path, ADD_OPTIONS);
  return { name: layerName(o.name, path, 'add') };
}

const words = (s: Shape) => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;

/** Sums a list of tensors of the same shape. */
export class Add extends Layer<AddConfig, SymbolicTensor> {
  readonly className = 'Add' as const;
  readonly minInputRank = 2;
  readonly maxInputRank = Infinity;
  override readonly minInputs: number = 1;
  override readonly maxInputs: number = Infinity;

  /**
   * @param args the options of {@link add}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: AddArgs = {}, path = 'add') {
    super(addConfig(args, path));
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    this.outputShapesFor(inputShapes);
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    let out: Shape = [...inputShapes[0]!];
    for (const s of inputShapes.slice(1)) {
      const fail = () => new RangeError(`the inputs must have the same shape (or size 1 to broadcast) but received shapes ${words(out)} and ${words(s)}`);
      if (s.length !== out.length) throw fail();
      out = out.map((a, d) => {
        const b = s[d] ?? null;
        if (d === 0) return a ?? b;
        if (a === null || b === null) return a === 1 ? b : b === 1 ? a : null;
        if (a === b || b === 1) return a;
        if (a === 1) return b;
        throw fail();
      });
    }
    return [out];
  }

  protected weightSpecsFor(_inputShapes: readonly Shape[]): WeightSpec[] {
    return [];
  }
}

/**
 * Creates an Add layer (Keras `keras.layers.Add`), applied to a list of tensors.
 *
 * @example
 * const residual = layers.add().apply([x, layers.dense({ units: 16 }).apply(x)]);
 * @throws {TypeError} an unknown option or a wrong type.
 */
export function add(args: AddArgs = {}): Add {
  return new Add(args, 'add');
}

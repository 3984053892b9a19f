/**
 * The Concatenate layer (Keras `keras.layers.Concatenate`): joins its inputs along `axis`; every
 * other dimension must match. Masks combine as Keras does: an unmasked input counts as all
 * kept, and along the time axis the masks are joined.
 */
import { checkOptions, integer } from '../validate.js';
import { Layer, layerName, type BaseLayerConfig, type Shape, type WeightSpec } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

/** Options of {@link concatenate}. */
export interface ConcatenateArgs {
  /** The axis to join along, counted with the batch as axis 0 (`-1` is the last). Defaults to `-1`. */
  axis?: number;
  /** Name of the layer, unique in a model. Defaults to `concatenate`, `concatenate_1`, ... */
  name?: string;
}

/** The fully defaulted config of a {@link Concatenate} layer. */
export interface ConcatenateConfig extends BaseLayerConfig {
  axis: number;
}

/** Every option {@link concatenate} accepts. */
export const CONCATENATE_OPTIONS = ['axis', 'name'] as const;

/** Validates Concatenate options; `path` names the options in errors. */
export function concatenateConfig(args: unknown, path: string): ConcatenateConfig {
  const o = checkOptions<ConcatenateArgs>(args ?? {}, path, CONCATENATE_OPTIONS);
  const axis = o.axis === undefined ? -1 : integer(o.axis, `${path}.axis`);
  return { name: layerName(o.name, path, 'concatenate'), axis };
}

const words = (s: Shape) => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;

/** Joins a list of tensors along one axis. */
export class Concatenate extends Layer<ConcatenateConfig, SymbolicTensor> {
  readonly className = 'Concatenate' as const;
  readonly minInputRank = 2;
  readonly maxInputRank = Infinity;
  override readonly minInputs: number = 1;
  override readonly maxInputs: number = Infinity;

  /**
   * @param args the options of {@link concatenate}.
   * @param path @internal the options' name in error messages.
   */
  constructor(args: ConcatenateArgs = {}, path = 'concatenate') {
    super(concatenateConfig(args, path));
  }

  /** The axis joined along. */
  get axis(): number {
    return this.config.axis;
  }

  protected override checkInputShapes(inputShapes: readonly Shape[]): void {
    super.checkInputShapes(inputShapes);
    this.outputShapesFor(inputShapes);
  }

  protected outputShapesFor(inputShapes: readonly Shape[]): Shape[] {
    const rank = inputShapes[0]!.length;
    const all = inputShapes.map(words).join(', ');
    if (inputShapes.some((s) => s.length !== rank)) throw new RangeError(`the inputs must have the same rank but have shapes ${all}`);
    const axis = this.config.axis < 0 ? this.config.axis + rank : this.config.axis;
    if (axis < 1 || axis >= rank) {
      throw new RangeError(`axis ${this.config.axis} is out of range for inputs of rank ${rank} (the batch axis 0 cannot be joined)`);
    }
    const out: Shape = [...inputShapes[0]!];
    for (const s of inputShapes.slice(1)) {
      for (let d = 1; d < rank; d++) {
        if (d === axis) {
          out[d] = out[d] === null || s[d] === null ? null : (out[d] as number) + (s[d] as number);
        } else if (out[d] !== null && s[d] !== null && out[d] !== s[d]) {
          throw new RangeError(`the inputs must match except along axis ${this.config.axis} but have shapes ${all}`);
        } else if (out[d] === null) {
          out[d] = s[d] ?? null;
        }
      }
    }
    return [out];
  }

  protected weightSpecsFor(_inputShapes: readonly Shape[]): WeightSpec[] {
    return [];
  }
}

/**
 * Creates a Concatenate layer (Keras `keras.layers.Concatenate`), applied to a list of tensors.
 *
 * @example
 * const joined = layers.concatenate().apply([lstmOut, attentionOut]);
 * @throws {TypeError} an unknown option or a wrong type.
 */
export function concatenate(args: ConcatenateArgs = {}): Concatenate {
  return new Concatenate(args, 'concatenate');
}

/**
 * A multi-input layer for unit tests of the functional graph (the real ones, Attention, Add,
 * Concatenate, come in their own files): `TestAdd` sums two or more tensors of one shape. Its
 * Keras JSON converter is registered while a test needs it.
 */
import { type BaseLayerConfig, Layer, resetNames, type Shape, type WeightSpec } from '../../../lib/layers/index.js';
import { layerName } from '../../../lib/layers/layer.js';
import type { SymbolicTensor } from '../../../lib/layers/symbolic.js';
import { LIST_CALL, type LayerSerializer, registerLayerSerializer } from '../../../lib/serialization/layers/index.js';

export class TestAdd extends Layer<BaseLayerConfig, SymbolicTensor> {
  readonly className = 'TestAdd';
  readonly minInputRank = 2;
  readonly maxInputRank = Infinity;
  override readonly minInputs = 2;
  override readonly maxInputs = Infinity;

  constructor(args: { name?: string } = {}, path = 'testAdd') {
    super({ name: layerName(args.name, path, 'test_add') });
  }

  protected override checkInputShapes(shapes: readonly Shape[]): void {
    super.checkInputShapes(shapes);
    const first = JSON.stringify(shapes[0]);
    if (shapes.some((s) => JSON.stringify(s) !== first)) throw new RangeError('all inputs must have the same shape');
  }

  protected outputShapesFor(shapes: readonly Shape[]): Shape[] {
    return [[...shapes[0]!]];
  }

  protected weightSpecsFor(): WeightSpec[] {
    return [];
  }
}

const serializer: LayerSerializer<TestAdd> = {
  className: 'TestAdd',
  is: (layer): layer is TestAdd => layer instanceof TestAdd,
  call: LIST_CALL,
  toKeras: (layer) => ({ name: layer.name, trainable: true, dtype: 'float32' }),
  fromKeras: (config, path) => new TestAdd({ name: config.name as string }, path),
};

/** Registers TestAdd's converter; returns the function that removes it. */
export function withTestAdd(): () => void {
  resetNames();
  return registerLayerSerializer(serializer as LayerSerializer);
}

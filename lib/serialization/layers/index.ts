/**
 * The registry of layer kinds' Keras JSON converters, and the two functions every model-level
 * converter uses: {@link layerToKeras} and {@link layerFromKeras}.
 *
 * Adding a layer kind: write `lib/serialization/layers/<kind>.ts` (a {@link LayerSerializer})
 * and add one line to {@link LAYER_SERIALIZERS}.
 */
import type { Layer } from '../../layers/layer.js';
import type { KerasLayerJson } from '../../native.js';
import { nearest } from '../../validate.js';
import { checkDtype, classNameAt, objectAt, WRAPPER_KEYS } from '../keras-common.js';
import { addSerializer } from './add.js';
import { additiveAttentionSerializer } from './additive-attention.js';
import { attentionSerializer } from './attention.js';
import { concatenateSerializer } from './concatenate.js';
import { globalAveragePooling1DSerializer, globalMaxPooling1DSerializer } from './global-pooling-1d.js';
import { layerNormalizationSerializer } from './layer-normalization.js';
import { multiHeadAttentionSerializer } from './multi-head-attention.js';
import { positionEmbeddingSerializer } from './position-embedding.js';
import { timeDistributedSerializer } from './time-distributed.js';
import { transformerEncoderSerializer } from './transformer-encoder.js';
import { bidirectionalSerializer } from './bidirectional.js';
import { denseSerializer } from './dense.js';
import { dropoutSerializer } from './dropout.js';
import { embeddingSerializer } from './embedding.js';
import { gaussianNoiseSerializer } from './gaussian-noise.js';
import { gruSerializer } from './gru.js';
import { inputLayerSerializer } from './input-layer.js';
import { lstmSerializer } from './lstm.js';
import { maskingSerializer } from './masking.js';
import { peepholeLstmSerializer } from './peephole-lstm.js';
import { simpleRNNSerializer } from './simple-rnn.js';
import { type CallConvention, type CallOption, type LayerSerializer, TENSOR_CALL } from './serializer.js';

export { LIST_CALL, RECURRENT_CALL, TENSOR_CALL, type CallConvention, type CallOption, type KerasCall, type LayerSerializer } from './serializer.js';

/** Every layer kind torch-lstm reads and writes, by Keras class name. One line per kind. */
const LAYER_SERIALIZERS: LayerSerializer[] = [
  inputLayerSerializer,
  lstmSerializer,
  gruSerializer,
  simpleRNNSerializer,
  peepholeLstmSerializer,
  denseSerializer,
  dropoutSerializer,
  embeddingSerializer,
  maskingSerializer,
  gaussianNoiseSerializer,
  bidirectionalSerializer,
  layerNormalizationSerializer,
  attentionSerializer,
  additiveAttentionSerializer,
  multiHeadAttentionSerializer,
  transformerEncoderSerializer,
  positionEmbeddingSerializer,
  globalAveragePooling1DSerializer,
  globalMaxPooling1DSerializer,
  timeDistributedSerializer,
  concatenateSerializer,
  addSerializer,
] as LayerSerializer[];

/** Registers a converter (tests of multi-input graphs); returns a function that removes it. @internal */
export function registerLayerSerializer(serializer: LayerSerializer): () => void {
  LAYER_SERIALIZERS.push(serializer);
  return () => {
    const i = LAYER_SERIALIZERS.indexOf(serializer);
    if (i >= 0) LAYER_SERIALIZERS.splice(i, 1);
  };
}

/** The Keras class names torch-lstm offers (InputLayer excluded). */
export function layerClassNames(): string[] {
  return LAYER_SERIALIZERS.map((s) => s.className).filter((c) => c !== 'InputLayer');
}

/** The converter of a layer. */
export function serializerFor(layer: Layer): LayerSerializer {
  const found = LAYER_SERIALIZERS.find((s) => s.is(layer));
  if (!found) throw new TypeError(`No Keras JSON converter for layer "${layer.name}" of class ${layer.className}`);
  return found;
}

/** The call convention of a layer's class (how its call inputs map to Keras call arguments). */
export function callConventionOf(className: string): CallConvention {
  return LAYER_SERIALIZERS.find((s) => s.className === className)?.call ?? TENSOR_CALL;
}

/** The call keyword arguments a layer class keeps as options (see {@link LayerSerializer.callOptions}). */
export function callOptionsOf(className: string): Readonly<Record<string, CallOption>> {
  return LAYER_SERIALIZERS.find((s) => s.className === className)?.callOptions ?? {};
}

/**
 * A layer -> Keras JSON, every key present. `inputShape` is not part of it: it becomes the
 * model's `InputLayer`.
 */
export function layerToKeras(layer: Layer): KerasLayerJson {
  const serializer = serializerFor(layer);
  return { class_name: serializer.className, config: serializer.toKeras(layer) };
}

/** Keras 2 puts the input shape on the first layer: `batch_input_shape: [null, 10, 1]`. */
function keras2InputShape(config: Record<string, unknown>): unknown {
  const b = config.batch_input_shape;
  if (Array.isArray(b)) return b.slice(1);
  return config.input_shape ?? undefined;
}

/**
 * Keras JSON of one layer -> a validated layer. `path` names the layer in errors (`layers[1]`);
 * the checks are the layer factory's, so the messages are the same. `extraKeys` are wrapper keys
 * the caller reads itself (`inbound_nodes` in a Functional model).
 */
export function layerFromKeras(json: unknown, path: string, extraKeys: readonly string[] = ['inbound_nodes']): Layer {
  const o = objectAt(json, path);
  const cls = classNameAt(o, path);
  for (const key of Object.keys(o)) {
    if (!WRAPPER_KEYS.includes(key) && !extraKeys.includes(key)) {
      throw new TypeError(`Unknown Keras key "${key}" in ${path}; a layer is { class_name, config }`);
    }
  }
  const config = objectAt(o.config, `${path}.config`);
  // An InputLayer may also declare an integer dtype (indices); its converter checks it.
  if (cls !== 'InputLayer') checkDtype(config.dtype, `${path}.config`);
  const serializer = LAYER_SERIALIZERS.find((s) => s.className === cls);
  if (!serializer) {
    const offered = layerClassNames();
    const near = nearest(cls, offered);
    throw new RangeError(
      `${path}.class_name is ${JSON.stringify(cls)}, a layer torch-lstm does not offer (it offers ${offered.join(', ')})` +
        (near ? `; did you mean "${near}"?` : ''),
    );
  }
  return serializer.fromKeras(config, path, cls === 'InputLayer' ? undefined : keras2InputShape(config));
}

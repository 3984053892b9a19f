/**
 * Keras JSON of the Bidirectional wrapper (`keras.layers.Bidirectional`), both ways. Written as
 * Keras 3 does: `layer` is the forward layer's `{ class_name, config }` (named
 * `forward_<name>`), `backward_layer` the backward one's. Reading accepts Keras 2 files without
 * `backward_layer` (the backward layer is then derived, `go_backwards` flipped).
 */
import { Bidirectional, type BidirectionalArgs } from '../../layers/bidirectional.js';
import { regularizerFromKeras, regularizerToKeras } from '../../layers/regularizers.js';
import { isPlainObject } from '../../validate.js';
import { ANY, BASE_IGNORABLE, type Ignorable, kerasArgs, objectAt } from '../keras-common.js';
import { layerFromKeras, layerToKeras } from './index.js';
import { type LayerSerializer, RECURRENT_CALL } from './serializer.js';

const KEYS = {
  name: 'name', layer: 'layer', merge_mode: 'mergeMode', backward_layer: 'backwardLayer',
  activity_regularizer: 'activityRegularizer',
} as const;
const IGNORABLE: Ignorable = { ...BASE_IGNORABLE, batch_input_shape: ANY, input_shape: ANY };

/**
 * The wrapped layer's JSON read as a layer. Keras sets `zero_output_for_mask` to
 * `return_sequences` on both directions; the wrapper applies that itself, so the key is dropped.
 */
function innerFromKeras(json: unknown, path: string) {
  const o = objectAt(json, path);
  const config = isPlainObject(o.config) ? { ...o.config } : o.config;
  if (isPlainObject(config)) delete config.zero_output_for_mask;
  return layerFromKeras({ ...o, config }, path, []);
}

/** The Bidirectional wrapper's Keras JSON converter. */
export const bidirectionalSerializer: LayerSerializer<Bidirectional> = {
  className: 'Bidirectional',
  is: (layer): layer is Bidirectional => layer instanceof Bidirectional,
  call: RECURRENT_CALL,
  toKeras(layer) {
    const c = layer.getConfig();
    return {
      name: c.name,
      trainable: true,
      dtype: 'float32',
      merge_mode: c.mergeMode,
      layer: layerToKeras(layer.forwardLayer),
      backward_layer: layerToKeras(layer.backwardLayer),
      activity_regularizer: regularizerToKeras(c.activityRegularizer),
    };
  },
  fromKeras(config, path, inputShape) {
    const args = kerasArgs(config, `${path}.config`, KEYS, IGNORABLE);
    if (args.layer !== undefined) args.layer = innerFromKeras(args.layer, `${path}.config.layer`);
    if (args.backwardLayer !== undefined && args.backwardLayer !== null) {
      args.backwardLayer = innerFromKeras(args.backwardLayer, `${path}.config.backward_layer`);
    } else {
      delete args.backwardLayer;
    }
    if (args.activityRegularizer !== undefined) args.activityRegularizer = regularizerFromKeras(args.activityRegularizer, `${path}.config.activity_regularizer`);
    return new Bidirectional({ ...args, ...(inputShape === undefined ? {} : { inputShape }) } as unknown as BidirectionalArgs, path);
  },
};

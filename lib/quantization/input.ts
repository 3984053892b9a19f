/**
 * A quantized model's input, read from its Keras JSON (the float model's): the sample shape
 * and the check that data fits it, worded as the float model words it.
 */
import type { ModelSpecJson } from '../native.js';
import { engineGraph, isFunctionalJson, modelFromKeras } from '../serialization/keras-json.js';
import type { Packed } from '../tensor.js';

/** What the quantized model needs to know of its layers: the input's sample shape and whether an LSTM takes it. */
export interface ModelInput {
  /** The sample shape (Keras `input_shape`, batch excluded); `null` for a free dimension. */
  shape: (number | null)[];
  /** `layers[0] (lstm)`, for messages. */
  label: string;
  recurrent: boolean;
}

/**
 * Reads the input of a model from its Keras JSON (validated as `Sequential.fromConfig` does).
 * @throws {TypeError|RangeError} a document torch-lstm cannot read; {@link RangeError} a model without an input shape.
 */
export function modelInput(spec: ModelSpecJson): ModelInput {
  if (isFunctionalJson(spec)) {
    const graph = engineGraph(spec);
    if (graph.inputs.length !== 1) {
      throw new RangeError(`The model has ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(', ')}); quantizing supports models with one input for now`);
    }
    const input = graph.inputs[0]!;
    const recurrent = graph.nodes.some((n) => n.inputs[0]?.[0] === 0 && graph.layers[n.layer]!.class_name === 'LSTM');
    return { shape: [...input.shape], label: `input "${input.name}"`, recurrent };
  }
  const { layers } = modelFromKeras(spec);
  const first = layers[0];
  if (!first) throw new RangeError('The model has no layers; there is nothing to quantize');
  const shape = first.inputShape;
  const label = `layers[0] (${first.name})`;
  if (!shape) {
    throw new RangeError(`${label} has no inputShape; quantizing needs a built model (give the first layer an inputShape, e.g. layers.lstm({ units: 32, inputShape: [10, 1] }))`);
  }
  return { shape: [...shape], label, recurrent: first.className === 'LSTM' };
}

/** `[samples, 10, 8]`. */
function expectedText(input: ModelInput): string {
  return `[samples, ${input.shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/**
 * Checks that `x` fits the model input; `name` is its path (`predict.x`).
 * @throws {RangeError} another rank or size, with the reshape hint for 2-D data given to an LSTM.
 */
export function checkInput(input: ModelInput, x: Packed, name: string): void {
  const fits = x.shape.length === input.shape.length + 1 && input.shape.every((d, k) => d === null || d === x.shape[k + 1]);
  if (fits) return;
  let message = `Expected ${name} of shape ${expectedText(input)} (inputShape of ${input.label}) but received [${x.shape.join(', ')}]`;
  if (input.recurrent && x.shape.length === 2) message += '; reshape a 2-D [samples, timesteps] array to [samples, timesteps, 1] (one feature per step)';
  throw new RangeError(message);
}

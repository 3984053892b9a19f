/**
 * Request checks of the Open Inference Protocol that do not depend on the transport: the list
 * of inputs (one, named as the model's) and the requested outputs (the model's one, or none).
 */
import { describe, isPlainObject } from '../validate.js';
import { invalid } from './errors.js';
import type { ModelHost } from './models.js';

/**
 * The request's `inputs`: exactly one tensor, named as the model's input.
 * @example
 * checkInputs(host, body.inputs, 'inputs'); // throws INVALID_ARGUMENT naming inputs[0].name
 */
export function checkInputs(host: ModelHost, inputs: unknown, where: string): unknown[] {
  const expected = `one input tensor named "${host.input.name}"`;
  if (!Array.isArray(inputs) || inputs.length !== 1) {
    throw invalid(`${where}: model "${host.name}" takes ${expected} but received ${describe(inputs)}`);
  }
  const input: unknown = inputs[0];
  if (!isPlainObject(input)) throw invalid(`${where}[0]: expected an object { name, shape, datatype, data } but received ${describe(input)}`);
  if (input.name !== host.input.name) {
    throw invalid(`${where}[0].name: model "${host.name}" takes ${expected} but received ${describe(input.name)}`);
  }
  return inputs;
}

/**
 * The request's `outputs`: absent or empty (every output), else only the model's output name.
 * `each` checks the parameters of each entry.
 * @example
 * checkOutputs(host, [{ name: 'dense' }], 'outputs');
 */
export function checkOutputs(host: ModelHost, outputs: unknown, where: string, each?: (output: unknown, where: string) => void): void {
  if (outputs === undefined || outputs === null) return;
  if (!Array.isArray(outputs)) throw invalid(`${where}: expected an array of { name } but received ${describe(outputs)}`);
  outputs.forEach((o: unknown, i) => {
    const name = isPlainObject(o) ? o.name : undefined;
    if (name !== host.output.name) {
      throw invalid(`${where}[${i}].name: model "${host.name}" has the single output "${host.output.name}" but received ${describe(name)}`);
    }
    each?.(o, `${where}[${i}]`);
  });
}

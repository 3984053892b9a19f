/**
 * Keras activations in ONNX: as operators (after a Dense, or any layer's output), and as the
 * activation functions ONNX's recurrent operators take by name (`activations` attribute).
 *
 * The math is torch-lstm's (Keras 3's, see `lib/layers/activations.ts`): `hard_sigmoid` is
 * `relu6(x + 3) / 6`, i.e. ONNX `HardSigmoid` with alpha 1/6 and beta 0.5 (ONNX's own default,
 * alpha 0.2, is the Keras 2 / tfjs function); `gelu` is the exact erf form; `elu` has alpha 1;
 * `softmax` runs over the last axis.
 */
import type { ActivationName } from '../../layers/index.js';
import { attr, type GraphBuilder } from '../graph-builder.js';

/** Keras 3's SELU constants (float32 values of the Klambauer et al. constants). */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

function floatScalar(g: GraphBuilder, base: string, value: number): string {
  return g.initializer(base, [], Float32Array.of(value));
}

/**
 * Adds the nodes computing `activation(input)` and returns the result's name (`input` itself
 * for `linear`).
 */
export function activationNodes(g: GraphBuilder, activation: ActivationName, input: string): string {
  switch (activation) {
    case 'linear':
      return input;
    case 'tanh':
      return g.op('Tanh', [input]);
    case 'sigmoid':
      return g.op('Sigmoid', [input]);
    case 'relu':
      return g.op('Relu', [input]);
    case 'hard_sigmoid':
      return g.op('HardSigmoid', [input], [attr.float('alpha', 1 / 6), attr.float('beta', 0.5)]);
    case 'relu6':
      return g.op('Clip', [input, floatScalar(g, 'zero', 0), floatScalar(g, 'six', 6)], [], 'Relu6');
    case 'softsign':
      return g.op('Softsign', [input]);
    case 'softplus':
      return g.op('Softplus', [input]);
    case 'elu':
      return g.op('Elu', [input], [attr.float('alpha', 1)]);
    case 'selu':
      return g.op('Selu', [input], [attr.float('alpha', SELU_ALPHA), attr.float('gamma', SELU_SCALE)]);
    case 'exponential':
      return g.op('Exp', [input]);
    case 'swish':
      return g.op('Mul', [input, g.op('Sigmoid', [input])], [], 'Swish');
    case 'gelu': {
      // 0.5 x (1 + erf(x / sqrt 2)): the exact form, with operators every opset has.
      const erf = g.op('Erf', [g.op('Mul', [input, floatScalar(g, 'inv_sqrt2', Math.SQRT1_2)])]);
      const onePlus = g.op('Add', [erf, floatScalar(g, 'one', 1)]);
      return g.op('Mul', [g.op('Mul', [input, floatScalar(g, 'half', 0.5)]), onePlus], [], 'Gelu');
    }
    case 'softmax':
      return g.op('Softmax', [input], [attr.int('axis', -1)]);
  }
}

/** An activation function as ONNX's recurrent operators name it, with its alpha and beta (if any). */
export interface RnnActivation {
  name: string;
  alpha?: number;
  beta?: number;
}

/**
 * The Keras activations ONNX's LSTM/GRU/RNN operators can compute, by the names of their
 * `activations` attribute. Others (relu6, selu, swish, gelu, exponential, softmax) have no
 * counterpart there.
 */
const RNN_ACTIVATIONS: Partial<Record<ActivationName, RnnActivation>> = {
  sigmoid: { name: 'Sigmoid' },
  tanh: { name: 'Tanh' },
  relu: { name: 'Relu' },
  hard_sigmoid: { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 },
  linear: { name: 'Affine', alpha: 1, beta: 0 },
  softsign: { name: 'Softsign' },
  softplus: { name: 'Softplus' },
  elu: { name: 'Elu', alpha: 1 },
};

/** Keras activations a recurrent layer can export with. */
export const RNN_EXPORTABLE_ACTIVATIONS = Object.keys(RNN_ACTIVATIONS) as ActivationName[];

/** The ONNX recurrent-operator form of `activation`, or `undefined` when ONNX has none. */
export function rnnActivation(activation: ActivationName): RnnActivation | undefined {
  return RNN_ACTIVATIONS[activation];
}

/**
 * The `activations`, `activation_alpha` and `activation_beta` attributes for a list of
 * functions (LSTM: f, g, h per direction). Alphas and betas are listed for the functions that
 * take them, in order: the reading of ONNX Runtime (and of the ONNX specification's "consumed in
 * the order of activation functions").
 */
export function rnnActivationAttributes(functions: readonly RnnActivation[]) {
  const alphas = functions.flatMap((f) => (f.alpha === undefined ? [] : [f.alpha]));
  const betas = functions.flatMap((f) => (f.beta === undefined ? [] : [f.beta]));
  return [
    attr.strings('activations', functions.map((f) => f.name)),
    ...(alphas.length > 0 ? [attr.floats('activation_alpha', alphas)] : []),
    ...(betas.length > 0 ? [attr.floats('activation_beta', betas)] : []),
  ];
}

/**
 * Optimizers, Keras's (`keras.optimizers`), as configs for the engine.
 *
 * An optimizer here holds hyperparameters; its state (moments, accumulators) lives in the
 * engine. `learningRate` is mutable: callbacks change it between epochs
 * (`model.optimizer.learningRate *= 0.2`) and the engine picks it up before the next epoch.
 */
import { boolean, checkOptions, describe, isPlainObject, nearest, number } from '../validate.js';

/** Gradient clipping, Keras's three mutually exclusive options. */
export interface ClipArgs {
  /** Clip each gradient tensor to this L2 norm (Keras `clipnorm`). Defaults to `null` (off). */
  clipNorm?: number | null;
  /** Clip each gradient value to [-clipValue, clipValue] (Keras `clipvalue`). Defaults to `null` (off). */
  clipValue?: number | null;
  /** Clip all gradients together to this global L2 norm (Keras `global_clipnorm`). Defaults to `null` (off). */
  globalClipNorm?: number | null;
}

interface ClipConfig {
  clipNorm: number | null;
  clipValue: number | null;
  globalClipNorm: number | null;
}

/** Options of {@link optimizers.adam}. */
export interface AdamArgs extends ClipArgs {
  /** Defaults to `0.001`. */
  learningRate?: number;
  /** Decay of the first-moment estimates. Defaults to `0.9`. */
  beta1?: number;
  /** Decay of the second-moment estimates. Defaults to `0.999`. */
  beta2?: number;
  /** Numerical-stability constant (Keras's "epsilon hat"). Defaults to `1e-7`. */
  epsilon?: number;
  /** Use the AMSGrad variant. Defaults to `false`. */
  amsgrad?: boolean;
}

/** Options of {@link optimizers.sgd}. */
export interface SGDArgs extends ClipArgs {
  /** Defaults to `0.01`. */
  learningRate?: number;
  /** Momentum in [0, 1]. Defaults to `0`. */
  momentum?: number;
  /** Nesterov momentum. Defaults to `false`. */
  nesterov?: boolean;
}

/** Options of {@link optimizers.rmsprop}. */
export interface RMSpropArgs extends ClipArgs {
  /** Defaults to `0.001`. */
  learningRate?: number;
  /** Decay of the moving average of squared gradients. Defaults to `0.9`. */
  rho?: number;
  /** Defaults to `0`. */
  momentum?: number;
  /** Defaults to `1e-7`. */
  epsilon?: number;
  /** Normalize by the estimated variance rather than the second moment. Defaults to `false`. */
  centered?: boolean;
}

/** Options of {@link optimizers.adagrad}. */
export interface AdagradArgs extends ClipArgs {
  /** Defaults to `0.001`. */
  learningRate?: number;
  /** Starting value of the accumulators (>= 0). Defaults to `0.1`. */
  initialAccumulatorValue?: number;
  /** Defaults to `1e-7`. */
  epsilon?: number;
}

export interface AdamConfig extends ClipConfig {
  name: string;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  amsgrad: boolean;
}
export interface SGDConfig extends ClipConfig {
  name: string;
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}
export interface RMSpropConfig extends ClipConfig {
  name: string;
  learningRate: number;
  rho: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
}
export interface AdagradConfig extends ClipConfig {
  name: string;
  learningRate: number;
  initialAccumulatorValue: number;
  epsilon: number;
}

/** An optimizer as data: Keras class name and camelCase config. */
export type OptimizerSpec =
  | { className: 'Adam'; config: AdamConfig }
  | { className: 'SGD'; config: SGDConfig }
  | { className: 'RMSprop'; config: RMSpropConfig }
  | { className: 'Adagrad'; config: AdagradConfig };

export type OptimizerClassName = OptimizerSpec['className'];

const CLIP_KEYS = ['clipNorm', 'clipValue', 'globalClipNorm'] as const;

function learningRateValue(value: unknown, name: string): number {
  return number(value, name, { min: 0, minExclusive: true });
}

function clipConfig(o: ClipArgs, path: string): ClipConfig {
  const out: ClipConfig = { clipNorm: null, clipValue: null, globalClipNorm: null };
  for (const key of CLIP_KEYS) {
    const v = o[key];
    if (v !== undefined && v !== null) out[key] = number(v, `${path}.${key}`, { min: 0, minExclusive: true });
  }
  const set = CLIP_KEYS.filter((k) => out[k] !== null);
  if (set.length > 1) {
    throw new RangeError(
      `Only one of clipNorm, clipValue and globalClipNorm may be set for ${path} but received ` +
        CLIP_KEYS.map((k) => `${k}=${out[k]}`).join(', '),
    );
  }
  return out;
}

/** Base class of the optimizers. */
export abstract class Optimizer<C extends { name: string; learningRate: number } = { name: string; learningRate: number }> {
  abstract readonly className: OptimizerClassName;
  readonly #config: Readonly<C>;
  #learningRate: number;

  protected constructor(config: C) {
    this.#config = Object.freeze({ ...config });
    this.#learningRate = config.learningRate;
  }

  /** The learning rate used for the next steps; set it between epochs to change it. */
  get learningRate(): number {
    return this.#learningRate;
  }

  set learningRate(value: number) {
    this.#learningRate = learningRateValue(value, 'optimizer.learningRate');
  }

  /** The fully defaulted config (camelCase), with the current learning rate. */
  getConfig(): C {
    return { ...this.#config, learningRate: this.#learningRate };
  }
}

/** Adam (Kingma & Ba, 2014). */
export class Adam extends Optimizer<AdamConfig> {
  readonly className = 'Adam' as const;
  constructor(args: AdamArgs = {}, path = 'optimizers.adam') {
    const o = checkOptions<AdamArgs>(args, path, [
      'learningRate', 'beta1', 'beta2', 'epsilon', 'amsgrad', ...CLIP_KEYS,
    ]);
    super({
      name: 'adam',
      learningRate: o.learningRate === undefined ? 0.001 : learningRateValue(o.learningRate, `${path}.learningRate`),
      beta1: o.beta1 === undefined ? 0.9 : number(o.beta1, `${path}.beta1`, { min: 0, max: 1, maxExclusive: true }),
      beta2: o.beta2 === undefined ? 0.999 : number(o.beta2, `${path}.beta2`, { min: 0, max: 1, maxExclusive: true }),
      epsilon: o.epsilon === undefined ? 1e-7 : number(o.epsilon, `${path}.epsilon`, { min: 0 }),
      amsgrad: o.amsgrad === undefined ? false : boolean(o.amsgrad, `${path}.amsgrad`),
      ...clipConfig(o, path),
    });
  }
}

/** Stochastic gradient descent, with optional (Nesterov) momentum. */
export class SGD extends Optimizer<SGDConfig> {
  readonly className = 'SGD' as const;
  constructor(args: SGDArgs = {}, path = 'optimizers.sgd') {
    const o = checkOptions<SGDArgs>(args, path, ['learningRate', 'momentum', 'nesterov', ...CLIP_KEYS]);
    super({
      name: 'SGD',
      learningRate: o.learningRate === undefined ? 0.01 : learningRateValue(o.learningRate, `${path}.learningRate`),
      momentum: o.momentum === undefined ? 0 : number(o.momentum, `${path}.momentum`, { min: 0, max: 1 }),
      nesterov: o.nesterov === undefined ? false : boolean(o.nesterov, `${path}.nesterov`),
      ...clipConfig(o, path),
    });
  }
}

/** RMSprop (Hinton, lecture 6e). Keras's default optimizer for `compile`. */
export class RMSprop extends Optimizer<RMSpropConfig> {
  readonly className = 'RMSprop' as const;
  constructor(args: RMSpropArgs = {}, path = 'optimizers.rmsprop') {
    const o = checkOptions<RMSpropArgs>(args, path, ['learningRate', 'rho', 'momentum', 'epsilon', 'centered', ...CLIP_KEYS]);
    super({
      name: 'rmsprop',
      learningRate: o.learningRate === undefined ? 0.001 : learningRateValue(o.learningRate, `${path}.learningRate`),
      rho: o.rho === undefined ? 0.9 : number(o.rho, `${path}.rho`, { min: 0, max: 1, maxExclusive: true }),
      momentum: o.momentum === undefined ? 0 : number(o.momentum, `${path}.momentum`, { min: 0, max: 1 }),
      epsilon: o.epsilon === undefined ? 1e-7 : number(o.epsilon, `${path}.epsilon`, { min: 0 }),
      centered: o.centered === undefined ? false : boolean(o.centered, `${path}.centered`),
      ...clipConfig(o, path),
    });
  }
}

/** Adagrad (Duchi et al., 2011). */
export class Adagrad extends Optimizer<AdagradConfig> {
  readonly className = 'Adagrad' as const;
  constructor(args: AdagradArgs = {}, path = 'optimizers.adagrad') {
    const o = checkOptions<AdagradArgs>(args, path, ['learningRate', 'initialAccumulatorValue', 'epsilon', ...CLIP_KEYS]);
    super({
      name: 'adagrad',
      learningRate: o.learningRate === undefined ? 0.001 : learningRateValue(o.learningRate, `${path}.learningRate`),
      initialAccumulatorValue:
        o.initialAccumulatorValue === undefined
          ? 0.1
          : number(o.initialAccumulatorValue, `${path}.initialAccumulatorValue`, { min: 0 }),
      epsilon: o.epsilon === undefined ? 1e-7 : number(o.epsilon, `${path}.epsilon`, { min: 0 }),
      ...clipConfig(o, path),
    });
  }
}

/** Any optimizer this package offers. */
export type AnyOptimizer = Adam | SGD | RMSprop | Adagrad;

/** Names accepted by `compile({ optimizer })` (case-insensitive; Keras class names too). */
export const OPTIMIZER_NAMES = ['adam', 'sgd', 'rmsprop', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number] | 'Adam' | 'SGD' | 'RMSprop' | 'Adagrad';

/**
 * Resolves an optimizer option: a name (defaults applied) or an optimizer object (used as is,
 * so a callback changing `model.optimizer.learningRate` changes that object).
 */
export function optimizer(value: unknown, name: string): AnyOptimizer {
  if (value instanceof Adam || value instanceof SGD || value instanceof RMSprop || value instanceof Adagrad) return value;
  if (typeof value === 'string') {
    switch (value.toLowerCase()) {
      case 'adam':
        return new Adam();
      case 'sgd':
        return new SGD();
      case 'rmsprop':
        return new RMSprop();
      case 'adagrad':
        return new Adagrad();
    }
    const near = nearest(value, OPTIMIZER_NAMES);
    throw new RangeError(
      `Expected one of ${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')} or an optimizers.* object for ${name} ` +
        `but received ${describe(value)}` + (near ? ` (did you mean '${near}'?)` : ''),
    );
  }
  throw new TypeError(
    `Expected an optimizer name (${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')}) or an optimizers.* object for ${name} ` +
      `but received ${describe(value)} of type ${value === null ? 'null' : isPlainObject(value) ? 'object' : typeof value}`,
  );
}

/** Builds an optimizer from its spec (serialization), validating it; `path` names it in errors. */
export function optimizerFromSpec(spec: OptimizerSpec, path: string): AnyOptimizer {
  const { name: _name, ...args } = spec.config;
  switch (spec.className) {
    case 'Adam':
      return new Adam(args as AdamArgs, path);
    case 'SGD':
      return new SGD(args as SGDArgs, path);
    case 'RMSprop':
      return new RMSprop(args as RMSpropArgs, path);
    case 'Adagrad':
      return new Adagrad(args as AdagradArgs, path);
  }
}

/** The spec (class name and config) of an optimizer, with its current learning rate. */
export function optimizerSpec(opt: AnyOptimizer): OptimizerSpec {
  return { className: opt.className, config: opt.getConfig() } as OptimizerSpec;
}

/**
 * Optimizer factories (tfjs names, Keras options and defaults).
 *
 * @example
 * model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3, clipValue: 1.0 }), loss: 'mse' });
 * @throws {RangeError} more than one of `clipNorm`, `clipValue`, `globalClipNorm` (as Keras raises).
 */
export const optimizers = {
  /** Adam; defaults `learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false`. */
  adam: (args?: AdamArgs) => new Adam(args ?? {}),
  /** SGD; defaults `learningRate: 0.01, momentum: 0, nesterov: false`. */
  sgd: (args?: SGDArgs) => new SGD(args ?? {}),
  /** RMSprop; defaults `learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false`. */
  rmsprop: (args?: RMSpropArgs) => new RMSprop(args ?? {}),
  /** Adagrad; defaults `learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7`. */
  adagrad: (args?: AdagradArgs) => new Adagrad(args ?? {}),
} as const;

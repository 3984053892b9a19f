import { describe, expect, it } from 'vitest';
import { compileConfig, metricSpec } from '../../../lib/models/compile-args.js';
import { losses } from '../../../lib/training/losses.js';
import { Adam, optimizers } from '../../../lib/training/optimizers.js';

describe('optimizers', () => {
  it('fill the Keras defaults and keep a mutable learning rate', () => {
    const adam = optimizers.adam();
    expect(adam.getConfig()).toEqual({
      name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false,
      clipNorm: null, clipValue: null, globalClipNorm: null,
    });
    adam.learningRate = 0.1;
    expect(adam.getConfig().learningRate).toBe(0.1);
    expect(optimizers.sgd().getConfig()).toMatchObject({ learningRate: 0.01, momentum: 0, nesterov: false });
    expect(optimizers.rmsprop().getConfig()).toMatchObject({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(optimizers.adagrad().getConfig()).toMatchObject({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
  });

  it('allow one clipping option only, as Keras', () => {
    expect(optimizers.sgd({ globalClipNorm: 5 }).getConfig().globalClipNorm).toBe(5);
    expect(() => optimizers.rmsprop({ clipNorm: 1, globalClipNorm: 1 })).toThrow(
      'Only one of clipNorm, clipValue and globalClipNorm may be set for optimizers.rmsprop but received clipNorm=1, clipValue=null, globalClipNorm=1',
    );
    expect(() => optimizers.adam({ clipValue: 0 })).toThrow('for optimizers.adam.clipValue but received 0');
  });

  it('validate their options with paths', () => {
    expect(() => optimizers.adam({ learningRate: 0 })).toThrow('Expected a number > 0 for optimizers.adam.learningRate but received 0');
    expect(() => optimizers.adam({ beta_1: 0.9 } as never)).toThrow('Unknown option "beta_1" for optimizers.adam; did you mean "beta1"?');
    expect(() => optimizers.sgd({ momentum: 1.5 })).toThrow('optimizers.sgd.momentum');
    expect(() => optimizers.adam({ lr: 0.1 } as never)).toThrow(/Unknown option "lr"/);
  });
});

describe('compile options', () => {
  it('resolve names case-insensitively and keep optimizer objects as given', () => {
    const adam = optimizers.adam();
    expect(compileConfig({ optimizer: adam, loss: 'mse' }).optimizer).toBe(adam);
    expect(compileConfig({ optimizer: 'Adam', loss: 'mse' }).optimizer).toBeInstanceOf(Adam);
    expect(compileConfig({ loss: 'mse' }).optimizer.className).toBe('RMSprop');
    expect(compileConfig({ loss: losses.logCosh() }).losses[0]!.className).toBe('LogCosh');
    expect(() => compileConfig({} as never)).toThrow('Expected a loss name');
    expect(() => compileConfig(undefined)).toThrow(TypeError);
  });

  it('use the metric name as given for the log key (Keras)', () => {
    expect(metricSpec('mae', 'm')).toEqual({ name: 'mae', className: 'MeanAbsoluteError' });
    expect(metricSpec('root_mean_squared_error', 'm')).toEqual({ name: 'root_mean_squared_error', className: 'RootMeanSquaredError' });
    expect(metricSpec('mape', 'm').className).toBe('MeanAbsolutePercentageError');
    expect(metricSpec('mse', 'm').className).toBe('MeanSquaredError');
    expect(metricSpec('RootMeanSquaredError', 'm').name).toBe('root_mean_squared_error');
    expect(() => metricSpec('maee', 'compile.metrics[0]')).toThrow(/compile\.metrics\[0\] .*did you mean 'mae'/);
  });

  it('validate loss options', () => {
    expect(losses.huber().getConfig()).toEqual({ delta: 1 });
    expect(() => losses.huber({ delta: 0 })).toThrow('losses.huber.delta');
    expect(() => compileConfig({ loss: 'binary_crossentropie' })).toThrow(/compile\.loss .*did you mean 'binary_crossentropy'/);
  });
});

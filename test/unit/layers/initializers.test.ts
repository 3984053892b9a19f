import { describe, expect, it } from 'vitest';
import { initializer, initializers } from '../../../lib/layers/initializers.js';

describe('initializers', () => {
  it('accepts tfjs, Keras and class-name spellings', () => {
    for (const name of ['glorotUniform', 'glorot_uniform', 'GlorotUniform']) {
      expect(initializer(name, 'x')).toEqual({ className: 'GlorotUniform', config: { seed: null } });
    }
    expect(initializer('heUniform', 'x').className).toBe('HeUniform');
    expect(initializer('lecun_uniform', 'x').className).toBe('LecunUniform');
    expect(initializer('he_normal', 'x').className).toBe('HeNormal');
    expect(initializer('glorotNormal', 'x').className).toBe('GlorotNormal');
    expect(initializer('orthogonal', 'x')).toEqual({ className: 'Orthogonal', config: { gain: 1, seed: null } });
    expect(initializer('zeros', 'x')).toEqual({ className: 'Zeros', config: {} });
    expect(initializer('ones', 'x')).toEqual({ className: 'Ones', config: {} });
  });

  it('fills the Keras defaults of the factories', () => {
    expect(initializers.randomUniform().getConfig()).toEqual({
      className: 'RandomUniform',
      config: { minval: -0.05, maxval: 0.05, seed: null },
    });
    expect(initializers.randomNormal({ seed: 3 }).getConfig()).toEqual({
      className: 'RandomNormal',
      config: { mean: 0, stddev: 0.05, seed: 3 },
    });
    expect(initializers.truncatedNormal({ stddev: 1 }).getConfig()).toEqual({
      className: 'TruncatedNormal',
      config: { mean: 0, stddev: 1, seed: null },
    });
    expect(initializers.constant().getConfig()).toEqual({ className: 'Constant', config: { value: 0 } });
    expect(initializers.orthogonal({ gain: 2 }).getConfig()).toEqual({ className: 'Orthogonal', config: { gain: 2, seed: null } });
    expect(initializers.glorotUniform({ seed: 42 }).getConfig()).toEqual({ className: 'GlorotUniform', config: { seed: 42 } });
    expect(initializers.zeros().getConfig()).toEqual({ className: 'Zeros', config: {} });
  });

  it('validates factory options and names', () => {
    expect(() => initializers.randomUniform({ minval: 1, maxval: 0 })).toThrow(
      'Expected initializers.randomUniform.minval < initializers.randomUniform.maxval but received minval 1 and maxval 0',
    );
    expect(() => initializers.glorotUniform({ seed: -1 })).toThrow('initializers.glorotUniform.seed');
    expect(() => initializers.orthogonal({ gian: 2 } as never)).toThrow('did you mean "gain"?');
    expect(() => initializers.randomNormal({ stddev: 0 })).toThrow(RangeError);
    expect(() => initializer('glorot', 'lstm.kernelInitializer')).toThrow(
      /for lstm\.kernelInitializer but received "glorot"/,
    );
    expect(() => initializer('glorotUnifrom', 'k')).toThrow(/did you mean 'glorotUniform'/);
    expect(() => initializer(42, 'k')).toThrow(TypeError);
  });

  it('accepts the config form a layer returns', () => {
    expect(initializer({ className: 'Orthogonal', config: { gain: 3 } }, 'k')).toEqual({
      className: 'Orthogonal',
      config: { gain: 3, seed: null },
    });
    expect(() => initializer({ className: 'Glorot', config: {} }, 'k')).toThrow(/k\.className/);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { layers, resetNames } from '../../../lib/layers/index.js';

beforeEach(() => resetNames());

describe('layers.dense', () => {
  it('fills the Keras defaults', () => {
    expect(layers.dense({ units: 1 }).getConfig()).toEqual({
      name: 'dense',
      units: 1,
      activation: 'linear',
      useBias: true,
      kernelInitializer: { className: 'GlorotUniform', config: { seed: null } },
      biasInitializer: { className: 'Zeros', config: {} },
    });
  });

  it('accepts null as linear, and the initializer spellings', () => {
    const c = layers.dense({ units: 2, activation: null, kernelInitializer: 'lecunNormal', biasInitializer: 'ones' }).getConfig();
    expect(c.activation).toBe('linear');
    expect(c.kernelInitializer).toEqual({ className: 'LecunNormal', config: { seed: null } });
    expect(c.biasInitializer).toEqual({ className: 'Ones', config: {} });
  });

  it('validates with the option path', () => {
    expect(() => layers.dense({ units: 0 })).toThrow('for dense.units but received 0');
    expect(() => layers.dense({ units: 1, activation: 'sigmoidd' as never })).toThrow(
      /for dense\.activation but received "sigmoidd" \(did you mean 'sigmoid'\?\)/,
    );
    expect(() => layers.dense({ units: 1, unit: 3 } as never)).toThrow('Unknown option "unit" for dense; did you mean "units"?');
    expect(() => layers.dense({ units: 1, kernelRegularizer: 'l2' } as never)).toThrow(/Unknown option "kernelRegularizer"/);
  });

  it('applies to the last axis', () => {
    const d = layers.dense({ units: 3 });
    expect(d.computeOutputShape([null, 10, 8])).toEqual([null, 10, 3]);
    expect(d.weightSpecs([null, 10, 8]).map((w) => w.shape)).toEqual([[8, 3], [3]]);
    expect(d.countParams([null, 32])).toBe(32 * 3 + 3);
    expect(layers.dense({ units: 3, useBias: false }).countParams([null, 4])).toBe(12);
  });

  it('needs the last inputShape entry known', () => {
    expect(layers.dense({ units: 1, inputShape: [null, 4] }).inputShape).toEqual([null, 4]);
    expect(() => layers.dense({ units: 1, inputShape: [4, null] })).toThrow('dense.inputShape[1]');
  });

  it('round-trips through its config', () => {
    const a = layers.dense({ units: 7, activation: 'gelu', inputShape: [5] });
    expect(layers.dense(a.getConfig()).getConfig()).toEqual(a.getConfig());
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { layers, resetNames } from '../../../lib/layers/index.js';

beforeEach(() => resetNames());

describe('layers.dropout', () => {
  it('keeps the rate and is the identity on shapes', () => {
    const d = layers.dropout({ rate: 0.2 });
    expect(d.getConfig()).toEqual({ name: 'dropout', rate: 0.2 });
    expect(d.computeOutputShape([null, 10, 4])).toEqual([null, 10, 4]);
    expect(d.weightSpecs([null, 4])).toEqual([]);
  });

  it('requires a rate in [0, 1)', () => {
    expect(() => layers.dropout({} as never)).toThrow('Expected a number for dropout.rate but received undefined');
    expect(() => layers.dropout({ rate: 1 })).toThrow('Expected a number >= 0 and < 1 for dropout.rate but received 1');
    expect(() => layers.dropout({ rate: -0.5 })).toThrow(RangeError);
  });

  it('does not offer noiseShape or seed', () => {
    expect(() => layers.dropout({ rate: 0.1, noiseShape: [1] } as never)).toThrow(/Unknown option "noiseShape" for dropout/);
    expect(() => layers.dropout({ rate: 0.1, seed: 1 } as never)).toThrow(/Unknown option "seed" for dropout/);
  });
});

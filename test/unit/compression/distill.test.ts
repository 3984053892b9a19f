import { describe, expect, it } from 'vitest';
import { distill } from '../../../lib/compression/index.js';
import { blendTargets } from '../../../lib/compression/distill.js';
import { batchOf, median } from '../../../lib/compression/latency.js';

/** A model that fails the test if distill gets as far as using it. */
const untouchable = () => ({
  compile: () => { throw new Error('compile called'); },
  fit: () => Promise.reject(new Error('fit called')),
  predict: () => Promise.reject(new Error('predict called')),
  getWeights: () => [],
});
const x = [[[1], [2]], [[3], [4]]];
const y = [[1], [2]];

describe('distill options', () => {
  it('rejects (never throws) with the option and value named, before touching either model', async () => {
    const base = { teacher: untouchable(), student: untouchable(), x, y };
    await expect(distill({ ...base, alpha: 1.5 })).rejects.toThrow('Expected a number >= 0 and <= 1 for distill.alpha but received 1.5 of type number');
    await expect(distill({ ...base, temperature: 4 })).rejects.toThrow(
      'Expected 1 for distill.temperature but received 4 of type number: a regression output has no softmax for a temperature to soften',
    );
    await expect(distill({ ...base, compile: { loss: 'categorical_crossentropy' } })).rejects.toThrow(
      /distill supports regression losses \(mse, mae, huber, logcosh\) for now, but distill\.compile\.loss is "categorical_crossentropy"/,
    );
    await expect(distill({ ...base, compile: { loss: 'msee' } })).rejects.toThrow(/for distill\.compile\.loss but received "msee" \(did you mean 'mse'\?\)/);
    await expect(distill({ ...base, y: undefined, alpha: 0.5 })).rejects.toThrow(/distill\.alpha is 0\.5 but no distill\.y was given/);
    await expect(distill({ ...base, student: 3 as never })).rejects.toThrow(/for distill\.student but received 3 of type number/);
    await expect(distill({ ...base, student: base.teacher })).rejects.toThrow(/distill\.student is the teacher itself/);
    await expect(distill({ ...base, latencyRuns: 0 })).rejects.toThrow(/an integer >= 1 for distill\.latencyRuns but received 0/);
    await expect(distill({ ...base, alfa: 0.5 } as never)).rejects.toThrow('Unknown option "alfa" for distill; did you mean "alpha"?');
  });
});

describe('distill helpers', () => {
  it('blends targets as alpha * y + (1 - alpha) * teacher', () => {
    expect(Array.from(blendTargets(Float32Array.of(1, 2), Float32Array.of(3, 6), 0.25))).toEqual([2.5, 5]);
  });

  it('times batches of any size cut from x, and takes the median', () => {
    const b = batchOf({ data: Float32Array.of(1, 2, 3, 4), shape: [2, 2, 1] }, 3);
    expect(b.shape).toEqual([3, 2, 1]);
    expect(Array.from(b.data)).toEqual([1, 2, 3, 4, 1, 2]);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

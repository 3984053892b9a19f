import { describe, it, expect } from 'vitest';
import { Pipeline, type Series, type Transformer } from '../../../lib/preprocessing/pipeline.js';
import { Differencer } from '../../../lib/preprocessing/differencer.js';
import { MinMaxScaler } from '../../../lib/preprocessing/min-max-scaler.js';
import * as preprocessing from '../../../lib/preprocessing/index.js';

/** Adds a constant learned as the negative first value: a transformer written by a user. */
class Shift implements Transformer {
  offset = 0;
  fit(X: Series): this {
    this.offset = -(X as number[])[0]!;
    return this;
  }
  transform<T extends Series>(X: T): T {
    return (X as number[]).map((v) => v + this.offset) as T;
  }
  fitTransform<T extends Series>(X: T): T {
    return this.fit(X).transform(X);
  }
  inverseTransform<T extends Series>(X: T): T {
    return (X as number[]).map((v) => v - this.offset) as T;
  }
}

describe('Pipeline', () => {
  it('differences then scales, and inverts in reverse order', () => {
    const prep = new Pipeline([new Differencer({ lag: 1 }), new MinMaxScaler()]);
    expect(prep.fitTransform([10, 12, 15, 19])).toEqual([0, 0.5, 1]);
    // 0.5 -> diff 3, 1 -> diff 4; integrated from the last fitted level 19.
    expect(prep.inverseTransform([0.5, 1])).toEqual([22, 26]);
    expect(prep.transform([0, 2, 5])).toEqual([0, 0.5]); // diffs [2, 3]
  });

  it('fit then transform equals fitTransform', () => {
    const X = [3, 1, 4, 1, 5, 9, 2, 6];
    const a = new Pipeline([new Differencer(), new MinMaxScaler({ featureRange: [-1, 1] })]);
    const b = new Pipeline([new Differencer(), new MinMaxScaler({ featureRange: [-1, 1] })]);
    expect(a.fit(X).transform(X)).toEqual(b.fitTransform(X));
  });

  it('takes user transformers and keeps its steps reachable', () => {
    const shift = new Shift();
    const prep = new Pipeline([shift, new MinMaxScaler()]);
    expect(prep.fitTransform([5, 7, 9])).toEqual([0, 0.5, 1]);
    expect(shift.offset).toBe(-5);
    expect(prep.inverseTransform([0.25])).toEqual([6]);
    expect(prep.steps[0]).toBe(shift);
  });

  it('is exported from the preprocessing index', () => {
    expect(new preprocessing.Pipeline([new preprocessing.MinMaxScaler()]).fitTransform([2, 4])).toEqual([0, 1]);
    expect(typeof preprocessing.createDataset).toBe('function');
  });

  it('validates its steps', () => {
    expect(() => new Pipeline([])).toThrow('Expected a non-empty array of transformers for Pipeline.steps but received an array of length 0 of type array');
    expect(() => new Pipeline([new MinMaxScaler(), { fit() {} } as never])).toThrow(
      /for Pipeline.steps\[1\] but received an object of type object/,
    );
    expect(() => new Pipeline([{ fit() {} } as never])).toThrow(/missing transform/);
  });
});

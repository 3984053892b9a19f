import { describe, it, expect } from 'vitest';
import { MinMaxScaler } from '../../../lib/preprocessing/min-max-scaler.js';
import { StandardScaler } from '../../../lib/preprocessing/standard-scaler.js';

// The shared base of the two scalers: fitted-state checks, feature checks, toJSON/fromJSON.
const data = [[1, -2], [3, 0.5], [4, 7], [10, 3]];

describe.each([
  ['MinMaxScaler', () => new MinMaxScaler({ featureRange: [-1, 2] }), (j: unknown) => MinMaxScaler.fromJSON(j)],
  ['StandardScaler', () => new StandardScaler({ withMean: false }), (j: unknown) => StandardScaler.fromJSON(j)],
] as const)('%s through the shared base', (name, make, fromJSON) => {
  it('saves the same JSON after a round trip, and transforms the same', () => {
    const scaler = make().fit(data);
    const text = JSON.stringify(scaler);
    const restored = fromJSON(JSON.parse(text));
    expect(JSON.stringify(restored)).toBe(text);
    expect(restored.transform([[2, 1]])).toEqual(scaler.transform([[2, 1]]));
    expect(restored.inverseTransform(restored.transform(data))).toEqual(scaler.inverseTransform(scaler.transform(data)));
    expect([restored.nFeaturesIn, restored.nSamplesSeen, restored.isFitted]).toEqual([2, 4, true]);
  });

  it('names the class in fitted-state, feature-count and JSON errors', () => {
    expect(() => make().nFeaturesIn).toThrow(`This ${name} is not fitted yet; call fit() or fitTransform() before reading nFeaturesIn`);
    expect(() => make().fit(data).inverseTransform([1])).toThrow(
      `${name}.inverseTransform.X has 1 feature, but ${name} was fitted with 2 features`,
    );
    const json = JSON.parse(JSON.stringify(make().fit(data)));
    expect(() => fromJSON({ ...json, state: { ...json.state, nSamplesSeen: 0 } })).toThrow(
      `Expected a positive integer for ${name}.fromJSON.json.state.nSamplesSeen but received 0 of type number`,
    );
    expect(JSON.stringify(fromJSON({ ...json, state: null }))).toBe(JSON.stringify(make()));
  });
});

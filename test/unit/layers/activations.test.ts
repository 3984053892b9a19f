import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activation } from '../../../lib/layers/activations.js';

describe('activations', () => {
  it('accepts every canonical Keras name as is', () => {
    for (const name of ACTIVATIONS) expect(activation(name, 'a')).toBe(name);
    expect(ACTIVATIONS).toHaveLength(14);
  });

  it('normalizes the aliases to the names the engine reads', () => {
    expect(activation('hardSigmoid', 'a')).toBe('hard_sigmoid');
    expect(activation('silu', 'a')).toBe('swish');
    expect(activation(null, 'a')).toBe('linear');
  });

  it('rejects unknown names with a suggestion', () => {
    expect(() => activation('tanhh', 'lstm.activation')).toThrow(/for lstm\.activation but received "tanhh" \(did you mean 'tanh'\?\)/);
    expect(() => activation('leaky_relu', 'a')).toThrow(RangeError);
    expect(() => activation(3, 'a')).toThrow(TypeError);
  });
});

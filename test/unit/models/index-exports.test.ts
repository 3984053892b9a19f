import { afterEach, describe, expect, it } from 'vitest';
import * as api from '../../../lib/index.js';
import { setBindingForTests } from '../../../lib/models/engine.js';
import { installFakeBinding } from './fake-binding.js';

afterEach(() => setBindingForTests(undefined));

describe('lib/index.ts', () => {
  it('exports the public API', () => {
    for (const name of [
      'sequential', 'Sequential', 'layers', 'initializers', 'optimizers', 'losses', 'callbacks', 'preprocessing',
      'metrics', 'forecasting', 'Tensor', 'TorchError', 'AbortError', 'getThreadInfo', 'setNumThreads', 'versions',
    ]) {
      expect(api, name).toHaveProperty(name);
    }
    expect(typeof api.layers.lstm).toBe('function');
    expect(typeof api.callbacks.EarlyStopping).toBe('function');
  });

  it('versions() adds the package version to the engine versions', () => {
    installFakeBinding();
    expect(api.versions()).toEqual({ torchLstm: '0.1.0', torch: '1.13.1', addon: '0.1.0', cuda: false });
  });
});

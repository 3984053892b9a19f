/**
 * quantize's options and the no-engine error, without the addon (a fake binding stands in).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TorchError } from '../../../lib/errors.js';
import { layers } from '../../../lib/layers/index.js';
import { setBindingForTests } from '../../../lib/models/engine.js';
import { QuantizedModel } from '../../../lib/models/quantized-model.js';
import type { NativeBinding } from '../../../lib/native.js';
import { int8Engine } from '../../../lib/quantization/engine.js';
import { quantize, QUANTIZATION_MODES } from '../../../lib/quantization/index.js';
import { quantizationMode, quantizeOptions } from '../../../lib/quantization/options.js';
import { Sequential } from '../../../lib/models/sequential.js';

function fakeBinding(int8: string): NativeBinding {
  return {
    versions: () => ({ torch: '1.13.1', addon: '0.1.0', cuda: false, int8Engine: int8 }),
    QuantizedModel: class {
      constructor() {
        throw new Error('[ERR_TORCH] the fake builds nothing');
      }
    },
  } as unknown as NativeBinding;
}

afterEach(() => setBindingForTests(undefined));

describe('quantizeOptions', () => {
  it('defaults to int8-dynamic, batch sizes 1 and 256, 20 repeats, no validation data', () => {
    expect(QUANTIZATION_MODES).toEqual(['int8-dynamic']);
    expect(quantizeOptions(undefined)).toEqual({ mode: 'int8-dynamic', validationData: null, batchSizes: [1, 256], repeats: 20 });
    expect(quantizeOptions({ mode: 'int8-dynamic', batchSizes: [], repeats: 3 })).toMatchObject({ batchSizes: [], repeats: 3 });
  });

  it('rejects an unknown mode with a RangeError that suggests the near one', () => {
    expect(() => quantizationMode('int8_dynamic', 'quantize.mode')).toThrow(RangeError);
    expect(() => quantizationMode('int8_dynamic', 'quantize.mode')).toThrow(`Unknown quantization mode "int8_dynamic" for quantize.mode; did you mean 'int8-dynamic'?`);
    expect(() => quantizeOptions({ mode: 'int8' })).toThrow(`Unknown quantization mode "int8" for quantize.mode; did you mean 'int8-dynamic'?`);
    expect(() => quantizeOptions({ mode: 'fp16' })).toThrow(`Unknown quantization mode "fp16" for quantize.mode; torch-lstm offers 'int8-dynamic'`);
    expect(() => quantizeOptions({ mode: 8 })).toThrow(TypeError);
    expect(() => quantizeOptions({ mode: 8 })).toThrow("Expected one of 'int8-dynamic' for quantize.mode but received 8 of type number");
  });

  it('names every other bad option', () => {
    expect(() => quantizeOptions({ modes: 'int8-dynamic' })).toThrow('Unknown option "modes" for quantize; did you mean "mode"?');
    expect(() => quantizeOptions({ batchSizes: [1, 0] })).toThrow('Expected an integer >= 1 for quantize.batchSizes[1] but received 0');
    expect(() => quantizeOptions({ batchSizes: [4, 4] })).toThrow('Expected distinct batch sizes for quantize.batchSizes but received 4 twice');
    expect(() => quantizeOptions({ batchSizes: 256 })).toThrow(TypeError);
    expect(() => quantizeOptions({ repeats: 0 })).toThrow('Expected an integer >= 1 for quantize.repeats but received 0');
    expect(() => quantizeOptions({ validationData: [[1], [2]] })).toThrow('Expected { x, y } for quantize.validationData but received an array of length 2 of type array');
    expect(() => quantizeOptions({ validationData: { x: [[[1]]] } })).toThrow('Expected { x, y } for quantize.validationData but y is missing');
    expect(() => quantizeOptions({ validationData: { x: [[[1]], [[2]]], y: [1] } })).toThrow(
      'Expected quantize.validationData.y to have as many samples as quantize.validationData.x (2) but received 1 (shape [1])',
    );
  });
});

describe('quantize without an int8 engine', () => {
  const model = () => new Sequential([layers.lstm({ units: 2, inputShape: [3, 1] }), layers.dense({ units: 1 })]);

  it('is a TorchError saying why (QNNPACK is left out on x86)', () => {
    setBindingForTests(fakeBinding(''));
    let err: unknown;
    try {
      int8Engine();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TorchError);
    expect((err as TorchError).code).toBe('ERR_TORCH');
    expect((err as Error).message).toMatch(/^int8 quantization is not available: the LibTorch 1\.13\.1 .* no int8 engine .*ONEDNN, X86 or FBGEMM; QNNPACK is left out on x86, where it runs slower than float32/);
    setBindingForTests(fakeBinding('onednn'));
    expect(int8Engine()).toBe('onednn');
  });

  it('rejects (never throws) for bad arguments, a model that is not one, and a missing engine', async () => {
    setBindingForTests(fakeBinding(''));
    const m = model();
    const call = quantize(m, { mode: 'int4' as never });
    expect(call).toBeInstanceOf(Promise);
    await expect(call).rejects.toThrow(RangeError);
    await expect(quantize({} as never)).rejects.toThrow('Expected a model (sequential([...]) or loadModel(dir)) for quantize.model but received an object of type object');
    await expect(quantize(m, { validationData: { x: [[1, 2, 3]], y: [1] } })).rejects.toThrow(
      'Expected quantize.validationData.x of shape [samples, 3, 1] (inputShape of layers[0] (lstm',
    );
    await expect(quantize(m)).rejects.toMatchObject({ name: 'TorchError', code: 'ERR_TORCH', message: expect.stringMatching(/no int8 engine/) });
    const unbuilt = new Sequential([layers.lstm({ units: 2 })]);
    await expect(quantize(unbuilt)).rejects.toThrow(/has no inputShape; quantizing needs a built model/);
  });

  it('refuses a model that is quantized already', async () => {
    const fake = Object.create(QuantizedModel.prototype) as QuantizedModel;
    Object.defineProperty(fake, 'name', { value: 'q' });
    await expect(quantize(fake as never)).rejects.toThrow('Expected a float model for quantize.model but received a QuantizedModel ("q"): it is quantized already');
  });
});

/**
 * Devices and precision from TS: the device option (CUDA asked for on a CPU-only LibTorch is a
 * clear ERR_CUDA_UNAVAILABLE; 'auto' falls back to the CPU), Keras precision policies on
 * compile (mixed_bfloat16 trains close to float32 on CPU; mixed_float16 needs CUDA), and the
 * inline small-batch predict giving the pooled path's numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initializers, layers, loadModel, sequential, Sequential, TorchError, versions, type Tensor } from '../../../lib/index.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'tl-devices-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function net(args?: Parameters<typeof sequential>[1]): Sequential {
  return sequential(
    [
      layers.lstm({ units: 16, inputShape: [12, 3], kernelInitializer: initializers.glorotUniform({ seed: 1 }), recurrentInitializer: initializers.orthogonal({ seed: 2 }) }),
      layers.dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: 3 }) }),
    ],
    args,
  );
}

/** y = mean of the last step's 3 features. */
function task(n: number) {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const x = new Float32Array(n * 12 * 3).map(rnd);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = (x[(i * 12 + 11) * 3]! + x[(i * 12 + 11) * 3 + 1]! + x[(i * 12 + 11) * 3 + 2]!) / 3;
  return { x: { data: x, shape: [n, 12, 3] }, y: { data: y, shape: [n, 1] } };
}

describe('device option', () => {
  it('rejects an unknown device name at once, naming the option', () => {
    expect(() => net({ device: 'gpu' as never })).toThrow(/Expected 'cpu', 'cuda', 'cuda:N' or 'auto' for sequential.device but received "gpu"/);
    expect(() => net({ deterministic: 'yes' as never })).toThrow(/sequential.deterministic/);
  });

  it.skipIf(versions().cuda)('CUDA asked for on a CPU-only LibTorch is ERR_CUDA_UNAVAILABLE when the engine builds the model', () => {
    const m = net({ device: 'cuda' });
    expect(m.device).toBe('cuda');
    let err: unknown;
    try {
      m.compile({ optimizer: 'adam', loss: 'mse' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TorchError);
    expect((err as TorchError).code).toBe('ERR_CUDA_UNAVAILABLE');
    expect((err as Error).message).toMatch(/device 'cuda' was asked for, but this LibTorch sees no CUDA device/);
    m.dispose();
  });

  it("'auto' computes where LibTorch can (the CPU here) and trains", async () => {
    const m = net({ device: 'auto', deterministic: true });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const { x, y } = task(64);
    const h = await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, seed: 1 });
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]!);
    m.dispose();
  });
});

describe('precision', () => {
  it('mixed_bfloat16 trains to within a few percent of float32 (same seeds, same data)', async () => {
    const { x, y } = task(256);
    const final = async (precision: 'float32' | 'mixed_bfloat16') => {
      const m = net();
      m.compile({ optimizer: 'adam', loss: 'mse', precision });
      await m.fit(x, y, { epochs: 15, batchSize: 32, verbose: 0, seed: 3, shuffle: false });
      const { loss } = await m.evaluate(x, y, { verbose: 0 });
      m.dispose();
      return loss!;
    };
    const fp32 = await final('float32');
    const bf16 = await final('mixed_bfloat16');
    expect(fp32).toBeLessThan(0.05);
    expect(Math.abs(bf16 - fp32)).toBeLessThan(0.02 + 0.25 * fp32);
    expect(bf16).not.toBe(fp32); // bf16 GEMMs really ran
  });

  it('mixed_float16 needs CUDA; an unknown policy is a RangeError naming the option', () => {
    const m = net();
    expect(() => m.compile({ loss: 'mse', precision: 'float16' as never })).toThrow(/compile.precision/);
    if (!versions().cuda) {
      expect(() => m.compile({ loss: 'mse', precision: 'mixed_float16' })).toThrow(/mixed_float16' needs a CUDA device/);
    }
    m.dispose();
  });

  it('is part of the saved compile config', async () => {
    const m = net();
    m.compile({ optimizer: 'adam', loss: 'mse', precision: 'mixed_bfloat16' });
    await m.save(path.join(root, 'bf16'));
    const again = (await loadModel(path.join(root, 'bf16'))) as Sequential;
    const { x, y } = task(32);
    const a = await m.evaluate(x, y, { verbose: 0 });
    const b = await again.evaluate(x, y, { verbose: 0 });
    expect(b.loss).toBeCloseTo(a.loss!, 6);
    m.dispose();
    again.dispose();
  });
});

describe('small predicts', () => {
  it('batch 1 (computed inline, no thread hop) equals the same rows of a batch of 64', async () => {
    const m = net();
    const { x } = task(64);
    const all = (await m.predict(x)) as Tensor;
    for (const row of [0, 17, 63]) {
      const one = (await m.predict({ data: x.data.subarray(row * 36, (row + 1) * 36), shape: [1, 12, 3] })) as Tensor;
      expect(Math.abs(one.data[0]! - all.data[row]!)).toBeLessThan(1e-5);
    }
    // A malformed tiny predict still rejects (never throws synchronously).
    const bad = m.predict({ data: new Float32Array(12), shape: [1, 12, 1] });
    await expect(bad).rejects.toThrow(/shape/);
    m.dispose();
  });
});

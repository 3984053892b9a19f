import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { LossReport, lossReport } from '../../../lib/training/callbacks/loss-report.js';
import { Callback, type CallbackModel, type TrainingParams } from '../../../lib/training/callbacks/callback.js';
import { count } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'torch-lstm-loss-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const params: TrainingParams = { epochs: 40, steps: 4, verbose: 0, metrics: ['mae'], doValidation: true };
const model = (): CallbackModel => ({ stopTraining: false, getWeights: () => [], setWeights: () => {}, optimizer: { learningRate: 0.01 } });

/** Runs the epoch hooks as `fit` does; the learning rate drops by 10x at epochs 10 and 20. */
async function train(cb: LossReport, epochs: number, m = model(), onEpoch?: (epoch: number) => void): Promise<void> {
  cb.setModel(m);
  cb.setParams({ ...params, epochs });
  await cb.onTrainBegin();
  for (let e = 0; e < epochs; e++) {
    if (e === 10 || e === 20) m.optimizer.learningRate /= 10;
    await cb.onEpochBegin(e);
    const loss = 1 / (1 + e);
    await cb.onEpochEnd(e, { loss, val_loss: loss * 1.2, mae: Math.sqrt(loss), val_mae: Math.sqrt(loss) * 1.1 });
    onEpoch?.(e);
  }
  await cb.onTrainEnd();
}

describe('lossReport', () => {
  it('writes the loss-curve page each epoch, with the optimizer rate changes marked', async () => {
    const file = path.join(dir, 'nested', 'training.html');
    const cb = lossReport({ path: file, title: 'CO2 <model>' });
    expect(cb).toBeInstanceOf(Callback);
    const seen: string[] = [];
    await train(cb, 25, model(), () => seen.push(readFileSync(file, 'utf8')));
    expect(seen.map((html) => /<p>Epoch (\d+) of 25 done/.exec(html)?.[1])).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<h1>CO2 &lt;model&gt;</h1>');
    expect(html).toContain('<p>Training ended after 25 epochs.</p>');
    expect(count(html, /<path class="line"/g)).toBe(4);
    expect([...new Set([...html.matchAll(/<text class="marker-label"[^>]*>([^<]*)</g)].map((m) => m[1]))]).toEqual(['lr → 1e-3', 'lr → 1e-4']);
    expect(cb.history.lr!.slice(8, 12)).toEqual([0.01, 0.01, 0.001, 0.001]);
    expect(readdirSync(path.dirname(file))).toEqual(['training.html']);
  });

  it('writes every n epochs and at the end, and takes lr from the logs when there', async () => {
    const file = path.join(dir, 'every.html');
    const cb = new LossReport({ path: file, every: 4, yScale: 'log' });
    const seen: (string | null)[] = [];
    cb.setParams(params);
    await cb.onTrainBegin();
    for (let e = 0; e < 6; e++) {
      await cb.onEpochEnd(e, { loss: 1 / (e + 1), lr: e < 3 ? 0.1 : 0.05 });
      seen.push(existsSync(file) ? /Epoch (\d+)/.exec(readFileSync(file, 'utf8'))![1]! : null);
    }
    expect(seen).toEqual([null, null, null, '4', '4', '4']);
    await cb.onTrainEnd();
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Training ended after 6 epochs.');
    expect(html).toContain('lr → 0.05');
  });

  it('never lets a reader see a partial page, and leaves no temporary file', async () => {
    const file = path.join(dir, 'atomic.html');
    // A reader on another thread reads the page as fast as it can while training writes it.
    const reader = new Worker(
      `const { readFileSync } = require('node:fs');
       const { parentPort, workerData } = require('node:worker_threads');
       let stop = false, reads = 0, missing = 0, partial = 0;
       parentPort.on('message', () => { stop = true; });
       (function loop() {
         for (let i = 0; i < 50; i++) {
           let text;
           try { text = readFileSync(workerData, 'utf8'); } catch (e) { if (e.code === 'ENOENT') { missing++; continue; } throw e; }
           reads++;
           if (!text.startsWith('<!DOCTYPE html>') || !text.endsWith('</html>\\n')) partial++;
         }
         if (stop) parentPort.postMessage({ reads, missing, partial }); else setImmediate(loop);
       })();`,
      { eval: true, workerData: file },
    );
    const result = new Promise<{ reads: number; missing: number; partial: number }>((resolve, reject) => {
      reader.once('message', resolve);
      reader.once('error', reject);
    });
    const cb = lossReport({ path: file });
    for (let run = 0; run < 3; run++) await train(cb, 40);
    reader.postMessage('stop');
    const { reads, partial } = await result;
    await reader.terminate();
    expect(partial, `${partial} of ${reads} reads saw a partial page`).toBe(0);
    expect(reads).toBeGreaterThan(100);
    expect(readdirSync(dir).filter((f) => f.includes('atomic'))).toEqual(['atomic.html']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('checks its options', () => {
    expect(() => lossReport(undefined as never)).toThrow('Expected an options object for lossReport but received undefined');
    expect(() => lossReport({ path: '' })).toThrow('Expected a non-empty string for lossReport.path');
    expect(() => lossReport({ path: 'a.html', every: 0 })).toThrow('Expected an integer >= 1 for lossReport.every but received 0');
    expect(() => lossReport({ path: 'a.html', evry: 2 } as never)).toThrow('did you mean "every"?');
    expect(lossReport({ path: 'a.html' }).path).toBe(path.resolve('a.html'));
  });
});

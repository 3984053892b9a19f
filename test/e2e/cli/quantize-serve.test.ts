// The CLI round trip of the serving story: train -> evaluate -> quantize -> serve -> requests
// (v2 infer and TF Serving :predict, float and int8 models) -> SIGTERM -> exit 0.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSeriesCsv } from '../../../lib/cli/csv.js';
import { readPreprocessing, windowsFor } from '../../../lib/cli/model-dir.js';
import { cli, root, writeSeries } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'torch-lstm-cli-q-'));
const csv = path.join(dir, 'sales.csv');
const model = path.join(dir, 'model');
const int8 = path.join(dir, 'model-int8');
const small = ['--look-back', '12', '--units', '16,8', '--epochs', '3', '--batch-size', '32', '--quiet'];

beforeAll(async () => {
  writeSeries(csv);
  const r = await cli(['train', '--csv', csv, '--column', 'Sales', '--date-column', 'Date', '--out', model, ...small]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `predict --format json`: the one-step-ahead levels of a model directory. */
async function predictLevels(modelDir: string, batchSize: number): Promise<number[]> {
  const r = await cli(['predict', '--model', modelDir, '--csv', csv, '--batch-size', String(batchSize), '--format', 'json', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { predictions: { predicted: number }[] }).predictions.map((p) => p.predicted);
}

async function evaluateJson(modelDir: string): Promise<{ models: Record<string, { rmse: number }>; quantization?: { mode: string } }> {
  const r = await cli(['evaluate', '--model', modelDir, '--csv', csv, '--format', 'json', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('torch-lstm train -> evaluate -> quantize -> serve -> a request', () => {
  let floatRmse = NaN;

  it('evaluate scores the float model', async () => {
    const doc = await evaluateJson(model);
    floatRmse = doc.models.LSTM!.rmse;
    expect(Number.isFinite(floatRmse)).toBe(true);
    expect(doc.quantization).toBeUndefined();
  });

  it('quantize writes the int8 model with its preprocessing and reports bytes, latency and RMSE', async () => {
    const table = await cli(['quantize', '--model', model, '--out', int8, '--csv', csv, '--repeats', '2']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Quantized .* \(int8-dynamic, \w+ engine\)/);
    for (const row of [/weights\s+[\d.]+ KB\s+[\d.]+ KB\s+[\d.]+x smaller/, /latency, batch 1 \(ms\)/, /latency, batch 256 \(ms\)/, /^RMSE\s/m, /RMSE delta [+-]\d/]) {
      expect(table.stdout).toMatch(row);
    }
    for (const f of ['model.json', 'weights.safetensors', 'preprocessing.json', 'quantization.json']) expect(existsSync(path.join(int8, f)), f).toBe(true);
    const prep = (file: string): unknown => JSON.parse(readFileSync(path.join(file, 'preprocessing.json'), 'utf8'));
    expect(prep(int8)).toEqual(prep(model));

    // Again as JSON (the directory exists: --overwrite); the float RMSE is evaluate's, in the column's units.
    const refused = await cli(['quantize', '--model', model, '--out', int8, '--quiet']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists; pass --overwrite/);
    const r = await cli(['quantize', '--model', model, '--out', int8, '--csv', csv, '--repeats', '2', '--format', 'json', '--overwrite', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ mode: 'int8-dynamic', heldOut: { column: 'Sales', values: 60, from: '2020-01-01' } });
    expect(doc.report.bytes.ratio).toBeGreaterThan(2);
    expect(Object.keys(doc.report.latencyMs)).toEqual(['batch1', 'batch256']);
    expect(doc.levels.rmse.float32).toBeCloseTo(floatRmse, 4);
    expect(Math.abs(doc.levels.rmseDelta)).toBeLessThan(0.1);
    const saved = JSON.parse(readFileSync(path.join(int8, 'quantization.json'), 'utf8'));
    expect(saved.report.bytes).toEqual(doc.report.bytes);

    // evaluate and summary take the int8 directory.
    const ev = await evaluateJson(int8);
    expect(ev.quantization?.mode).toBe('int8-dynamic');
    // Close, not equal: int8 activations are quantized per predict call, and evaluate's batches are not quantize's.
    expect(Math.abs(ev.models.LSTM!.rmse - doc.levels.rmse.int8) / doc.levels.rmse.int8).toBeLessThan(0.01);
    const summary = await cli(['summary', '--model', int8]);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/int8 dynamic/);
    expect(summary.stdout).toContain('Preprocessing: Differencer(lag 1) -> MinMaxScaler; look-back 12');
  });

  it('the int8 model forecasts without intervals; quantize and --intervals need the float model (exit 1)', async () => {
    const f = await cli(['forecast', '--model', int8, '--csv', csv, '--steps', '3', '--quiet']);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout.trim().split('\n')).toHaveLength(4);
    const band = await cli(['forecast', '--model', int8, '--csv', csv, '--steps', '3', '--intervals', '0.9']);
    expect(band.code).toBe(1);
    expect(band.stderr).toMatch(/holds an int8 \(quantized\) model; --intervals needs the float model/);
    const again = await cli(['quantize', '--model', int8, '--out', path.join(dir, 'twice')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/holds an int8 \(quantized\) model; quantize the float model/);
  });

  it('serve answers v2 infer and TF Serving :predict with the predictions of `predict`, and drains on SIGTERM', async () => {
    // One predict call over every window, as the server runs a request larger than --max-batch-size
    // (int8 activations are quantized per call: the batch matters to the last digits).
    const windows = 300 - 13 + 1;
    const [wantFloat, wantInt8] = await Promise.all([predictLevels(model, windows), predictLevels(int8, windows)]);

    // The windows `predict` feeds the model, built from the saved preprocessing.
    const { prep, transform } = await readPreprocessing(model);
    const levels = readSeriesCsv(csv, { column: 'Sales', dateColumn: 'Date' }).values;
    const z = transform.transform(levels);
    const { x, first } = windowsFor(z, prep.lookBack, transform.offset, 0, levels.length + 1);
    expect(x).toHaveLength(wantFloat.length);

    const child = spawn(process.execPath, [path.join(root, 'bin', 'torch-lstm.js'), 'serve', '--model', `sales=${model}`, '--model', `sales-int8=${int8}`, '--grpc-port', '0', '--http-port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines: string[] = [];
    const routes = new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith('  gRPC ')) resolve();
      });
      void exit.then((code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr}`)));
    });
    try {
      await routes;
      const base = lines.map((l) => /^http: (http:\/\/127\.0\.0\.1:\d+)$/.exec(l)?.[1]).find(Boolean);
      expect(base, lines.join('\n')).toBeDefined();
      expect(lines.some((l) => /^grpc: 127\.0\.0\.1:\d+$/.test(l))).toBe(true);
      expect(lines).toContain(`  POST ${base}/v2/models/sales/infer  (Open Inference Protocol: {"inputs": [{"name", "shape", "datatype": "FP32", "data"}]})`);
      expect(stderr).toMatch(/sales-int8: int8 \(\w+ engine\) model from .*input \[-1, 12, 1\]: 12 values of "Sales" differenced \(lag 1\) and scaled \(MinMaxScaler\)/);

      const ready = await fetch(`${base}/v2/health/ready`);
      expect(ready.status).toBe(200);
      const v2 = await postJson(`${base}/v2/models/sales/infer`, {
        inputs: [{ name: 'input_layer', shape: [x.length, prep.lookBack, 1], datatype: 'FP32', data: x.flat(2) }],
      });
      expect(v2.status, JSON.stringify(v2.body)).toBe(200);
      const v2Out = (v2.body.outputs as { shape: number[]; data: number[] }[])[0]!;
      expect(v2Out.shape).toEqual([x.length, 1]);
      const tf = await postJson(`${base}/v1/models/sales-int8:predict`, { instances: x });
      expect(tf.status, JSON.stringify(tf.body)).toBe(200);
      const tfOut = (tf.body.predictions as number[][]).map((p) => p[0]!);

      // Served outputs are in model units: back to levels as `predict` does, then equal to its output.
      const gotFloat = transform.oneStepLevels(v2Out.data, levels, first);
      const gotInt8 = transform.oneStepLevels(tfOut, levels, first);
      expect(gotFloat).toEqual(wantFloat);
      expect(gotInt8).toEqual(wantInt8);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit, stderr).toBe(0);
    expect(stderr).toMatch(/SIGTERM: stopping/);
    expect(stderr).toMatch(/Stopped: served 2 request\(s\), 576 sample\(s\)/);
  });
});

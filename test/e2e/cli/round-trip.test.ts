// train -> summary -> evaluate -> predict -> forecast -> report, as a user runs them.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, writeSeries } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'torch-lstm-cli-'));
const csv = path.join(dir, 'sales.csv');
const model = path.join(dir, 'model');
const small = ['--look-back', '12', '--units', '16,8', '--epochs', '4', '--batch-size', '32'];

beforeAll(() => writeSeries(csv));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('torch-lstm train -> summary -> evaluate -> predict -> forecast', () => {
  it('train: fits, prints held-out metrics next to the baselines, saves the model and its preprocessing', async () => {
    const r = await cli(['train', '--csv', csv, '--column', 'Sales', '--date-column', 'Date', '--out', model, ...small]);
    expect(r.stderr).toContain('filled 1 missing month');
    expect(r.stderr).toMatch(/Epoch 1\/4/); // the progress bar, on stderr
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Trained \d+ epochs/);
    expect(r.stdout).toContain('One-step-ahead on the held-out 60 values (2020-01-01 .. 2024-12-01)');
    for (const name of ['LSTM', 'naive (last value)', 'seasonal naive (m = 12)']) expect(r.stdout).toContain(name);
    expect(r.stdout).toMatch(/MAE\s+RMSE\s+MAPE %\s+sMAPE %\s+MASE\s+R²/);
    for (const f of ['model.json', 'weights.safetensors', 'preprocessing.json', 'history.json', 'metrics.json']) {
      expect(existsSync(path.join(model, f)), f).toBe(true);
    }
    const prep = JSON.parse(readFileSync(path.join(model, 'preprocessing.json'), 'utf8'));
    expect(prep).toMatchObject({ column: 'Sales', dateColumn: 'Date', lookBack: 12, seasonalPeriod: 12 });
    expect(prep.pipeline.steps.map((s: { className: string }) => s.className)).toEqual(['Differencer', 'MinMaxScaler']);
    expect(prep.training).toMatchObject({ rows: 300, trainRows: 240 });
    const history = JSON.parse(readFileSync(path.join(model, 'history.json'), 'utf8'));
    expect(history.history.val_loss.length).toBe(history.epoch.length);
  });

  it('train refuses to replace an existing model directory without --overwrite (exit 1), and replaces it with', async () => {
    const refused = await cli(['train', '--csv', csv, '--column', 'Sales', '--out', model, '--quiet', ...small]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists; pass --overwrite/);
    const again = await cli(['train', '--csv', csv, '--column', 'Sales', '--date-column', 'Date', '--out', model, '--overwrite', '--quiet', ...small]);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(''); // --quiet: no progress bar, no notes
    expect(existsSync(path.join(model, 'preprocessing.json'))).toBe(true);
  });

  it('summary prints the layer table and the preprocessing', async () => {
    const r = await cli(['summary', '--model', model]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Layer (type)');
    expect(r.stdout).toMatch(/lstm \(LSTM\)\s+\(None, 12, 16\)/);
    expect(r.stdout).toContain('Preprocessing: Differencer(lag 1) -> MinMaxScaler; look-back 12; column "Sales"');
  });

  it('evaluate prints the metrics table, or JSON, with the same numbers as train', async () => {
    const table = await cli(['evaluate', '--model', model, '--csv', csv, '--column', 'Sales']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/LSTM\s+\d/);
    const json = await cli(['evaluate', '--model', model, '--csv', csv, '--format', 'json', '--quiet']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.values).toBe(60);
    const saved = JSON.parse(readFileSync(path.join(model, 'metrics.json'), 'utf8'));
    for (const key of ['mae', 'rmse', 'mape', 'smape', 'mase', 'r2']) {
      expect(doc.models.LSTM[key]).toBeCloseTo(saved.models.LSTM[key], 6);
      expect(Number.isFinite(doc.models['naive (last value)'][key])).toBe(true);
    }
  });

  it('predict writes one-step-ahead levels (CSV to a file, JSON to stdout)', async () => {
    const out = path.join(dir, 'predictions.csv');
    const r = await cli(['predict', '--model', model, '--csv', csv, '--out', out]);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('Date,actual,predicted');
    // From the 14th value (look-back 12 + 1 for the difference) to one past the end.
    expect(lines).toHaveLength(1 + 300 - 13 + 1);
    expect(lines[1]).toMatch(/^2001-02-01,/);
    expect(lines.at(-1)).toMatch(/^2025-01-01,,\d/);
    const rows = lines.slice(1, -1).map((l) => l.split(',').map(Number));
    const mae = rows.reduce((s, [, a, p]) => s + Math.abs(a! - p!), 0) / rows.length;
    expect(mae).toBeLessThan(10); // levels, not scaled differences
    const json = await cli(['predict', '--model', model, '--csv', csv, '--format', 'json', '--quiet']);
    expect(JSON.parse(json.stdout).predictions).toHaveLength(300 - 13 + 1);
  });

  it('forecast continues the series in levels, with Monte-Carlo dropout intervals', async () => {
    const r = await cli(['forecast', '--model', model, '--csv', csv, '--steps', '6', '--quiet']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('step,Date,forecast');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01', '2025-06-01']);
    const out = path.join(dir, 'forecast.json');
    const band = await cli(['forecast', '--model', model, '--csv', csv, '--steps', '6', '--intervals', '0.9', '--samples', '20', '--out', out]);
    expect(band.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.level).toBe(0.9);
    expect(doc.forecast).toHaveLength(6);
    for (const f of doc.forecast) {
      expect(f.lower).toBeLessThanOrEqual(f.upper);
      expect(Math.abs(f.forecast - 250)).toBeLessThan(60); // the series ends near 250
    }
  });

  it('report renders the saved history as loss curves', async () => {
    const out = path.join(dir, 'training.html');
    const r = await cli(['report', '--history', model, '--out', out]);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('val_loss');
    expect(html).not.toContain('<script');
  });
});

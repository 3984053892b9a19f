// The main job as a user runs it: the compiled demo on the bundled CO2 series.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(path.join(tmpdir(), 'torch-lstm-demo-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run demo (dist/examples/co2-forecast.js)', () => {
  it('trains, beats both baselines on the held-out RMSE, forecasts 12 months and writes the report', () => {
    const stdout = execFileSync(process.execPath, [path.join(root, 'dist/examples/co2-forecast.js'), '--verbose', '0', '--out', out], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    });
    const rmse = (label: string): number => {
      const line = stdout.split('\n').find((l) => l.startsWith(label));
      expect(line, `a metrics row starting with "${label}"`).toBeDefined();
      const cells = line!.slice(32).trim().split(/\s+/).map(Number);
      return cells[1]!; // MAE, RMSE, MAPE, R2
    };
    const model = rmse('LSTM (torch-lstm)');
    const naive = rmse('naive (last month)');
    const seasonal = rmse('seasonal naive');
    expect(model).toBeLessThan(naive);
    expect(model).toBeLessThan(seasonal);
    expect(stdout).toContain('beats both baselines');
    const forecast = stdout.split('Forecast of the next 12 months (ppm):\n')[1]!.trim().split('\n').slice(0, 12);
    expect(forecast).toHaveLength(12);
    for (const line of forecast) {
      const value = Number(line.split(' ')[1]);
      // The record ends at ~416 ppm in 2020-04: a sane forecast stays near it.
      expect(value).toBeGreaterThan(405);
      expect(value).toBeLessThan(425);
    }
    const html = readFileSync(path.join(out, 'co2-forecast.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain('<script');
    expect(existsSync(path.join(out, 'co2-forecast.svg'))).toBe(true);
  }, 300_000);
});

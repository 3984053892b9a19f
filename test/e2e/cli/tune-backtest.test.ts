// tune (3 trials, resumed from its study file), backtest (2 folds) and their reports.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, writeSeries } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'torch-lstm-cli-'));
const csv = path.join(dir, 'sales.csv');
const study = path.join(dir, 'study.json');

beforeAll(() => writeSeries(csv));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const finished = (file: string): number =>
  (JSON.parse(readFileSync(file, 'utf8')).trials as { state: string }[]).filter((t) => t.state === 'COMPLETE' || t.state === 'PRUNED').length;

describe('torch-lstm tune', () => {
  const base = ['tune', '--csv', csv, '--column', 'Sales', '--date-column', 'Date', '--epochs', '3', '--storage', study, '--max-look-back', '24', '--startup-trials', '2'];

  it('runs trials into a study file, then resumes it up to --trials and writes the dashboard', async () => {
    const first = await cli([...base, '--trials', '2', '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    expect(finished(study)).toBe(2);
    expect(first.stdout).toMatch(/2 trials \(\d complete, \d pruned, 0 failed; 2 run now/);
    expect(first.stdout).toMatch(/defaults \(trial 0, COMPLETE\)\s+\d\.\d+\s+64\s+0\.200\s+24\s+0\.00100/);

    const report = path.join(dir, 'tune.html');
    const best = path.join(dir, 'best');
    const second = await cli([...base, '--trials', '3', '--report', report, '--out', best]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`Resuming the study in ${study}: 2 finished trials of 3`);
    expect(second.stdout).toMatch(/^Trial 2 (COMPLETE|PRUNED)/m); // only the third trial ran
    expect(second.stdout).not.toMatch(/^Trial [01] /m);
    expect(second.stdout).toMatch(/3 trials \(.*; 1 run now/);
    expect(second.stdout).toContain('Best model, one-step-ahead on the held-out 60 values');
    expect(finished(study)).toBe(3);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain('<script');
    expect(existsSync(path.join(best, 'preprocessing.json'))).toBe(true);

    const again = await cli(['report', '--study', study, '--out', path.join(dir, 'study.html')]);
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(dir, 'study.html'), 'utf8')).toContain('<svg');

    // The saved best model serves predict like a trained one.
    const predicted = await cli(['evaluate', '--model', best, '--csv', csv, '--quiet']);
    expect(predicted.code).toBe(0);
    expect(predicted.stdout).toMatch(/LSTM\s+\d/);
  });
});

describe('torch-lstm backtest', () => {
  it('runs 2 expanding folds, prints the table and writes the result JSON and report; report re-renders it', async () => {
    const report = path.join(dir, 'backtest.html');
    const r = await cli([
      'backtest', '--csv', csv, '--column', 'Sales', '--date-column', 'Date', '--folds', '2', '--strategy', 'expanding',
      '--look-back', '12', '--units', '16,8', '--epochs', '3', '--report', report,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('fold 1/2');
    expect(r.stdout).toMatch(/^1\s+2000-01-01 \.\. 2020-12-01\s+2021-01-01 \.\. 2022-12-01/m);
    expect(r.stdout).toMatch(/^2\s+2000-01-01 \.\. 2022-12-01\s+2023-01-01 \.\. 2024-12-01/m);
    expect(r.stdout).toMatch(/^mean\s+\d/m);
    const json = path.join(dir, 'backtest.json');
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.result.folds).toHaveLength(2);
    expect(doc.series).toHaveLength(300);
    expect(typeof doc.result.aggregate.mase).toBe('number');
    expect(readFileSync(report, 'utf8')).toContain('<svg');

    const again = path.join(dir, 'backtest-again.html');
    const rendered = await cli(['report', '--backtest', json, '--out', again, '--title', 'Sales backtest']);
    expect(rendered.code).toBe(0);
    const html = readFileSync(again, 'utf8');
    expect(html).toContain('Sales backtest');
    expect(html).toContain('fold 2');
  });

  it('slides a fixed training window with --strategy sliding', async () => {
    const r = await cli([
      'backtest', '--csv', csv, '--column', 'Sales', '--folds', '2', '--strategy', 'sliding', '--train-size', '120', '--test-size', '12',
      '--look-back', '12', '--units', '8', '--epochs', '2', '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    // Without --date-column the missing month is not filled: 299 values, the first test window starts at 275.
    expect(r.stdout).toMatch(/^1\s+positions 155 \.\. 274\s+positions 275 \.\. 286/m);
    expect(r.stdout).toMatch(/^2\s+positions 167 \.\. 286\s+positions 287 \.\. 298/m);
  });
});

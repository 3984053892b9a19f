// The runnable examples as a user runs them (compiled, from dist/examples), shortened:
// the spam classifier on the real SpamAssassin corpus, the CO2 variants table, the attention hybrid.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const run = (file: string, args: string[], timeout: number): string =>
  execFileSync(process.execPath, [path.join(root, 'dist/examples', file), ...args], { cwd: root, encoding: 'utf8', timeout });

/** The numeric cells of the table row starting with `label` (names hold single spaces, columns at least two). */
function row(stdout: string, label: string): number[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${label}  `));
  expect(line, `a row starting with "${label}"`).toBeDefined();
  return line!.slice(label.length).trim().split(/\s+/).map(Number);
}

describe('examples', () => {
  it('spam-classifier: two epochs on 160-word emails already classify held-out mail', () => {
    const out = run('spam-classifier.js', ['--epochs', '2', '--max-len', '160'], 600_000);
    const m = /held-out: accuracy ([\d.]+)%, precision ([\d.]+)%, recall ([\d.]+)%, F1 ([\d.]+)%/.exec(out);
    expect(m, out).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(90);
    expect(Number(m![4])).toBeGreaterThan(80);
  });

  it('co2-variants: LSTM, BiLSTM and GRU rows with finite scores next to the baselines', () => {
    const out = run('co2-variants.js', ['--epochs', '3'], 300_000);
    for (const label of ['LSTM(64) -> LSTM(32)', 'BiLSTM(32, concat) -> LSTM(32)', 'GRU(64) -> GRU(32)']) {
      const [params, epochs, , mae, rmse] = row(out, label);
      expect(params).toBeGreaterThan(1000);
      expect(epochs).toBe(3);
      expect(Number.isFinite(mae) && Number.isFinite(rmse)).toBe(true);
    }
    expect(out).toContain('seasonal naive');
  });

  it('co2-attention: the functional LSTM + attention hybrid trains (48-month windows here, 120 by default)', () => {
    const out = run('co2-attention.js', ['--epochs', '2', '--look-back', '48'], 300_000);
    expect(out).toContain('Connected to');
    const [, epochs, , mae] = row(out, 'LSTM(64) + self-attention -> LSTM(32)');
    expect(epochs).toBe(2);
    expect(Number.isFinite(mae)).toBe(true);
  });
});

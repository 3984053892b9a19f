// Shared by the CLI end-to-end tests: runs `node bin/torch-lstm.js ...` and writes a small
// synthetic monthly series (trend + yearly season + noise, one missing month).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..', '..');
const bin = path.join(root, 'bin', 'torch-lstm.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; resolves with its exit code and output (never rejects on a non-zero exit). */
export function cli(args: readonly string[], cwd = root): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, ...args], { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        reject(err);
        return;
      }
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** `rows` monthly values from 2000-01, the month at `skip` left out (the reader fills it). */
export function writeSeries(file: string, rows = 300, skip = 40): void {
  let seed = 12345;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const lines = ['Date,Sales,Note'];
  for (let i = 0; i < rows; i++) {
    const value = 100 + 0.5 * i + 8 * Math.sin((2 * Math.PI * i) / 12) + 3 * Math.cos((2 * Math.PI * i) / 6) + noise();
    const date = new Date(Date.UTC(2000, i, 1)).toISOString().slice(0, 10);
    if (i !== skip) lines.push(`${date},${value.toFixed(3)},"row ${i}, synthetic"`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

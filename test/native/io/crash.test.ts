/**
 * Killing the process mid-save never leaves a loadable-but-wrong model: a child saves a
 * larger model version after version (fixtures/save-loop-child.ts) and is SIGKILLed at random
 * moments, 20 times. After each kill, loadModel gives exactly the last completed version or
 * the one in flight (every weight checked), or, when no save ever completed, a clear error.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, ModelFileError } from '../../../lib/index.js';
import { rng } from '../numerics/helpers.js';
import { markerValue } from './fixtures/marker.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const viteNode = path.resolve(here, '../../../node_modules/vite-node/vite-node.mjs');
const child = path.join(here, 'fixtures/save-loop-child.ts');
const root = mkdtempSync(path.join(os.tmpdir(), 'crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the child from version `first`, kills it `delayMs` after it is ready; the versions it started and saved. */
function runAndKill(dir: string, first: number, delayMs: number): Promise<{ started: number[]; saved: number[]; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [viteNode, child, dir, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const started: number[] = [];
    const saved: number[] = [];
    let stderr = '';
    let buffer = '';
    proc.stderr.on('data', (d) => (stderr += String(d)));
    proc.stdout.on('data', (d) => {
      buffer += String(d);
      let nl;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'ready') setTimeout(() => proc.kill('SIGKILL'), delayMs);
        const [what, v] = line.split(' ');
        if (what === 'started') started.push(Number(v));
        if (what === 'saved') saved.push(Number(v));
      }
    });
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => resolve({ started, saved, signal, stderr }));
  });
}

describe('a save killed at a random moment', () => {
  it('never leaves a loadable-but-wrong model (20 SIGKILLs)', async () => {
    const seed = Date.now() % 100000;
    const random = rng(seed);
    const dir = path.join(root, 'm');
    let lastSaved: number | undefined;
    const outcomes: string[] = [];
    for (let k = 0; k < 20; k++) {
      // The first kill lands at once (likely before any save completes); then anywhere in ~10 saves.
      const delay = k === 0 ? 0 : Math.floor(random() * 300);
      const run = await runAndKill(dir, k * 1000 + 1, delay);
      const context = `seed ${seed}, kill ${k} after ${delay} ms, started ${run.started.length}, saved ${run.saved.length}\n${run.stderr}`;
      expect(run.signal, context).toBe('SIGKILL');
      if (run.saved.length > 0) lastSaved = run.saved.at(-1);
      const inFlight = run.started.filter((v) => !run.saved.includes(v));
      let model;
      try {
        model = await loadModel(dir);
      } catch (err) {
        // Only acceptable when no save ever completed, and then as a clear error.
        expect(lastSaved, `${context}\nload failed after a completed save: ${String(err)}`).toBeUndefined();
        expect(err, context).toBeInstanceOf(ModelFileError);
        outcomes.push('none');
        continue;
      }
      const weights = model.getWeights();
      const v = weights[0]!.data[0]!;
      expect([...(lastSaved === undefined ? [] : [lastSaved]), ...inFlight], context).toContain(v);
      weights.forEach((w, i) => {
        for (let j = 0; j < w.data.length; j++) {
          if (w.data[j] !== markerValue(v, i, j)) expect.fail(`${context}\nversion ${v}: weight ${i}[${j}] is ${w.data[j]}, not ${markerValue(v, i, j)}`);
        }
      });
      outcomes.push(v === lastSaved ? 'last' : 'in-flight');
      lastSaved = v; // a loadable in-flight version is now the newest complete one
      model.dispose();
    }
    expect(outcomes.filter((o) => o !== 'none').length).toBeGreaterThan(10);

    // The next save cleans whatever killed saves left next to the directory.
    const model = await loadModel(dir);
    await model.save(dir);
    expect(readdirSync(root)).toEqual(['m']);
    model.dispose();
  }, 240_000);
});

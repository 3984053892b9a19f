/**
 * What the save/load tests share: a scratch directory removed after the file's tests, a
 * loadModel that must fail with a ModelFileError, and broken copies of a good save.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { loadModel, ModelFileError } from '../../../lib/index.js';

/** A fresh temporary directory (removed after the file's tests) and fresh paths inside it. */
export function scratchDir(prefix: string): { root: string; fresh: (name: string) => string } {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let counter = 0;
  return { root, fresh: (name) => path.join(root, `${name}-${counter++}`) };
}

/** The ModelFileError of loading `dir` (the test fails when it loads). */
export async function loadError(dir: string): Promise<ModelFileError> {
  const err = await loadModel(dir).then((m) => m.dispose(), (e: unknown) => e);
  expect(err).toBeInstanceOf(ModelFileError);
  return err as ModelFileError;
}

/** Copies the saved model `good` to `dir`, then breaks the copy with `edit`. */
export function brokenCopy(good: string, dir: string, edit: (dir: string) => void): string {
  cpSync(good, dir, { recursive: true });
  edit(dir);
  return dir;
}

/** Rewrites the `model.json` of `dir` after `edit`. */
export function editModelJson(dir: string, edit: (json: Record<string, unknown>) => void): void {
  const file = path.join(dir, 'model.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
}

/**
 * Atomic writes: a directory is swapped in whole, a user's directory is never replaced,
 * leftovers of dead processes are cleaned, and the moved-aside version is found for recovery.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverableOld, writeDirAtomic, writeFileAtomic } from '../../../lib/io/atomic.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const text = (s: string) => [Buffer.from(s)];
const files = (tag: string) => [{ name: 'a.bin', chunks: text(`a${tag}`) }, { name: 'model.json', chunks: text(`{"v":"${tag}"}`) }];
const opts = { overwrite: true, replaceable: ['a.bin', 'model.json'] };
/** A pid no process has (above Linux's pid_max). */
const DEAD = 2 ** 22 + 12345;

function fresh(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  return path.join(dir, 'm');
}

describe('writeDirAtomic', () => {
  it('writes every file, replaces an earlier save whole, and leaves nothing next to it', async () => {
    const target = fresh('basic');
    await writeDirAtomic(target, files('1'), opts);
    await writeDirAtomic(target, [{ name: 'model.json', chunks: text('{"v":"2"}') }], opts);
    expect(readdirSync(target)).toEqual(['model.json']);
    expect(readFileSync(path.join(target, 'model.json'), 'utf8')).toBe('{"v":"2"}');
    expect(readdirSync(path.dirname(target))).toEqual(['m']);
  });

  it('creates missing parent directories', async () => {
    const target = path.join(fresh('parents'), 'a', 'b');
    await writeDirAtomic(target, files('1'), opts);
    expect(readdirSync(target).sort()).toEqual(['a.bin', 'model.json']);
  });

  it('refuses to overwrite when told not to, and never replaces a directory holding other files, or a file', async () => {
    const target = fresh('refuse');
    await writeDirAtomic(target, files('1'), opts);
    await expect(writeDirAtomic(target, files('2'), { ...opts, overwrite: false })).rejects.toMatchObject({ code: 'EEXIST' });
    writeFileSync(path.join(target, 'notes.txt'), 'mine');
    await expect(writeDirAtomic(target, files('2'), opts)).rejects.toThrow(/Refusing to replace .*: it holds "notes.txt", which a saved model does not/);
    expect(readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('mine');
    const file = path.join(path.dirname(target), 'plain');
    writeFileSync(file, 'x');
    await expect(writeDirAtomic(file, files('2'), opts)).rejects.toThrow(/it is a file, not a saved model directory/);
    expect(readdirSync(path.dirname(target)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('removes temp and old leftovers of dead processes, keeps those of live ones', async () => {
    const target = fresh('leftovers');
    const parent = path.dirname(target);
    for (const name of [`.m.tmp-${DEAD}-aa`, `.m.old-${DEAD}-bb`, '.m.tmp-1-cc', `.other.tmp-${DEAD}-dd`]) mkdirSync(path.join(parent, name));
    await writeDirAtomic(target, files('1'), opts);
    expect(readdirSync(parent).sort()).toEqual(['.m.tmp-1-cc', `.other.tmp-${DEAD}-dd`, 'm']);
  });

  it('serializes concurrent saves of one target: the result is one complete save', async () => {
    const target = fresh('concurrent');
    await Promise.all(['1', '2', '3', '4'].map((tag) => writeDirAtomic(target, files(tag), opts)));
    const v = JSON.parse(readFileSync(path.join(target, 'model.json'), 'utf8')).v;
    expect(readFileSync(path.join(target, 'a.bin'), 'utf8')).toBe(`a${v}`);
    expect(readdirSync(path.dirname(target))).toEqual(['m']);
  });
});

describe('recoverableOld', () => {
  it('finds the version a killed save moved aside, the newest when several', async () => {
    const target = fresh('recover');
    expect(await recoverableOld(target)).toBeUndefined();
    const first = path.join(path.dirname(target), `.m.old-${DEAD}-01`);
    mkdirSync(first);
    await new Promise((r) => setTimeout(r, 20));
    const second = path.join(path.dirname(target), `.m.old-${DEAD}-02`);
    mkdirSync(second);
    expect(await recoverableOld(target)).toBe(second);
  });
});

describe('writeFileAtomic', () => {
  it('writes, replaces, refuses without overwrite, cleans dead temp files', async () => {
    const file = path.join(path.dirname(fresh('file')), 'w.bin');
    writeFileSync(path.join(path.dirname(file), `.w.bin.tmp-${DEAD}-ab`), 'partial');
    await writeFileAtomic(file, text('one'), { overwrite: true });
    await writeFileAtomic(file, [Buffer.from('tw'), Buffer.from('o')], { overwrite: true });
    expect(readFileSync(file, 'utf8')).toBe('two');
    await expect(writeFileAtomic(file, text('three'), { overwrite: false })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readdirSync(path.dirname(file))).toEqual(['w.bin']);
    await expect(writeFileAtomic(path.dirname(file), text('x'), { overwrite: true })).rejects.toMatchObject({ code: 'EISDIR' });
    expect(existsSync(path.dirname(file))).toBe(true);
  });
});

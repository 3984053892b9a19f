/**
 * Atomic, durable writes of a file or a whole directory.
 *
 * Everything is written into a sibling temp entry (`.<name>.tmp-<pid>-<random>`) and fsync'ed;
 * then a file is renamed over the target, and a directory is swapped in: the old one is
 * renamed aside (`.<name>.old-<pid>-<random>`), the temp one renamed to the target, the old one
 * removed. At no instant is the target a partial write: it is the old complete version, the
 * new complete one, or (between the two renames of a directory swap) absent, with the old
 * complete version under its `.old-` name, which {@link recoverableOld} finds.
 *
 * Leftovers of a process killed mid-save (temp or old entries whose process is gone) are
 * removed by the next save of the same target.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from './errors.js';

/** One file of a directory to write: its name in the directory and its bytes, in chunks. */
export interface FileToWrite {
  name: string;
  chunks: readonly Uint8Array[];
}

/** Saves of one target run one after the other in this process. */
const locks = new Map<string, Promise<unknown>>();

async function withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = locks.get(key) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.catch(() => undefined);
  locks.set(key, settled);
  try {
    return await run;
  } finally {
    if (locks.get(key) === settled) locks.delete(key);
  }
}

/** `.<base>.<kind>-<pid>-<random>` next to `target`. */
function siblingPath(target: string, kind: 'tmp' | 'old'): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${kind}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Sibling entries of `target` of the given kinds, with the pid that made them. */
async function siblings(target: string, kinds: readonly ('tmp' | 'old')[]): Promise<{ path: string; pid: number }[]> {
  const dir = path.dirname(target);
  const pattern = new RegExp(`^\\.${escapeRegExp(path.basename(target))}\\.(${kinds.join('|')})-(\\d+)-[0-9a-f]+$`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const m = pattern.exec(name);
    return m ? [{ path: path.join(dir, name), pid: Number(m[2]) }] : [];
  });
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false; // ours: saves of one target are serialized, so none is in flight
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

/** Removes temp/old siblings of `target` left by processes that are gone (or by earlier saves of ours). */
async function removeLeftovers(target: string, kinds: readonly ('tmp' | 'old')[]): Promise<void> {
  for (const entry of await siblings(target, kinds)) {
    if (!processAlive(entry.pid)) await rm(entry.path, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The complete previous version of a directory target that a save left under its `.old-` name
 * when it was killed between its two renames (the target is then absent); `undefined` if none.
 */
export async function recoverableOld(target: string): Promise<string | undefined> {
  let best: { path: string; time: number } | undefined;
  for (const entry of await siblings(target, ['old'])) {
    const st = await stat(entry.path).catch(() => undefined);
    if (st?.isDirectory() && (!best || st.ctimeMs > best.time)) best = { path: entry.path, time: st.ctimeMs };
  }
  return best?.path;
}

/** Writes a new file (failing if it exists) and fsyncs it. */
async function writeDurably(file: string, chunks: readonly Uint8Array[]): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.length) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a directory so renames in it are durable (a no-op where directories cannot be opened). */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows and some file systems do not fsync directories.
  } finally {
    await handle?.close();
  }
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    (err) => {
      if (errnoCode(err) === 'ENOENT') return false;
      throw err;
    },
  );
}

function existsError(target: string): Error {
  return Object.assign(new Error(`${target} already exists; pass overwrite: true to replace it`), { code: 'EEXIST', path: target });
}

/**
 * Writes `chunks` to `file` atomically: a temp file in the same directory, fsync'ed, then
 * renamed over `file`. The parent directory is created when missing.
 *
 * @example
 * await writeFileAtomic('ckpt/best.weights.safetensors', encodeSafetensors(tensors), { overwrite: true });
 * @throws (as a rejection) `EEXIST` when `file` exists and `overwrite` is false; the file system's errors.
 */
export async function writeFileAtomic(file: string, chunks: readonly Uint8Array[], opts: { overwrite: boolean }): Promise<void> {
  const target = path.resolve(file);
  await withLock(target, async () => {
    await mkdir(path.dirname(target), { recursive: true });
    await removeLeftovers(target, ['tmp']);
    if (!opts.overwrite && (await exists(target))) throw existsError(file);
    if ((await stat(target).catch(() => undefined))?.isDirectory()) throw Object.assign(new Error(`${file} is a directory`), { code: 'EISDIR' });
    const tmp = siblingPath(target, 'tmp');
    try {
      await writeDurably(tmp, chunks);
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    await syncDir(path.dirname(target));
  });
}

/**
 * Replaces the directory `dir` by one holding exactly `files`, atomically (see the module
 * comment). An existing `dir` is replaced only when every entry in it is one of
 * `replaceable` (the files a save writes), so a directory of the user's is never deleted.
 *
 * @example
 * await writeDirAtomic('models/co2', [{ name: 'model.json', chunks: [json] }], { overwrite: true, replaceable: ['model.json'] });
 * @throws (as a rejection) `EEXIST` when `dir` exists and `overwrite` is false, or it holds other entries.
 */
export async function writeDirAtomic(
  dir: string,
  files: readonly FileToWrite[],
  opts: { overwrite: boolean; replaceable: readonly string[] },
): Promise<void> {
  const target = path.resolve(dir);
  await withLock(target, async () => {
    await mkdir(path.dirname(target), { recursive: true });
    await removeLeftovers(target, ['tmp']);
    await checkReplaceable(dir, target, opts);
    const tmp = siblingPath(target, 'tmp');
    await mkdir(tmp);
    try {
      for (const f of files) await writeDurably(path.join(tmp, f.name), f.chunks);
      await syncDir(tmp);
      await swapIn(tmp, target);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    await syncDir(path.dirname(target));
    // The new version is in place: old versions (ours, or left by a killed save) can go.
    await removeLeftovers(target, ['tmp', 'old']);
  });
}

async function checkReplaceable(dir: string, target: string, opts: { overwrite: boolean; replaceable: readonly string[] }): Promise<void> {
  const st = await lstat(target).catch((err) => {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  });
  if (!st) return;
  if (!opts.overwrite) throw existsError(dir);
  if (!st.isDirectory()) {
    throw Object.assign(new Error(`Refusing to replace ${dir}: it is a file, not a saved model directory`), { code: 'EEXIST', path: dir });
  }
  const foreign = (await readdir(target)).filter((name) => !opts.replaceable.includes(name));
  if (foreign.length > 0) {
    throw Object.assign(
      new Error(`Refusing to replace ${dir}: it holds ${foreign.slice(0, 3).map((n) => JSON.stringify(n)).join(', ')}${foreign.length > 3 ? ', ...' : ''}, which a saved model does not; choose another directory or empty it`),
      { code: 'EEXIST', path: dir },
    );
  }
}

/** Renames the complete `tmp` to `target`, moving an existing `target` aside first. */
async function swapIn(tmp: string, target: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let old: string | undefined;
    if (await exists(target)) {
      old = siblingPath(target, 'old');
      try {
        await rename(target, old);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err; // another process moved it first
        old = undefined;
      }
    }
    try {
      await rename(tmp, target);
      if (old) await rm(old, { recursive: true, force: true }).catch(() => undefined);
      return;
    } catch (err) {
      const code = errnoCode(err);
      // Another process put a target in place between our two renames: move it aside too.
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && attempt < 5) continue;
      if (old && !(await exists(target))) await rename(old, target).catch(() => undefined);
      throw err;
    }
  }
}

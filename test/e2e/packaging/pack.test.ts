// The package as a user gets it: `npm pack` with a prebuilt addon, installed into an empty project
// with install scripts disabled, then imported, trained and used to predict with no compiler in reach.
//
// Which prebuild is packed: the real one from `npm run prebuild` when prebuilds/ holds it; else the
// checkout's source build (build/Release/torch_lstm.node, which `npm test` builds first) turned into
// one by `scripts/prebuild.mjs --from`, in a staged copy of the package (the checkout's prebuilds/ is
// never written). That is the same kind of binary: prebuildify runs the same CMakeLists.txt through
// `cmake-js rebuild` (scripts/prebuild-shim.mjs) and only renames its output (no strip); the bytes
// differ only by build paths. A real prebuildify run is a full rebuild (~10 min on a busy 2-core
// box), so it is left to `npm run prebuild`; this test takes ~20-60 s (mostly `npm install`).
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; files: string[] };
const platformDir = `${process.platform}-${process.arch}`;
const prebuildName = `${pkg.name}.glibc.node`;
const work = mkdtempSync(path.join(tmpdir(), 'torch-lstm-pack-'));
const stage = path.join(work, 'stage');
const app = path.join(work, 'app');
const installed = path.join(app, 'node_modules', pkg.name);
const timings: Record<string, number> = {};

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[label] = Math.round(performance.now() - start);
  }
}

interface Ran { status: number | null; stdout: string; stderr: string }

/** Runs a command without blocking the worker (vitest's RPC times out under a long spawnSync). */
function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, timeout: opts.timeout ?? 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function mustRun(cmd: string, args: string[], opts: { cwd: string; timeout?: number }): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** Runs node in `cwd` with nothing on PATH: no compiler, CMake, npm or shell can be reached. */
function nodeNoPath(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  const bare = path.join(work, 'empty-path');
  mkdirSync(bare, { recursive: true });
  return run(process.execPath, args, { cwd, env: { HOME: process.env.HOME ?? work, PATH: bare, OMP_WAIT_POLICY: 'PASSIVE', ...env } });
}

const TRAIN_AND_PREDICT = `
import { readFileSync } from 'node:fs';
const { sequential, layers, versions } = await import('torch-lstm');
const x = [], y = [];
for (let i = 0; i < 32; i++) {
  const w = Array.from({ length: 6 }, (_, t) => [Math.sin((i + t) / 4)]);
  x.push(w); y.push([Math.sin((i + 6) / 4)]);
}
const model = sequential([layers.lstm({ units: 8, inputShape: [6, 1] }), layers.dense({ units: 1 })]);
model.compile({ optimizer: 'adam', loss: 'mse' });
const history = await model.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, seed: 1 });
const pred = await model.predict(x);
const addons = readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.split(/\\s+/)[5]).filter((p) => p && p.endsWith('.node'));
console.log(JSON.stringify({ loss: history.history.loss, shape: pred.shape, values: Array.from(pred.data), addons: [...new Set(addons)], versions: versions() }));
`;

beforeAll(async () => {
  // Stage what `files` ships (+ package.json); node_modules only as a link, for prebuild.mjs's imports.
  mkdirSync(stage);
  copyFileSync(path.join(root, 'package.json'), path.join(stage, 'package.json'));
  for (const entry of pkg.files) {
    const from = path.join(root, entry);
    if (existsSync(from)) cpSync(from, path.join(stage, entry), { recursive: true });
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'));
  if (!existsSync(path.join(stage, 'prebuilds', platformDir, prebuildName))) {
    const built = path.join(root, 'build', 'Release', 'torch_lstm.node');
    if (!existsSync(built)) throw new Error(`neither prebuilds/${platformDir}/${prebuildName} nor ${built}: run \`npm run build\` first`);
    await timed('prebuild --from', () => mustRun(process.execPath, [path.join(stage, 'scripts', 'prebuild.mjs'), '--from', built], { cwd: stage }));
  }
  const packed = JSON.parse(await timed('npm pack', () => mustRun('npm', ['pack', '--json', '--pack-destination', work], { cwd: stage }))) as {
    filename: string;
    files: { path: string }[];
  }[];
  const tarball = path.join(work, packed[0]!.filename);
  writeFileSync(path.join(work, 'files.json'), JSON.stringify(packed[0]!.files.map((f) => f.path)));

  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'pack-test-app', version: '1.0.0', private: true, type: 'module' }));
  const install = (mode: string) => run('npm', ['install', '--ignore-scripts', mode, '--no-audit', '--no-fund', tarball], { cwd: app, timeout: 180_000 });
  await timed('npm install', async () => {
    let r = await install('--offline');
    if (r.status !== 0) r = await install('--prefer-offline'); // a dependency missing from the npm cache
    if (r.status !== 0) throw new Error(`npm install of the tarball failed:\n${r.stderr}`);
  });
}, 300_000);

afterAll(() => {
  console.log(`packaging timings (ms): ${JSON.stringify(timings)}`);
  rmSync(work, { recursive: true, force: true });
});

describe('npm pack + install --ignore-scripts: the prebuilt addon', () => {
  it('ships the prebuild with its LibTorch record, the sources for a source build, and no dev files', () => {
    const files = JSON.parse(readFileSync(path.join(work, 'files.json'), 'utf8')) as string[];
    for (const f of [
      `prebuilds/${platformDir}/${prebuildName}`,
      `prebuilds/${platformDir}/${pkg.name}.glibc.libtorch.json`,
      'dist/index.js',
      'dist/native.js',
      'scripts/install.mjs',
      'scripts/build.mjs',
      'scripts/find-libtorch.mjs',
      'CMakeLists.txt',
      'binding.gyp',
      'README.md',
      'package.json',
    ]) {
      expect(files, f).toContain(f);
    }
    for (const dir of ['native/core/', 'native/addon/', 'data/', 'bin/']) {
      expect(files.some((f) => f.startsWith(dir)), dir).toBe(true);
    }
    if (existsSync(path.join(root, 'proto'))) expect(files.some((f) => f.startsWith('proto/'))).toBe(true);
    expect(files.filter((f) => /^(lib|test|build|build-[a-z]+|node_modules|examples|bench)\//.test(f))).toEqual([]);
    const meta = JSON.parse(readFileSync(path.join(installed, 'prebuilds', platformDir, `${pkg.name}.glibc.libtorch.json`), 'utf8'));
    expect(meta).toMatchObject({ file: prebuildName, napi: 8, platform: process.platform, arch: process.arch, libc: 'glibc' });
    expect(meta.libtorch.version).toMatch(/^\d+\.\d+/);
    expect(meta.summary).toContain('built against LibTorch');
  });

  it('imports from the prebuild, trains and predicts, with no compiler reachable and no build/', async () => {
    const r = await timed('import + train + predict', () => nodeNoPath(['--input-type=module', '-e', TRAIN_AND_PREDICT], app));
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      loss: number[]; shape: number[]; values: number[]; addons: string[]; versions: { torch: string };
    };
    expect(out.loss).toHaveLength(5);
    expect(out.loss.every(Number.isFinite)).toBe(true);
    expect(out.loss[4]).toBeLessThan(out.loss[0]!);
    expect(out.shape).toEqual([32, 1]);
    expect(out.values.every(Number.isFinite)).toBe(true);
    expect(out.addons).toEqual([path.join(installed, 'prebuilds', platformDir, prebuildName)]);
    expect(existsSync(path.join(installed, 'build'))).toBe(false);
  });

  it('install script: a prebuild that loads means nothing to build', async () => {
    const r = await timed('install.mjs (prebuild ok)', () => nodeNoPath([path.join(installed, 'scripts', 'install.mjs')], installed));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`using the prebuilt addon prebuilds/${platformDir}/${prebuildName}`);
    expect(existsSync(path.join(installed, 'build'))).toBe(false);
  });

  it('a prebuild that cannot load: ERR_NATIVE_LOAD names each candidate; the install script still exits 0', async () => {
    const file = path.join(installed, 'prebuilds', platformDir, prebuildName);
    const good = readFileSync(file);
    writeFileSync(file, 'not an ELF file');
    try {
      const code = `import('torch-lstm').then(async (m) => { await m.versions(); }).catch((e) => { console.log(JSON.stringify({ code: e.code, message: e.message })); });`;
      const r = await nodeNoPath(['--input-type=module', '-e', code], app);
      const err = JSON.parse(r.stdout.trim()) as { code: string; message: string };
      expect(err.code).toBe('ERR_NATIVE_LOAD');
      const lines = err.message.split('\n');
      expect(lines.find((l) => l.startsWith(`  - prebuild prebuilds/${platformDir}/${prebuildName}: `))).toMatch(/ELF|too short|invalid/i);
      expect(lines).toContain('  - source build build/Release/torch_lstm.node: not built');
      expect(err.message).toContain('the prebuild was built against LibTorch');
      expect(err.message).toContain(`${path.join(installed, 'scripts', 'install.mjs')} --build`);

      // Source build impossible (a LIBTORCH that is set but wrong): the install must not fail.
      const inst = await nodeNoPath([path.join(installed, 'scripts', 'install.mjs')], installed, { LIBTORCH: path.join(work, 'no-libtorch') });
      expect(inst.status, inst.stderr).toBe(0);
      expect(inst.stderr).toContain('does not load here');
      expect(inst.stderr).toContain('install.mjs --build');
      expect(existsSync(path.join(installed, 'build', 'Release', 'torch_lstm.node'))).toBe(false);
    } finally {
      writeFileSync(file, good);
    }
  });

  it("the repository's own install (npm ci runs the install script) skips at once", async () => {
    const r = await timed('install.mjs (dev checkout)', () => run(process.execPath, [path.join(root, 'scripts', 'install.mjs')], { cwd: root, timeout: 30_000 }));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('development checkout: nothing to do');
  });
});

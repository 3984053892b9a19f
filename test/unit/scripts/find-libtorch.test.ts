// scripts/find-libtorch.mjs: which LibTorch wins and what it reports, on fake LibTorch trees.
// The --gyp path runs CMake and is not exercised here.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../../scripts/find-libtorch.mjs', import.meta.url));

interface Found {
  torchDir: string;
  root: string;
  source: string;
  version: string | null;
  cuda: boolean;
}

interface Discovery {
  findLibTorch(options?: {
    env?: Record<string, string | undefined>;
    python?: string | null;
    systemDirs?: string[];
  }): Promise<Found>;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'torch-lstm-find-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fake LibTorch root: share/cmake/Torch with TorchConfig(Version).cmake, optional CUDA lib and version.h. */
function fakeLibTorch(
  name: string,
  { version, cuda = false, header }: { version?: string; cuda?: boolean; header?: string } = {},
): string {
  const root = path.join(tmp, name);
  const cmakeDir = path.join(root, 'share', 'cmake', 'Torch');
  mkdirSync(cmakeDir, { recursive: true });
  mkdirSync(path.join(root, 'lib'), { recursive: true });
  mkdirSync(path.join(root, 'include', 'torch'), { recursive: true });
  writeFileSync(path.join(cmakeDir, 'TorchConfig.cmake'), '# fake\n');
  if (version) writeFileSync(path.join(cmakeDir, 'TorchConfigVersion.cmake'), `set(PACKAGE_VERSION "${version}")\n`);
  if (cuda) writeFileSync(path.join(root, 'lib', 'libtorch_cuda.so'), '');
  if (header) {
    const dir = path.join(root, 'include', 'torch', 'csrc', 'api', 'include', 'torch');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'version.h'), header);
  }
  return root;
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with only the given discovery variables set (the others removed from the env). */
function cli(vars: Record<string, string>, args: string[] = []): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['LIBTORCH', 'Torch_DIR', 'TORCH_LSTM_PYTHON']) delete env[name];
  Object.assign(env, vars);
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('find-libtorch CLI', () => {
  it('uses LIBTORCH over everything else and reports its version', async () => {
    const root = fakeLibTorch('libtorch-env', { version: '2.3.1' });
    const { code, stdout, stderr } = await cli({ LIBTORCH: root });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      torchDir: path.join(root, 'share', 'cmake', 'Torch'),
      root,
      source: 'env LIBTORCH',
      version: '2.3.1',
      cuda: false,
    });
    expect(stderr).toContain(`torch-lstm: using LibTorch 2.3.1 from env LIBTORCH (${root}`);
  });

  it('uses Torch_DIR when LIBTORCH is not set', async () => {
    const root = fakeLibTorch('libtorch-dir', { version: '2.5.0' });
    const torchDir = path.join(root, 'share', 'cmake', 'Torch');
    const { code, stdout } = await cli({ Torch_DIR: torchDir });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ torchDir, root, source: 'env Torch_DIR', version: '2.5.0' });
  });

  it('prefers LIBTORCH when both are set', async () => {
    const a = fakeLibTorch('both-a', { version: '2.1.0' });
    const b = fakeLibTorch('both-b', { version: '2.2.0' });
    const { stdout } = await cli({ LIBTORCH: a, Torch_DIR: path.join(b, 'share', 'cmake', 'Torch') });
    expect(JSON.parse(stdout)).toMatchObject({ root: a, source: 'env LIBTORCH', version: '2.1.0' });
  });

  it('reads the version from version.h without TorchConfigVersion.cmake, and sees a CUDA build', async () => {
    const header = '#define TORCH_VERSION_MAJOR 2\n#define TORCH_VERSION_MINOR 4\n#define TORCH_VERSION_PATCH 1\n';
    const root = fakeLibTorch('libtorch-cuda', { cuda: true, header });
    const { stdout, stderr } = await cli({ LIBTORCH: root });
    expect(JSON.parse(stdout)).toMatchObject({ version: '2.4.1', cuda: true });
    expect(stderr).toContain('LibTorch 2.4.1 (CUDA) from env LIBTORCH');
  });

  it('--torch-dir prints only the CMake dir on stdout', async () => {
    const root = fakeLibTorch('libtorch-dir-only', { version: '2.0.0' });
    const { code, stdout } = await cli({ LIBTORCH: root }, ['--torch-dir']);
    expect(code).toBe(0);
    expect(stdout).toBe(`${path.join(root, 'share', 'cmake', 'Torch')}\n`);
  });

  it('a LIBTORCH that does not exist is an error naming the variable and the path', async () => {
    const missing = path.join(tmp, 'no-such-libtorch');
    const { code, stdout, stderr } = await cli({ LIBTORCH: missing });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`LIBTORCH is set to "${missing}"`);
    expect(stderr).toContain('does not exist');
  });

  it('a LIBTORCH without share/cmake/Torch is an error, not a silent fall-through', async () => {
    const empty = path.join(tmp, 'empty-dir');
    mkdirSync(empty, { recursive: true });
    const { code, stderr } = await cli({ LIBTORCH: empty });
    expect(code).toBe(1);
    expect(stderr).toContain(path.join(empty, 'share', 'cmake', 'Torch', 'TorchConfig.cmake'));
  });

  it('a Torch_DIR without TorchConfig.cmake is an error naming Torch_DIR', async () => {
    const missing = path.join(tmp, 'no-such-cmake-dir');
    const { code, stderr } = await cli({ Torch_DIR: missing });
    expect(code).toBe(1);
    expect(stderr).toContain(`Torch_DIR is set to "${missing}"`);
  });

  it('rejects unknown arguments and a --gyp without a valid key (exit 2)', async () => {
    expect((await cli({}, ['--nope'])).code).toBe(2);
    const { code, stderr } = await cli({}, ['--gyp', 'sources']);
    expect(code).toBe(2);
    expect(stderr).toContain('include_dirs, defines, libraries, ldflags, cflags');
  });
});

describe('findLibTorch()', () => {
  const load = async (): Promise<Discovery> => (await import(pathToFileURL(SCRIPT).href)) as Discovery;

  it('falls back to the system dirs when nothing else is set', async () => {
    const root = fakeLibTorch('system', { version: '1.13.0' });
    const torchDir = path.join(root, 'share', 'cmake', 'Torch');
    const { findLibTorch } = await load();
    await expect(findLibTorch({ env: {}, python: null, systemDirs: [torchDir] })).resolves.toMatchObject({
      torchDir,
      source: 'system',
      version: '1.13.0',
    });
  });

  it('says what to do when nothing is found', async () => {
    const { findLibTorch } = await load();
    const error = await findLibTorch({ env: {}, python: null, systemDirs: [path.join(tmp, 'none')] }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ERR_LIBTORCH_NOT_FOUND' });
    const message = (error as Error).message;
    for (const hint of ['LIBTORCH=', 'pip install torch', 'npm run setup']) expect(message).toContain(hint);
  });
});

#!/usr/bin/env node
// The package's `install` script (npm runs it after installing torch-lstm; `npm rebuild torch-lstm`
// runs it again). Never fails the install: whatever happens it exits 0, and the first import then
// explains itself (ERR_NATIVE_LOAD lists what was tried).
//
//   1. A development checkout (a .git or lib/native.ts: the repository's own `npm ci`): do nothing.
//      `npm test`, `npm run demo` and `npm run build` build the addon (build.mjs --if-needed).
//   2. The prebuild for this platform (prebuilds/<platform>-<arch>/torch-lstm.<libc>.node) loads in
//      a child process (a broken one cannot crash the install): do nothing, no compiler needed.
//   3. Otherwise build from source into build/Release with cmake-js and CMakeLists.txt, against the
//      LibTorch that scripts/find-libtorch.mjs finds (LIBTORCH, Torch_DIR, pip torch, system); when
//      none is found, `scripts/setup.mjs` installs Debian's libtorch-dev (as root or through sudo).
//      If that is impossible, print what to do and exit 0.
// --build (or TORCH_LSTM_BUILD_FROM_SOURCE=1): build from source even when the prebuild loads
// (e.g. to use another LibTorch). TORCH_LSTM_SKIP_BUILD=1: never build (only report).
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeLibTorch, findLibTorch } from './find-libtorch.mjs';
import { prebuildPaths, probeAddon, root } from './prebuild.mjs';

const log = (line) => process.stdout.write(`torch-lstm: ${line}\n`);
const warn = (line) => process.stderr.write(`torch-lstm: ${line}\n`);

const WHAT_TO_DO = [
  'torch-lstm is installed, but its native addon is not usable yet. To build it from source:',
  '  - have a C++17 compiler and CMake >= 3.18 (Debian/Ubuntu: apt-get install build-essential cmake);',
  '  - have LibTorch: set LIBTORCH to an unpacked LibTorch (cxx11 ABI, pytorch.org), or `pip install torch`,',
  '    or on Debian/Ubuntu `apt-get install libtorch-dev libopenblas0-pthread`;',
  `  - then run: node ${path.join(root, 'scripts', 'install.mjs')} --build`,
].join('\n');

/** The repository itself (its own `npm ci`), not an installed copy of the package. */
export function isDevCheckout(dir = root) {
  return existsSync(path.join(dir, '.git')) || existsSync(path.join(dir, 'lib', 'native.ts'));
}

function sourceBuild() {
  let cmakeJs;
  try {
    // Resolved the Node way: in an installed package cmake-js is usually hoisted next to us.
    cmakeJs = path.join(path.dirname(createRequire(path.join(root, 'package.json')).resolve('cmake-js/package.json')), 'bin', 'cmake-js');
  } catch {
    return 'cmake-js is not installed (it is a dependency of torch-lstm: was the install partial?)';
  }
  const r = spawnSync(process.execPath, [cmakeJs, 'build', '--out', 'build', '--target', 'torch_lstm'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2' },
  });
  if (r.error) return `cmake-js could not start: ${r.error.message}`;
  if (r.status !== 0) return `cmake-js build failed (exit ${r.status ?? r.signal}); is CMake >= 3.18 and a C++ compiler installed?`;
  const built = path.join(root, 'build', 'Release', 'torch_lstm.node');
  const probe = probeAddon(built);
  return probe.ok ? null : `the source build does not load: ${probe.reason}`;
}

async function findOrSetupLibTorch() {
  try {
    return await findLibTorch();
  } catch (err) {
    // A LIBTORCH/Torch_DIR that is set but wrong is the user's to fix; only "none at all" runs setup.
    if (err.code !== 'ERR_LIBTORCH_NOT_FOUND') throw err;
    // setup.mjs uses apt-get as root or through sudo: never let an install hang on a password prompt.
    const asRoot = process.getuid?.() === 0;
    if (!asRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status !== 0) throw err;
    log('no LibTorch found; trying scripts/setup.mjs (Debian/Ubuntu: apt-get install libtorch-dev)');
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'setup.mjs')], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw err;
    return findLibTorch();
  }
}

export async function main(argv = process.argv.slice(2), env = process.env) {
  const force = argv.includes('--build') || env.TORCH_LSTM_BUILD_FROM_SOURCE === '1';
  if (isDevCheckout() && !force) {
    log('development checkout: nothing to do at install (`npm run build` or `npm test` build the addon)');
    return 0;
  }
  const { file } = prebuildPaths();
  const rel = path.relative(root, file);
  if (!force) {
    if (existsSync(file)) {
      const probe = probeAddon(file);
      if (probe.ok) {
        log(`using the prebuilt addon ${rel} (LibTorch ${probe.versions.torch}); nothing to build`);
        return 0;
      }
      warn(`the prebuilt addon ${rel} does not load here: ${probe.reason}`);
    } else {
      log(`no prebuilt addon for ${process.platform}-${process.arch} (${rel})`);
    }
  }
  if (env.TORCH_LSTM_SKIP_BUILD === '1') {
    warn(`TORCH_LSTM_SKIP_BUILD=1: not building from source.\n${WHAT_TO_DO}`);
    return 0;
  }
  log('building the addon from source (cmake-js; takes a few minutes)');
  let found;
  try {
    found = await findOrSetupLibTorch();
  } catch (err) {
    warn(`${String(err.message).replace(/^torch-lstm: /, '')}\n${WHAT_TO_DO}`);
    return 0;
  }
  log(describeLibTorch(found).replace(/^torch-lstm: /, ''));
  const problem = sourceBuild();
  if (problem) {
    warn(`${problem}\n${WHAT_TO_DO}`);
    return 0;
  }
  log('built build/Release/torch_lstm.node from source');
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  try {
    process.exitCode = await main();
  } catch (err) {
    // Never fail the install hard.
    warn(`install step failed unexpectedly: ${err?.stack ?? err}\n${WHAT_TO_DO}`);
    process.exitCode = 0;
  }
}

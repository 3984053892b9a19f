#!/usr/bin/env node
// npm run build [-- --native | --ts] [--if-needed] [--gyp]
//
// Builds what torch-lstm needs to run: the native addon (cmake-js, against the LibTorch that
// scripts/find-libtorch.mjs picks; `npm run setup` runs first when none is found) and the
// TypeScript (lib/ -> dist/, examples/ -> dist/examples/).
// --if-needed skips a part whose output is newer than all of its sources.
// --gyp builds the addon with node-gyp and binding.gyp instead of cmake-js (`npm run build:gyp`).
//   node-gyp: $npm_config_node_gyp (set by `npm run`), a local node_modules/node-gyp, or the one
//   bundled with npm. Node headers, offline: --nodedir/$npm_config_nodedir when given, else the
//   headers installed next to node (<prefix>/include/node) when their version matches, else
//   node-gyp's cache (~/.cache/node-gyp/<version>), else a minimal Node-API-only dir made from the
//   node-api-headers package in build/node-api-nodedir (enough: the addon uses only Node-API).
//   Jobs: $JOBS (default 2). Both routes share build/: switching from cmake-js wipes it first.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeLibTorch, findLibTorch } from './find-libtorch.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const ifNeeded = args.has('--if-needed');
const only = args.has('--native') ? 'native' : args.has('--ts') ? 'ts' : 'all';
const useGyp = args.has('--gyp');
const nodedirArg = process.argv.slice(2).find((a) => a.startsWith('--nodedir='))?.slice('--nodedir='.length);

const log = (line) => process.stdout.write(`torch-lstm: ${line}\n`);

function run(cmd, cmdArgs, opts = {}) {
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  if (result.status !== 0) {
    process.stderr.write(`torch-lstm: \`${cmd} ${cmdArgs.join(' ')}\` failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

/** Newest mtime under `dirs` (files only), 0 when none exist. */
function newest(entries) {
  let latest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) visit(path.join(p, e));
    } else {
      latest = Math.max(latest, st.mtimeMs);
    }
  };
  for (const e of entries) visit(path.join(root, e));
  return latest;
}

function stale(output, sources) {
  const out = path.join(root, output);
  if (!existsSync(out)) return true;
  return statSync(out).mtimeMs < newest(sources);
}

async function buildNative() {
  const sources = ['native/core', 'native/addon', useGyp ? 'binding.gyp' : 'CMakeLists.txt', 'package.json'];
  if (ifNeeded && !stale('build/Release/torch_lstm.node', sources)) return;
  let found;
  try {
    found = await findLibTorch();
  } catch {
    log('no LibTorch found; running `npm run setup`');
    run(process.execPath, ['scripts/setup.mjs']);
    found = await findLibTorch();
  }
  process.stdout.write(`${describeLibTorch(found)}\n`);
  if (useGyp) return buildWithGyp();
  const cmakeJs = path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
  // `build` configures when needed; CMAKE_BUILD_PARALLEL_LEVEL keeps a 2-core box usable.
  run(process.execPath, [cmakeJs, 'build', '--out', 'build'], {
    env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2' },
  });
}

/** npm's `npm run` sets npm_config_node_gyp; else a local node-gyp; else the one inside npm. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  const bin = path.dirname(process.execPath);
  candidates.push(
    path.join(bin, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(bin, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), // Windows
  );
  const hit = candidates.find((c) => c && c.endsWith('.js') && existsSync(c));
  if (hit) return hit;
  process.stderr.write('torch-lstm: node-gyp not found (not in node_modules nor inside npm); `npm i -D node-gyp`\n');
  process.exit(1);
}

const headersVersion = (dir) => {
  try {
    const text = readFileSync(path.join(dir, 'include', 'node', 'node_version.h'), 'utf8');
    const part = (n) => new RegExp(`#define\\s+NODE_${n}_VERSION\\s+(\\d+)`).exec(text)?.[1];
    return `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  } catch {
    return null;
  }
};

// A Node-API-only stand-in for node-gyp's --nodedir: include/node/ holds node-api-headers' four
// headers and a common.gypi with the Linux/macOS defaults of Node's (no V8/libuv headers, no
// node.lib: not for Windows). Made after the clean step, since it lives in build/.
const MINIMAL_COMMON_GYPI = `# torch-lstm: minimal common.gypi for a Node-API-only addon (scripts/build.mjs --gyp)
{
  'variables': { 'standalone_static_library%': 0, 'node_shared%': 'false', 'clang%': 0 },
  'target_defaults': {
    'default_configuration': 'Release',
    'configurations': {
      'Debug': { 'defines': ['DEBUG', '_DEBUG'], 'cflags': ['-g', '-O0'],
                 'xcode_settings': { 'GCC_OPTIMIZATION_LEVEL': '0' } },
      'Release': { 'cflags': ['-O3', '-fno-omit-frame-pointer'],
                   'xcode_settings': { 'GCC_OPTIMIZATION_LEVEL': '3' } },
    },
    'cflags': ['-pthread', '-Wall', '-Wextra', '-Wno-unused-parameter'],
    'cflags_cc': ['-fno-rtti', '-fno-exceptions', '-std=gnu++17'],
    'defines': ['__STDC_FORMAT_MACROS'],
    'ldflags': ['-pthread', '-rdynamic'],
  },
}
`;

function minimalNodeDir() {
  const dir = path.join(root, 'build', 'node-api-nodedir');
  const include = path.join(dir, 'include', 'node');
  const headers = path.join(path.dirname(createRequire(path.join(root, 'package.json')).resolve('node-api-headers/package.json')), 'include');
  mkdirSync(include, { recursive: true });
  for (const h of readdirSync(headers)) if (h.endsWith('.h')) copyFileSync(path.join(headers, h), path.join(include, h));
  writeFileSync(path.join(include, 'common.gypi'), MINIMAL_COMMON_GYPI);
  return dir;
}

/** The --nodedir to pass (undefined: node-gyp's own cache has the headers). */
function pickNodeDir() {
  if (nodedirArg) return nodedirArg;
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (headersVersion(prefix) === process.version && existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) return prefix;
  const devdir = process.env.npm_config_devdir ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'node-gyp');
  const cached = path.join(devdir, process.version.slice(1));
  if (existsSync(path.join(cached, 'include', 'node', 'common.gypi'))) return undefined;
  return minimalNodeDir();
}

function buildWithGyp() {
  const nodeGyp = findNodeGyp();
  const gyp = (...a) => run(process.execPath, [nodeGyp, ...a]);
  // cmake-js's CMakeCache.txt and Makefile in build/ would clash with gyp's: start clean.
  // Otherwise configure (re-globs the sources; the LibTorch flags stay cached) + an incremental build.
  if (existsSync(path.join(root, 'build', 'CMakeCache.txt'))) {
    log('build/ holds a cmake-js build: node-gyp clean');
    gyp('clean');
  }
  const nodedir = pickNodeDir();
  log(`node-gyp ${nodeGyp}${nodedir ? ` --nodedir=${nodedir}` : ''}`);
  const nodedirFlag = nodedir ? [`--nodedir=${nodedir}`] : [];
  gyp('configure', ...nodedirFlag);
  gyp('build', '--jobs', process.env.JOBS ?? '2', ...nodedirFlag);
}

function buildTs() {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!ifNeeded || stale('dist/index.js', ['lib', 'tsconfig.json'])) {
    log('compiling TypeScript (lib/ -> dist/)');
    run(process.execPath, [tsc, '-p', 'tsconfig.json']);
  }
  if (existsSync(path.join(root, 'examples', 'tsconfig.json'))) {
    if (!ifNeeded || stale('dist/examples/co2-forecast.js', ['examples', 'lib'])) {
      run(process.execPath, [tsc, '-p', 'examples/tsconfig.json']);
    }
  }
}

/** A fresh clone has no node_modules: install them (from the lockfile when there is one). */
function ensureDependencies() {
  if (existsSync(path.join(root, 'node_modules', 'cmake-js')) && existsSync(path.join(root, 'node_modules', 'typescript'))) return;
  log('installing npm dependencies');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, existsSync(path.join(root, 'package-lock.json')) ? ['ci'] : ['install']);
}

ensureDependencies();
if (only !== 'ts') await buildNative();
if (only !== 'native') buildTs();

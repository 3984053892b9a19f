#!/usr/bin/env node
// npm run build [-- --native | --ts] [--if-needed]
//
// Builds what torch-lstm needs to run: the native addon (cmake-js, against the LibTorch that
// scripts/find-libtorch.mjs picks; `npm run setup` runs first when none is found) and the
// TypeScript (lib/ -> dist/, examples/ -> dist/examples/).
// --if-needed skips a part whose output is newer than all of its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeLibTorch, findLibTorch } from './find-libtorch.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const ifNeeded = args.has('--if-needed');
const only = args.has('--native') ? 'native' : args.has('--ts') ? 'ts' : 'all';

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
  const sources = ['native/core', 'native/addon', 'CMakeLists.txt', 'package.json'];
  if (ifNeeded && !stale('build/Release/torch_lstm.node', sources)) return;
  let found;
  try {
    found = await findLibTorch();
  } catch {
    log('no LibTorch found; running `npm run setup`');
    run(process.execPath, ['scripts/setup.mjs']);
    found = await findLibTorch();
  }
  log(describeLibTorch(found));
  const cmakeJs = path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
  // `build` configures when needed; CMAKE_BUILD_PARALLEL_LEVEL keeps a 2-core box usable.
  run(process.execPath, [cmakeJs, 'build', '--out', 'build'], {
    env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2' },
  });
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

if (only !== 'ts') await buildNative();
if (only !== 'native') buildTs();

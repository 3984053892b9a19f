#!/usr/bin/env node
// Builds and runs the C++ tests of native/core (GoogleTest, no Node involved) with ctest.
// Installs libgtest-dev through `npm run setup -- --with-test-deps` when GoogleTest is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibTorch } from './find-libtorch.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(root, 'build-tests');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const gtestKnown = ['/usr/lib/x86_64-linux-gnu/cmake/GTest', '/usr/lib/aarch64-linux-gnu/cmake/GTest', '/usr/lib/cmake/GTest'];
if (process.platform === 'linux' && !gtestKnown.some((d) => existsSync(d))) {
  run(process.execPath, ['scripts/setup.mjs', '--with-test-deps']);
}
const found = await findLibTorch();
run('cmake', ['-S', '.', '-B', buildDir, '-DTL_BUILD_TESTS=ON', `-DTorch_DIR=${found.torchDir}`, '-DCMAKE_BUILD_TYPE=Release']);
run('cmake', ['--build', buildDir, '--target', 'tl_core_tests', '-j', process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2']);
run('ctest', ['--test-dir', buildDir, '--output-on-failure']);

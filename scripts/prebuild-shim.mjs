#!/usr/bin/env node
// The `node-gyp` that scripts/prebuild.mjs hands to prebuildify (`--node-gyp <this file>`).
//
// prebuildify 6 has no cmake-js backend: it always runs
//   <node-gyp> rebuild --target=<node version> --devdir=<dir> --arch=<arch> --release|--debug
// in its cwd and then takes the first *.node in <cwd>/build/<Release|Debug>. This shim turns that
// into `cmake-js rebuild -d <package root> -O <cwd>/build`, so the addon is built by CMakeLists.txt
// (the primary route) into prebuildify's staging dir, never into the package's own build/.
// --target and --devdir are ignored: the addon uses Node-API 8 only, and cmake-js takes the
// headers from the node-api-headers package ("binary": {"napi_versions": [8]} in package.json).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const verb = args.find((a) => !a.startsWith('-')) ?? 'rebuild';
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

if (!['rebuild', 'build', 'clean', 'configure'].includes(verb)) {
  process.stderr.write(`torch-lstm prebuild shim: unsupported node-gyp command "${verb}"\n`);
  process.exit(1);
}
const cmakeJs = path.join(
  path.dirname(createRequire(path.join(root, 'package.json')).resolve('cmake-js/package.json')),
  'bin',
  'cmake-js',
);
const cmakeArgs = [cmakeJs, verb, '--directory', root, '--out', path.join(process.cwd(), 'build'), '--target', 'torch_lstm'];
if (args.includes('--debug')) cmakeArgs.push('--debug');
const arch = flag('arch');
if (arch) cmakeArgs.push('--arch', arch);

process.stdout.write(`torch-lstm prebuild shim: node ${cmakeArgs.map((a) => (path.isAbsolute(a) ? path.relative(root, a) || '.' : a)).join(' ')}\n`);
const result = spawnSync(process.execPath, cmakeArgs, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2' },
});
process.exit(result.status ?? 1);

#!/usr/bin/env node
// npm run prebuild [-- --from <file.node>]
//
// Makes the prebuilt addon that `npm pack` ships: prebuilds/<platform>-<arch>/torch-lstm.<libc>.node
// (Node-API 8, named by prebuildify's rules, which node-gyp-build and lib/native.ts read), plus
// torch-lstm.<libc>.libtorch.json next to it: the LibTorch it was built against (version, where
// it came from, the shared libraries it needs), so the loader can say why it does not load elsewhere.
//
// prebuildify 6 has no cmake-js backend: it is given scripts/prebuild-shim.mjs as its node-gyp, which
// runs `cmake-js rebuild` with CMakeLists.txt. prebuildify works in build-prebuild/ (its cwd), so the
// package's own build/ (the source build others load) is never touched.
// --from <file.node>  skip the compile: ship an existing cmake-js build of this checkout (e.g.
//                     build/Release/torch_lstm.node) as the prebuild. prebuildify would only rename
//                     that same file (no --strip), so the result is the same binary.
// The addon links LibTorch dynamically: a prebuild made against the system LibTorch (Debian/Ubuntu
// libtorch-dev) needs that package at run time; one made against a pip/zip LibTorch carries an
// rpath to it and only fits machines with LibTorch at that same path.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeLibTorch, findLibTorch } from './find-libtorch.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** glibc or musl, as prebuildify (PREBUILD_LIBC) and node-gyp-build decide it. */
export const libcTag = () => (process.platform === 'linux' && existsSync('/etc/alpine-release') ? 'musl' : 'glibc');

/** Where the prebuild for this platform lives, and its metadata file. */
export function prebuildPaths(base = root) {
  const dir = path.join(base, 'prebuilds', `${process.platform}-${process.arch}`);
  // prebuildify --tag-libc tags every platform (glibc unless Alpine), as node-gyp-build expects.
  const stem = `${pkg.name}.${libcTag()}`;
  return { dir, file: path.join(dir, `${stem}.node`), meta: path.join(dir, `${stem}.libtorch.json`) };
}

/**
 * Loads `file` in a child process (a broken addon cannot take this one down) and returns
 * `{ ok: true, versions }` or `{ ok: false, reason }`.
 */
export function probeAddon(file, { timeout = 120_000 } = {}) {
  const code = `const b = require(${JSON.stringify(file)}); process.stdout.write(JSON.stringify(b.versions()));`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout });
  if (r.status === 0) {
    try {
      return { ok: true, versions: JSON.parse(r.stdout) };
    } catch {}
  }
  const lines = `${r.stderr ?? ''}`.split('\n').map((l) => l.trim());
  const reason =
    lines.find((l) => /^Error:|cannot open|undefined symbol|invalid ELF|wrong ELF|version .* not found/.test(l)) ??
    (r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`);
  return { ok: false, reason: reason.replace(/^Error: /, '').replace(`${file}: `, '') };
}

const tool = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

/** The Debian package that owns the LibTorch library (system LibTorch only), e.g. "libtorch-dev 1.13.1+dfsg-4". */
function debianPackage(found) {
  if (found.source !== 'system') return null;
  const dev = tool('dpkg-query', ['-W', '-f', '${Package} ${Version}', 'libtorch-dev']);
  if (dev) return dev;
  const lib = path.join(found.root, 'lib', `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, 'libtorch.so');
  const owner = existsSync(lib) ? tool('dpkg-query', ['-S', realpathSync(lib)])?.split(':')[0] : null;
  return owner ? tool('dpkg-query', ['-W', '-f', '${Package} ${Version}', owner]) : null;
}

/** Writes the metadata next to the prebuild; returns it. */
function writeMetadata(found, versions) {
  const { file, meta } = prebuildPaths();
  const dynamic = tool('readelf', ['-d', file]) ?? '';
  const needed = [...dynamic.matchAll(/\(NEEDED\).*\[(.+)\]/g)].map((m) => m[1]);
  const rpath = /\((?:RUNPATH|RPATH)\).*\[(.+)\]/.exec(dynamic)?.[1] ?? null;
  const deb = debianPackage(found);
  const torchLibs = needed.filter((n) => /^lib(torch|c10)/.test(n));
  const where = found.source === 'system' ? `the system LibTorch${deb ? ` (Debian ${deb})` : ''}` : `LibTorch from ${found.source} at ${found.root}`;
  const data = {
    file: path.basename(file),
    package: `${pkg.name}@${pkg.version}`,
    napi: pkg.binary?.napi_versions?.[0] ?? 8,
    platform: process.platform,
    arch: process.arch,
    libc: libcTag(),
    glibc: process.report?.getReport()?.header?.glibcVersionRuntime ?? null,
    builtWith: { node: process.version, cmakeJs: createRequire(import.meta.url)('cmake-js/package.json').version },
    libtorch: {
      version: found.version,
      loadedVersion: versions.torch,
      source: found.source,
      root: found.root,
      torchDir: found.torchDir,
      cuda: found.cuda,
      debianPackage: deb,
    },
    needed,
    rpath,
    summary:
      `built against LibTorch ${versions.torch ?? found.version} from ${where}` +
      (torchLibs.length ? `; it needs ${torchLibs.join(', ')}` : '') +
      (rpath && found.source !== 'system' ? ` (found through the rpath ${rpath})` : ''),
  };
  writeFileSync(meta, `${JSON.stringify(data, null, 2)}\n`);
  return data;
}

/** An argument as printed: paths relative to the package root. */
const show = (a) => (path.isAbsolute(a) ? path.relative(root, a) || '.' : a);

function fail(message) {
  process.stderr.write(`torch-lstm prebuild: ${message}\n`);
  process.exit(1);
}

/**
 * npm runs a script named `prebuild` before every `npm run build` (a pre-hook). Only an explicit
 * `npm run prebuild` should make prebuilds: find the npm process above us (npm titles itself
 * "npm run <script>") and see which script it was asked for. Unknown (no npm, no `ps`): explicit.
 */
function isHookOfAnotherScript() {
  if (process.env.npm_lifecycle_event !== 'prebuild') return false;
  const ps = (pid, field) => tool('ps', ['-o', `${field}=`, '-p', String(pid)]);
  let pid = process.ppid;
  for (let depth = 0; depth < 5 && pid > 1; depth++) {
    const words = (ps(pid, 'args') ?? '').split(/\s+/);
    const npmAt = words.findIndex((w) => w === 'npm' || /[\\/]npm(-cli\.js)?$/.test(w));
    if (npmAt >= 0) {
      const rest = words.slice(npmAt + 1);
      const verb = rest.findIndex((w) => ['run', 'run-script', 'rum', 'urn'].includes(w));
      const script = verb >= 0 ? rest.slice(verb + 1).find((w) => !w.startsWith('-')) : undefined;
      return script !== undefined && script !== 'prebuild';
    }
    pid = Number(ps(pid, 'ppid'));
  }
  return false;
}

async function main() {
  if (isHookOfAnotherScript()) {
    process.stdout.write('torch-lstm prebuild: skipped (npm runs `prebuild` as a pre-hook of `build`; `npm run prebuild` makes prebuilds)\n');
    return;
  }
  const argv = process.argv.slice(2);
  const fromIndex = argv.indexOf('--from');
  const from = fromIndex >= 0 ? argv[fromIndex + 1] : undefined;
  if (fromIndex >= 0 && !from) fail('usage: npm run prebuild [-- --from <file.node>]');
  let found;
  try {
    found = await findLibTorch();
  } catch (err) {
    fail(`${err.message}\n(run \`npm run setup\` first)`);
  }
  process.stdout.write(`${describeLibTorch(found)}\n`);
  if (found.source !== 'system') {
    process.stdout.write(`torch-lstm prebuild: note: a prebuild against ${found.source} LibTorch only loads where LibTorch sits at ${found.root}\n`);
  }
  const { dir, file } = prebuildPaths();
  mkdirSync(dir, { recursive: true });
  if (from) {
    if (!existsSync(from)) fail(`${from} does not exist (build it with \`npm run build:native\`)`);
    copyFileSync(from, file);
  } else {
    const stage = path.join(root, 'build-prebuild');
    const shim = path.join(root, 'scripts', 'prebuild-shim.mjs');
    chmodSync(shim, 0o755); // prebuildify spawns it directly, without a shell
    rmSync(path.join(stage, 'build', 'Release'), { recursive: true, force: true });
    mkdirSync(stage, { recursive: true });
    const prebuildify = path.join(path.dirname(createRequire(import.meta.url).resolve('prebuildify/package.json')), 'bin.js');
    const args = [prebuildify, '--napi', '--tag-libc', '--name', pkg.name, '--node-gyp', shim, '--out', root, stage];
    process.stdout.write(`torch-lstm prebuild: prebuildify ${args.slice(1).map(show).join(' ')}\n`);
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) fail(`prebuildify failed (exit ${r.status ?? r.signal})`);
    if (!existsSync(file)) fail(`prebuildify did not produce ${path.relative(root, file)}`);
  }
  const probe = probeAddon(file);
  if (!probe.ok) fail(`${path.relative(root, file)} was made but does not load: ${probe.reason}`);
  const meta = writeMetadata(found, probe.versions);
  process.stdout.write(`torch-lstm prebuild: ${path.relative(root, file)} (Node-API ${meta.napi}), ${meta.summary}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) await main();

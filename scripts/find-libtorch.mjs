#!/usr/bin/env node
// The ONE LibTorch discovery of torch-lstm, shared by CMake, node-gyp and the other scripts.
//
// Order: env LIBTORCH (a LibTorch root) or env Torch_DIR (a CMake dir) -> the LibTorch inside
// an installed Python `torch` (TORCH_LSTM_PYTHON picks the interpreter) -> the system one
// (Debian/Ubuntu `libtorch-dev`). A variable that is set but wrong is an error, never skipped.
//
//   node scripts/find-libtorch.mjs               JSON {torchDir, root, source, version, cuda} on stdout
//   node scripts/find-libtorch.mjs --torch-dir   the CMake dir only (CMake's execute_process)
//   node scripts/find-libtorch.mjs --gyp <what>  include_dirs|defines|libraries|ldflags|cflags,
//                                                space-separated, for binding.gyp's <!@(...)
//   node scripts/find-libtorch.mjs --gyp cxxstd  -std=c++20 for LibTorch >= 2, else -std=c++17
//                                                (CMakeLists.txt's rule; no CMake probe needed)
//   --quiet                                      no "using LibTorch ..." line on stderr
//
// The human line goes to stderr, so stdout stays machine-readable. Exit 1: not found or misconfigured.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the system LibTorch's CMake config lives (libtorch-dev and `make install` layouts). */
export const SYSTEM_TORCH_DIRS = [
  '/usr/lib/x86_64-linux-gnu/cmake/Torch',
  '/usr/lib/aarch64-linux-gnu/cmake/Torch',
  '/usr/local/share/cmake/Torch',
  '/usr/share/cmake/Torch',
];

/** The values `--gyp <what>` can print. */
export const GYP_KEYS = ['include_dirs', 'defines', 'libraries', 'ldflags', 'cflags'];

/** The C++ standard for a found LibTorch, as CMakeLists.txt picks it: 2.x headers need C++20,
 *  1.x (1.13 here) is built as C++17; an unknown version gets C++17. */
export function cxxStdFlag(found) {
  const major = Number.parseInt(String(found.version ?? ''), 10);
  return major >= 2 ? '-std=c++20' : '-std=c++17';
}

export const GYP_CACHE_FILE = path.join(REPO_ROOT, 'build', '.torch-gyp-cache.json');

const WHAT_TO_DO = [
  '  Do one of:',
  '    - download LibTorch (C++, cxx11 ABI) from https://pytorch.org/get-started/locally/,',
  '      unzip it and set LIBTORCH=/path/to/libtorch',
  '    - pip install torch   (its bundled LibTorch is used; set TORCH_LSTM_PYTHON=/path/to/python',
  '      when that python is not `python3` on PATH)',
  '    - on Debian/Ubuntu: npm run setup   (installs libtorch-dev and libopenblas0-pthread)',
].join('\n');

/** A discovery failure; `code` is ERR_LIBTORCH_NOT_FOUND, ERR_LIBTORCH_ENV or ERR_LIBTORCH_CMAKE. */
export class LibTorchError extends Error {
  constructor(message, code) {
    super(message);
    this.name = 'LibTorchError';
    this.code = code;
  }
}

const hasConfig = (dir) =>
  existsSync(path.join(dir, 'TorchConfig.cmake')) || existsSync(path.join(dir, 'torch-config.cmake'));

const isDir = (p) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The LibTorch root of a CMake dir: the nearest ancestor holding include/torch (share/cmake/Torch -> 3 up). */
function rootOf(torchDir) {
  let dir = torchDir;
  for (let up = 1; up <= 4; up++) {
    dir = path.dirname(dir);
    if (isDir(path.join(dir, 'include', 'torch'))) return dir;
  }
  return path.resolve(torchDir, '..', '..', '..');
}

/** The version from TorchConfigVersion.cmake, else from torch/version.h; null when neither says. */
function readVersion(torchDir, root) {
  try {
    const text = readFileSync(path.join(torchDir, 'TorchConfigVersion.cmake'), 'utf8');
    const m = /set\(\s*PACKAGE_VERSION\s+"([^"]+)"\s*\)/.exec(text);
    if (m) return m[1];
  } catch {}
  const api = path.join(root, 'include', 'torch', 'csrc', 'api', 'include', 'torch', 'version.h');
  for (const header of [path.join(root, 'include', 'torch', 'headeronly', 'version.h'), api]) {
    try {
      const text = readFileSync(header, 'utf8');
      const part = (name) => new RegExp(`#define\\s+TORCH_VERSION_${name}\\s+(\\d+)`).exec(text)?.[1];
      const [major, minor, patch] = [part('MAJOR'), part('MINOR'), part('PATCH')];
      if (major !== undefined && minor !== undefined) return `${major}.${minor}.${patch ?? 0}`;
    } catch {}
  }
  return null;
}

/** Whether a CUDA build of LibTorch sits next to it (libtorch_cuda / libc10_cuda). */
function hasCuda(torchDir, root) {
  const dirs = new Set([path.join(root, 'lib'), path.join(root, 'lib64'), path.resolve(torchDir, '..', '..')]);
  const cudaLib = /^(lib)?(torch_cuda|c10_cuda)\.(so|dylib|dll|lib)(\.|$)/;
  for (const dir of dirs) {
    try {
      if (readdirSync(dir).some((name) => cudaLib.test(name))) return true;
    } catch {}
  }
  return false;
}

function describeDir(torchDir, source) {
  const dir = path.resolve(torchDir);
  const root = rootOf(dir);
  return { torchDir: dir, root, source, version: readVersion(dir, root), cuda: hasCuda(dir, root) };
}

function fromEnvLibTorch(raw) {
  const abs = path.resolve(raw);
  const unset = '  Unset it to let torch-lstm look for Python torch and the system LibTorch.';
  if (!isDir(abs)) {
    throw new LibTorchError(
      `torch-lstm: LIBTORCH is set to "${raw}", but ${abs} does not exist or is not a directory.\n` +
        '  LIBTORCH must be the LibTorch folder that holds include/, lib/ and share/cmake/Torch\n' +
        `  (the unzipped libtorch from pytorch.org).\n${unset}`,
      'ERR_LIBTORCH_ENV',
    );
  }
  const torchDir = path.join(abs, 'share', 'cmake', 'Torch');
  if (hasConfig(torchDir)) return describeDir(torchDir, 'env LIBTORCH');
  if (hasConfig(abs)) return describeDir(abs, 'env LIBTORCH'); // the CMake dir itself: accept it
  throw new LibTorchError(
    `torch-lstm: LIBTORCH is set to "${raw}", but ${torchDir}/TorchConfig.cmake does not exist.\n` +
      '  LIBTORCH must be the LibTorch folder that holds include/, lib/ and share/cmake/Torch\n' +
      `  (the unzipped libtorch from pytorch.org); for a CMake dir use Torch_DIR.\n${unset}`,
    'ERR_LIBTORCH_ENV',
  );
}

function fromEnvTorchDir(raw) {
  const abs = path.resolve(raw);
  if (hasConfig(abs)) return describeDir(abs, 'env Torch_DIR');
  const what = isDir(abs) ? `${abs} holds no TorchConfig.cmake` : `${abs} does not exist`;
  throw new LibTorchError(
    `torch-lstm: Torch_DIR is set to "${raw}", but ${what}.\n` +
      '  Torch_DIR must be the CMake dir of a LibTorch (<libtorch>/share/cmake/Torch);\n' +
      '  for the LibTorch folder itself use LIBTORCH. Unset it to let torch-lstm search.',
    'ERR_LIBTORCH_ENV',
  );
}

// Asks the interpreter where torch's CMake files are. find_spec locates the package without running
// it (an `import torch` of a CUDA build takes seconds, and gyp asks five times); it gives the same
// folder as torch.utils.cmake_prefix_path. When that fails, `import torch` is asked; when the import
// fails too (a --no-deps install missing numpy, typing_extensions, ...), site-packages is listed.
const PY_QUERY = `
import json, os, sys
out = {"python": sys.executable}
try:
    import importlib.util
    spec = importlib.util.find_spec("torch")
    if spec and spec.origin:
        prefix = os.path.join(os.path.dirname(spec.origin), "share", "cmake")
        if os.path.isdir(os.path.join(prefix, "Torch")):
            out["cmakePrefixPath"] = prefix
except BaseException:
    pass
if "cmakePrefixPath" not in out:
    try:
        import torch, torch.utils
        out["cmakePrefixPath"] = torch.utils.cmake_prefix_path
    except BaseException as e:
        out["importError"] = (type(e).__name__ + ": " + str(e))[:300]
        import site, sysconfig
        paths = sysconfig.get_paths()
        dirs = [paths.get("purelib"), paths.get("platlib")]
        try:
            dirs += site.getsitepackages() + [site.getusersitepackages()]
        except Exception:
            pass
        out["sitePackages"] = [d for d in dirs if d]
print("@@torch-lstm@@" + json.dumps(out))
`;

function run(cmd, args, options) {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 16 << 20, ...options }, (error, stdout, stderr) =>
      resolve({ error, stdout: String(stdout ?? ''), stderr: String(stderr ?? '') }),
    );
  });
}

async function fromPython(python, explicit) {
  const { error, stdout, stderr } = await run(python, ['-c', PY_QUERY], { cwd: os.tmpdir(), timeout: 120_000 });
  const line = stdout.split('\n').find((l) => l.startsWith('@@torch-lstm@@'));
  if (!line) {
    if (explicit) {
      const why = error?.code === 'ENOENT' ? 'it cannot be found' : (stderr.trim().split('\n').pop() ?? String(error));
      throw new LibTorchError(
        `torch-lstm: TORCH_LSTM_PYTHON is set to "${python}", but it does not run: ${why}.\n` +
          '  Point it at a Python interpreter (e.g. .venv/bin/python) or unset it.',
        'ERR_LIBTORCH_ENV',
      );
    }
    return null; // no usable python3: not an error, the system LibTorch may still be there
  }
  const info = JSON.parse(line.slice('@@torch-lstm@@'.length));
  const candidates = info.cmakePrefixPath
    ? [path.join(info.cmakePrefixPath, 'Torch')]
    : info.sitePackages.map((dir) => path.join(dir, 'torch', 'share', 'cmake', 'Torch'));
  const torchDir = candidates.find(hasConfig);
  if (torchDir) return describeDir(torchDir, 'python torch');
  if (explicit) {
    throw new LibTorchError(
      `torch-lstm: TORCH_LSTM_PYTHON is set to "${python}", but ${info.python} has no torch package\n` +
        `  with CMake files (${info.importError ?? 'no share/cmake/Torch'}).\n` +
        '  Run `pip install torch` with that python, or unset TORCH_LSTM_PYTHON.',
      'ERR_LIBTORCH_ENV',
    );
  }
  return null;
}

/**
 * Finds LibTorch. Resolves to `{torchDir, root, source, version, cuda}`; rejects with a
 * LibTorchError (ERR_LIBTORCH_ENV when LIBTORCH/Torch_DIR/TORCH_LSTM_PYTHON is set but wrong,
 * ERR_LIBTORCH_NOT_FOUND when nothing is found; the message says what to do).
 * `python: null` skips the Python step; `systemDirs` replaces SYSTEM_TORCH_DIRS (tests).
 */
export async function findLibTorch({ env = process.env, python, systemDirs = SYSTEM_TORCH_DIRS } = {}) {
  const set = (name) => (env[name] ?? '').trim();
  if (set('LIBTORCH')) return fromEnvLibTorch(set('LIBTORCH'));
  if (set('Torch_DIR')) return fromEnvTorchDir(set('Torch_DIR'));

  const explicit = python === undefined && set('TORCH_LSTM_PYTHON') !== '';
  const interpreter = python === undefined ? set('TORCH_LSTM_PYTHON') || defaultPython() : python;
  if (interpreter) {
    const found = await fromPython(interpreter, explicit);
    if (found) return found;
  }
  for (const dir of systemDirs) if (hasConfig(dir)) return describeDir(dir, 'system');

  throw new LibTorchError(
    'torch-lstm: LibTorch not found.\n' +
      `  Looked at: env LIBTORCH and Torch_DIR (not set), ${interpreter ? `${interpreter} (no torch found)` : 'no python'},\n` +
      `  ${systemDirs.join(', ')}.\n${WHAT_TO_DO}`,
    'ERR_LIBTORCH_NOT_FOUND',
  );
}

const defaultPython = () => (process.platform === 'win32' ? 'python' : 'python3');

/** "torch-lstm: using LibTorch 1.13.0 from system (/usr/lib/x86_64-linux-gnu/cmake/Torch)" */
export function describeLibTorch(found) {
  const version = `${found.version ?? '(unknown version)'}${found.cuda ? ' (CUDA)' : ''}`;
  return `torch-lstm: using LibTorch ${version} from ${found.source} (${found.torchDir})`;
}

// ---------------------------------------------------------------------------------------------
// node-gyp flags, read out of a throwaway `find_package(Torch)` configure and cached per torchDir.

/** Bump when the probe below changes, so cached flags are recomputed. */
const PROBE_REVISION = 3;

// CMake's ${VAR} is written @{VAR} here so the template literal leaves it alone.
const PROBE_CMAKE = String.raw`
cmake_minimum_required(VERSION 3.18)
project(torch_lstm_probe LANGUAGES CXX)
find_package(Torch REQUIRED)

# Usage requirements: evaluated transitively by $<TARGET_PROPERTY:probe,INTERFACE_...>.
add_library(probe INTERFACE)
target_link_libraries(probe INTERFACE @{TORCH_LIBRARIES})

# Link items: walk TORCH_LIBRARIES and each target's INTERFACE_LINK_LIBRARIES; a target becomes
# $<TARGET_FILE:...>, anything else (flags, paths, -Wl,... "$<TARGET_FILE:x>") is kept verbatim.
set(lines "")
set(files "")
set(seen "")
function(walk item)
  string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "@{item}")
  if(item MATCHES "^\\$<TARGET_PROPERTY:([^,>]+),INTERFACE_LINK_LIBRARIES>$")
    set(key "ill:@{CMAKE_MATCH_1}")
    if(NOT key IN_LIST seen)
      list(APPEND seen "@{key}")
      get_target_property(deps @{CMAKE_MATCH_1} INTERFACE_LINK_LIBRARIES)
      if(deps)
        foreach(dep IN LISTS deps)
          walk("@{dep}")
        endforeach()
      endif()
    endif()
  elseif(TARGET "@{item}")
    get_target_property(aliased @{item} ALIASED_TARGET)
    if(aliased)
      set(item "@{aliased}")
    endif()
    if(NOT item IN_LIST seen)
      list(APPEND seen "@{item}")
      get_target_property(type @{item} TYPE)
      if(NOT type STREQUAL "INTERFACE_LIBRARY")
        string(APPEND lines "libfile=$<TARGET_FILE:@{item}>\n")
        string(APPEND files "file=$<TARGET_FILE:@{item}>\n")
      endif()
      get_target_property(deps @{item} INTERFACE_LINK_LIBRARIES)
      if(deps)
        foreach(dep IN LISTS deps)
          walk("@{dep}")
        endforeach()
      endif()
    endif()
  elseif(NOT item STREQUAL "")
    string(APPEND lines "lib=@{item}\n")
  endif()
  set(seen "@{seen}" PARENT_SCOPE)
  set(lines "@{lines}" PARENT_SCOPE)
  set(files "@{files}" PARENT_SCOPE)
endfunction()
foreach(item IN LISTS TORCH_LIBRARIES)
  walk("@{item}")
endforeach()
if(TARGET torch)
  string(APPEND lines "torchlib=$<TARGET_FILE:torch>\n")
endif()

file(GENERATE OUTPUT "@{CMAKE_BINARY_DIR}/torch-flags.txt" CONTENT
"inc=@{TORCH_INCLUDE_DIRS};$<TARGET_PROPERTY:probe,INTERFACE_INCLUDE_DIRECTORIES>
defs=$<TARGET_PROPERTY:probe,INTERFACE_COMPILE_DEFINITIONS>
opts=$<TARGET_PROPERTY:probe,INTERFACE_COMPILE_OPTIONS>
cxxflags=@{TORCH_CXX_FLAGS}
implicit_inc=@{CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES}
implicit_link=@{CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES};@{CMAKE_PLATFORM_IMPLICIT_LINK_DIRECTORIES}
@{lines}@{files}")
`.replaceAll('@{', '${');

/** Splits one link item the way a shell would (`-Wl,--no-as-needed,"/a b/x.so" -Wl,--as-needed`). */
function shellWords(text) {
  const words = [];
  for (const m of text.matchAll(/(?:"([^"]*)"|'([^']*)'|[^\s"']+)+/g)) words.push(m[0].replace(/["']/g, ''));
  return words;
}

const uniq = (items) => [...new Set(items)];
const norm = (p) => {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

function flagsFromProbe(text) {
  const values = (key) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${key}=`))
      .flatMap((l) => l.slice(key.length + 1).split(';'))
      .map((v) => v.trim())
      .filter(Boolean);
  const implicitInc = new Set(values('implicit_inc').map(norm));
  const systemLib = new Set(
    [...values('implicit_link'), '/lib', '/lib64', '/usr/lib', '/usr/lib64'].map(norm),
  );
  const compile = [...values('opts'), ...values('cxxflags').flatMap(shellWords)];
  const torchLib = values('torchlib').map(norm)[0];

  const libraries = [];
  const warnings = [];
  // A target's file is one path (spaces and all); a raw item is a piece of a shell command line.
  // A raw item that names an existing file (find_library's result) is one path too.
  const asPath = (p) => (path.isAbsolute(p) && existsSync(p) ? [p] : null);
  const linkWords = text.split('\n').flatMap((l) => {
    if (l.startsWith('libfile=')) return [l.slice(8).trim()];
    if (l.startsWith('lib=')) return asPath(l.slice(4).trim()) ?? shellWords(l.slice(4));
    return [];
  });
  for (const word of linkWords.filter(Boolean)) {
    if (word.includes('::')) warnings.push(`unresolved link target ${word} skipped`);
    else if (word.startsWith('-') || /[\\/]/.test(word) || /\.(so|a|dylib|lib)(\.|$)/.test(word)) libraries.push(word);
    else libraries.push(`-l${word}`); // a bare name such as pthread or dl
  }
  const toggle = /^-Wl,--(no-)?as-needed$/;
  const keep = libraries.filter((w, i) => toggle.test(w) || libraries.indexOf(w) === i);

  const rpath =
    process.platform === 'win32'
      ? []
      : uniq([...values('file'), ...keep.map((w) => w.split(',').pop())].filter((f) => path.isAbsolute(f)).map((f) => path.dirname(norm(f))))
          .filter((dir) => !systemLib.has(dir));
  return {
    torchLib,
    flags: {
      include_dirs: uniq(values('inc').map(norm)).filter((dir) => !implicitInc.has(dir)),
      defines: uniq([...values('defs'), ...compile.filter((f) => f.startsWith('-D')).map((f) => f.slice(2))]),
      libraries: keep,
      ldflags: rpath.map((dir) => `-Wl,-rpath,${dir}`),
      cflags: uniq(compile.filter((f) => !f.startsWith('-D') && !f.startsWith('-I'))),
    },
    warnings,
  };
}

async function probeTorch(found) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'torch-lstm-probe-'));
  try {
    await writeFile(path.join(dir, 'CMakeLists.txt'), PROBE_CMAKE);
    const args = ['-S', dir, '-B', path.join(dir, 'build'), `-DTorch_DIR=${found.torchDir}`, '-DCMAKE_BUILD_TYPE=Release'];
    // TorchConfig.cmake looks for Caffe2 with PATHS, which CMake searches AFTER the system dirs:
    // with Debian's libtorch-dev installed, a pip LibTorch would get the system Caffe2 targets.
    const caffe2 = path.resolve(found.torchDir, '..', 'Caffe2');
    if (existsSync(path.join(caffe2, 'Caffe2Config.cmake'))) args.push(`-DCaffe2_DIR=${caffe2}`);
    const { error, stdout, stderr } = await run('cmake', args, { timeout: 300_000 });
    if (error) {
      if (error.code === 'ENOENT') {
        throw new LibTorchError(
          'torch-lstm: cmake is not installed; the node-gyp build reads LibTorch\'s flags through CMake.\n' +
            '  Install it (apt-get install cmake, brew install cmake or pip install cmake) and retry.',
          'ERR_LIBTORCH_CMAKE',
        );
      }
      const log = `${stdout}\n${stderr}`.trim().split('\n').slice(-25).join('\n    ');
      const cudaHint = found.cuda && /CUDA/i.test(log)
        ? '\n  This LibTorch is a CUDA build: its CMake config needs the CUDA toolkit (nvcc). Install it\n' +
          '  (nvcc on PATH, or CUDA_PATH=/usr/local/cuda-X.Y), or point LIBTORCH at a CPU LibTorch.'
        : '';
      throw new LibTorchError(
        `torch-lstm: find_package(Torch) failed for ${found.torchDir}:\n    ${log}${cudaHint}`,
        'ERR_LIBTORCH_CMAKE',
      );
    }
    const { flags, warnings, torchLib } = flagsFromProbe(await readFile(path.join(dir, 'build', 'torch-flags.txt'), 'utf8'));
    const root = norm(found.root);
    if (torchLib && !torchLib.startsWith(root + path.sep)) {
      throw new LibTorchError(
        `torch-lstm: find_package(Torch) with Torch_DIR=${found.torchDir}\n` +
          `  linked ${torchLib}, which is not inside ${root}: two LibTorch installs are mixed.\n` +
          '  Set LIBTORCH to the one you want, or remove the other one.',
        'ERR_LIBTORCH_CMAKE',
      );
    }
    for (const w of warnings) process.stderr.write(`torch-lstm: ${w}\n`);
    return flags;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The node-gyp values for a found LibTorch: `{include_dirs, defines, libraries, ldflags, cflags}`,
 * from a CMake configure (a few seconds), cached in build/.torch-gyp-cache.json per torchDir.
 * `computed` says whether CMake ran this time.
 */
export async function gypFlags(found, { cacheFile = GYP_CACHE_FILE } = {}) {
  const stamp = `probe${PROBE_REVISION}:${found.version}:${statSync(found.torchDir).mtimeMs}`;
  let cache = {};
  try {
    cache = JSON.parse(await readFile(cacheFile, 'utf8'));
  } catch {}
  const hit = cache[found.torchDir];
  if (hit && hit.stamp === stamp && GYP_KEYS.every((k) => Array.isArray(hit.flags?.[k]))) {
    return { flags: hit.flags, computed: false };
  }
  const flags = await probeTorch(found);
  for (const dir of Object.keys(cache)) if (!existsSync(dir)) delete cache[dir];
  cache[found.torchDir] = { stamp, flags };
  await mkdir(path.dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(cache, null, 2)}\n`);
  await rename(tmp, cacheFile);
  return { flags, computed: true };
}

/** Quotes a value for gyp, which splits `<!@(...)` output with Python's shlex. */
const gypQuote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`);

// ---------------------------------------------------------------------------------------------

const USAGE =
  'usage: node scripts/find-libtorch.mjs [--torch-dir | --gyp include_dirs|defines|libraries|ldflags|cflags|cxxstd] [--quiet]';

async function main(argv) {
  let mode = 'json';
  let what;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--torch-dir') mode = 'torch-dir';
    else if (arg === '--gyp') [mode, what] = ['gyp', argv[++i]];
    else if (arg === '--quiet') quiet = true;
    else if (arg === '--help' || arg === '-h') return void process.stdout.write(`${USAGE}\n`);
    else return usageError(`unknown argument ${arg}`);
  }
  if (mode === 'gyp' && !GYP_KEYS.includes(what) && what !== 'cxxstd') {
    return usageError(`--gyp needs one of ${[...GYP_KEYS, 'cxxstd'].join(', ')}`);
  }

  try {
    const found = await findLibTorch();
    if (mode === 'gyp' && what === 'cxxstd') {
      process.stdout.write(`${cxxStdFlag(found)}\n`);
      return;
    }
    if (mode === 'gyp') {
      const { flags, computed } = await gypFlags(found);
      if (computed && !quiet) process.stderr.write(`${describeLibTorch(found)}\n`);
      process.stdout.write(`${flags[what].map(gypQuote).join(' ')}\n`);
      return;
    }
    if (!quiet) process.stderr.write(`${describeLibTorch(found)}\n`);
    process.stdout.write(mode === 'torch-dir' ? `${found.torchDir}\n` : `${JSON.stringify(found, null, 2)}\n`);
  } catch (error) {
    if (!(error instanceof LibTorchError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}

function usageError(message) {
  process.stderr.write(`torch-lstm: ${message}\n${USAGE}\n`);
  process.exitCode = 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(norm(process.argv[1])).href) {
  await main(process.argv.slice(2));
}

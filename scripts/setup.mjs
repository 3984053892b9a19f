#!/usr/bin/env node
// npm run setup [-- [--with-test-deps] [--with-browser]]
//
// Makes sure a LibTorch is there for the native build. When scripts/find-libtorch.mjs finds one, it
// says which. Otherwise, on Debian/Ubuntu, it installs `libtorch-dev` with apt-get; elsewhere it
// says what to do and exits 1. Whenever the system LibTorch is used, `libopenblas0-pthread` is
// installed too: with the reference BLAS, LibTorch's GEMM is ~30x slower.
// --with-test-deps also installs what the C++ tests and builds use: libgtest-dev and ccache.
// --with-browser also installs Debian's `chromium` (and a font), which the report tests in
// test/e2e/reports render pages with; elsewhere it says what to install.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describeLibTorch, findLibTorch, LibTorchError } from './find-libtorch.mjs';

const MIN_VERSION = [1, 13];
const OPTIONS = ['--with-test-deps', '--with-browser'];
const USAGE = 'usage: npm run setup [-- [--with-test-deps] [--with-browser]]';
/** Where Debian's chromium package puts the browser; test/e2e/reports looks there. */
const CHROMIUM = '/usr/bin/chromium';

const log = (line) => process.stdout.write(`torch-lstm: ${line}\n`);

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** ID and ID_LIKE of /etc/os-release, e.g. ['ubuntu', 'debian']; [] when there is none. */
function osIds() {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const field = (name) => new RegExp(`^${name}=["']?([^"'\\n]*)`, 'm').exec(text)?.[1] ?? '';
    return `${field('ID')} ${field('ID_LIKE')}`.toLowerCase().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

const isDebianLike = () => process.platform === 'linux' && osIds().some((id) => id === 'debian' || id === 'ubuntu');

function dpkgInstalled(pkg) {
  const result = spawnSync('dpkg', ['-s', pkg], { encoding: 'utf8' });
  return result.status === 0 && /^Status: install ok installed$/m.test(result.stdout);
}

const hasCommand = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function aptInstall(pkgs) {
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && !hasCommand('sudo')) {
    fail(`torch-lstm: installing ${pkgs.join(' ')} needs root. Run as root:\n  apt-get update && apt-get install -y ${pkgs.join(' ')}`);
  }
  const prefix = asRoot ? [] : ['sudo', 'env', 'DEBIAN_FRONTEND=noninteractive'];
  const aptGet = (...args) => {
    const [cmd, ...rest] = [...prefix, 'apt-get', ...args];
    log(`running ${[cmd, ...rest].join(' ')}`);
    const result = spawnSync(cmd, rest, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return result.status === 0;
  };
  if (!aptGet('update', '-q')) fail('torch-lstm: apt-get update failed (see above).');
  if (!aptGet('install', '-y', '-q', '--no-install-recommends', ...pkgs)) {
    fail(
      `torch-lstm: apt-get install ${pkgs.join(' ')} failed (see above).\n` +
        '  libtorch-dev comes with Debian 12+ and Ubuntu 23.04+ (universe). On older releases use\n' +
        '  `pip install torch` or a LibTorch download from pytorch.org with LIBTORCH set.',
    );
  }
}

/** The found LibTorch, or null when there is none; a misconfiguration (bad LIBTORCH, ...) ends the script. */
async function tryFind() {
  try {
    return await findLibTorch();
  } catch (error) {
    if (error instanceof LibTorchError && error.code === 'ERR_LIBTORCH_NOT_FOUND') return null;
    if (error instanceof LibTorchError) fail(error.message);
    throw error;
  }
}

function tooOld(version) {
  if (!version) return false;
  const [major, minor] = version.split('.').map(Number);
  return major < MIN_VERSION[0] || (major === MIN_VERSION[0] && minor < MIN_VERSION[1]);
}

function notFoundElsewhere() {
  const where =
    process.platform === 'darwin'
      ? 'macOS: download LibTorch for macOS (arm64) from https://pytorch.org/get-started/locally/'
      : process.platform === 'win32'
        ? 'Windows: download LibTorch (Release) for Windows from https://pytorch.org/get-started/locally/'
        : 'this system: download LibTorch (cxx11 ABI) from https://pytorch.org/get-started/locally/';
  fail(
    'torch-lstm: LibTorch not found, and npm run setup installs it only on Debian/Ubuntu.\n' +
      `  On ${where},\n` +
      '  unzip it and set LIBTORCH=/path/to/libtorch; or `pip install torch` (set TORCH_LSTM_PYTHON\n' +
      '  to that python when it is not `python3` on PATH). Then run npm run setup again to check.',
  );
}

async function main(argv) {
  const unknown = argv.filter((arg) => !OPTIONS.includes(arg));
  if (unknown.length) fail(`torch-lstm: unknown argument ${unknown[0]}\n${USAGE}`);
  const withTestDeps = argv.includes('--with-test-deps');
  const withBrowser = argv.includes('--with-browser');
  const debian = isDebianLike();

  let found = await tryFind();
  if (!found && !debian) notFoundElsewhere();
  if (found) log(describeLibTorch(found).replace(/^torch-lstm: /, ''));

  const wanted = [];
  if (!found) wanted.push('libtorch-dev', 'libopenblas0-pthread');
  else if (found.source === 'system' && debian) wanted.push('libopenblas0-pthread');
  if (withTestDeps) {
    if (debian) wanted.push('libgtest-dev', 'ccache');
    else log('--with-test-deps: install GoogleTest (gtest) and ccache with your package manager.');
  }
  if (withBrowser) {
    if (debian) wanted.push('chromium', 'fonts-dejavu-core');
    else if (existsSync(CHROMIUM)) log(`--with-browser: found ${CHROMIUM}`);
    else {
      log(
        `--with-browser: install Chromium so that ${CHROMIUM} runs it (the report tests in test/e2e/reports\n` +
          '  skip themselves without it on this system): e.g. `dnf install chromium`, `pacman -S chromium`,\n' +
          '  or link an existing Chrome/Chromium binary there.',
      );
    }
  }

  const missing = debian ? wanted.filter((pkg) => !dpkgInstalled(pkg)) : [];
  const present = wanted.filter((pkg) => !missing.includes(pkg));
  if (present.length) log(`already installed: ${present.join(' ')}`);
  if (missing.length) aptInstall(missing);

  if (!found) {
    found = await tryFind();
    if (!found) fail('torch-lstm: libtorch-dev is installed, but LibTorch is still not found (see above).');
    log(describeLibTorch(found).replace(/^torch-lstm: /, ''));
  }
  if (tooOld(found.version)) {
    fail(
      `torch-lstm: LibTorch ${found.version} is too old; torch-lstm needs ${MIN_VERSION.join('.')} or later.\n` +
        '  Use `pip install torch` or a LibTorch download from pytorch.org with LIBTORCH set.',
    );
  }
}

await main(process.argv.slice(2));

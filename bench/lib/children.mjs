// The child processes of the bench: the raw C++ bench (built on demand), the JS peer workers, and
// a probe of torch-lstm's default thread settings. Every run is its own process, so each reports
// its own peak RSS and a crash or a timeout costs one row, not the run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Path of tl_bench_raw, building it (cmake, build-bench/) when missing or older than its source. */
export function ensureRawBench(root, log) {
  const bin = path.join(root, 'build-bench', 'tl_bench_raw');
  const srcDir = path.join(root, 'native', 'bench');
  const newestSource = Math.max(
    statSync(path.join(root, 'CMakeLists.txt')).mtimeMs,
    ...readdirSync(srcDir).map((f) => statSync(path.join(srcDir, f)).mtimeMs),
  );
  if (existsSync(bin) && statSync(bin).mtimeMs >= newestSource) return { bin };
  log('building build-bench/tl_bench_raw (cmake, -DTL_BUILD_BENCH=ON) ...');
  const torchDir = spawnSync(process.execPath, ['scripts/find-libtorch.mjs', '--torch-dir'], { cwd: root, encoding: 'utf8' });
  if (torchDir.status !== 0) return { error: `LibTorch not found: ${torchDir.stderr.trim().split('\n')[0]}` };
  const steps = [
    ['cmake', ['-S', '.', '-B', 'build-bench', '-DTL_BUILD_BENCH=ON', `-DTorch_DIR=${torchDir.stdout.trim()}`]],
    ['cmake', ['--build', 'build-bench', '--target', 'tl_bench_raw', '-j2']],
  ];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
    if (r.status !== 0) return { error: `\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})` };
  }
  return { bin };
}

/** torch-lstm's default thread settings and the environment it applies (a throwaway child). */
export function probeTorchLstm(root) {
  const url = pathToFileURL(path.join(root, 'dist', 'index.js')).href;
  const code = `const m = await import(${JSON.stringify(url)});
    const env = {}; for (const k of ['OMP_WAIT_POLICY', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS']) env[k] = process.env[k] ?? null;
    console.log(JSON.stringify({ threads: m.getThreadInfo(), env, versions: m.versions() }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || `exit ${r.status}`).trim().split('\n').slice(0, 3).join(' ') };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * Runs one child; resolves with its JSON lines, the tail of its stderr, and how it ended.
 * A child past `timeoutS` is killed (SIGKILL, by its own pid).
 */
export function runChild(cmd, args, { cwd, env, timeoutS }) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err = (err + b).slice(-4000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = [];
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          lines.push(JSON.parse(line));
        } catch {
          // a partial line from a killed child
        }
      }
      resolve({ lines, stderr: err, code, signal, timedOut, wallS: Number(process.hrtime.bigint() - t0) / 1e9 });
    });
  });
}

/** Why a child failed, in one line. */
export function failure(r, timeoutS) {
  if (r.timedOut) return `timed out after ${timeoutS} s`;
  const last = r.stderr.trim().split('\n').filter((l) => l.trim()).slice(-2).join(' ').slice(0, 300);
  return `exit ${r.code ?? r.signal}${last ? `: ${last}` : ''}`;
}

/**
 * Thread settings of the engine.
 *
 * LibTorch has two pools on CPU: ATen's intra-op pool (OpenMP) and the BLAS pool
 * (OpenBLAS on Debian). On small shared machines they oversubscribe the cores, and
 * OpenMP's default spin-waiting makes that 20-50x slower. The defaults below are
 * applied through the environment BEFORE LibTorch loads, unless the user set them:
 *
 * - `OMP_WAIT_POLICY=PASSIVE`: idle OpenMP threads sleep instead of spinning;
 * - `OPENBLAS_NUM_THREADS=1`: one BLAS thread (ATen decides the parallelism).
 *
 * Both can be overridden by setting the variables before importing torch-lstm, or
 * later with {@link setNumThreads}.
 *
 * On top of that, the engine's own thread policy (README "Threads"): the fused CPU LSTM kernel
 * splits a large batch into independent recurrences, one per core (2 at most), each with one
 * ATen and one BLAS thread, and joins them at the end of the call (no thread spins). Training
 * splits by shape alone (a step of >= ~1M multiply-adds); inference also needs >= ~134M
 * multiply-adds in the call and a core that nothing else is using at that moment, so a busy
 * shared machine is never handed a thread it would have to time-slice. Tiny predicts (a few
 * samples) run on the calling thread. {@link setNumThreads} turns the split off: your counts win.
 */
import { binding, type ThreadInfo } from './native.js';
import { integer } from './validate.js';

/** Environment defaults applied before LibTorch loads (only where the user set nothing). */
export const THREAD_ENV_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  OMP_WAIT_POLICY: 'PASSIVE',
  OPENBLAS_NUM_THREADS: '1',
});

let applied = false;

/** Called by native.ts right before the addon (and with it LibTorch) is loaded. */
export function applyThreadEnvironment(): void {
  if (applied) return;
  applied = true;
  for (const [key, value] of Object.entries(THREAD_ENV_DEFAULTS)) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
}

export type { ThreadInfo };

/**
 * The engine's current thread settings.
 *
 * @example
 * getThreadInfo(); // { intraOp: 1, interOp: 1, blas: 1 }
 */
export function getThreadInfo(): ThreadInfo {
  return binding().getThreadInfo();
}

/**
 * Sets ATen's intra-op threads and the BLAS threads together, for every later call. It also
 * turns off the engine's own batch split (see above): from then on every call uses exactly
 * these counts.
 *
 * @param intraOp ATen intra-op threads (>= 1).
 * @param blas BLAS threads (>= 1). Defaults to `1`: one BLAS thread per ATen thread
 *   avoids oversubscription; raise it only for large single GEMMs.
 * @throws RangeError when a count is not a positive integer.
 * @example
 * setNumThreads(2);
 */
export function setNumThreads(intraOp: number, blas = 1): void {
  integer(intraOp, 'setNumThreads.intraOp', { min: 1 });
  integer(blas, 'setNumThreads.blas', { min: 1 });
  binding().setNumThreads(intraOp, blas);
}

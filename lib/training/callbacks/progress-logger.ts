/**
 * ProgressLogger: Keras's `ProgbarLogger` + `Progbar` — the `Epoch 3/100` header and the
 * `12/125 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.0123` line of `fit({verbose: 1|2})`.
 */
import { performance } from 'node:perf_hooks';
import * as v from '../../validate.js';
import { Callback, type Logs, type TrainingParams } from './callback.js';

/** Where progress goes: `process.stdout` or anything with `write` (and `isTTY` for a terminal). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Options of {@link ProgressLogger}. */
export interface ProgressLoggerArgs {
  /** Where to print. Defaults to `process.stdout`. */
  stream?: ProgressStream;
  /** Clock in milliseconds. Defaults to `performance.now`. */
  now?: () => number;
}

const OPTIONS: readonly (keyof ProgressLoggerArgs)[] = ['stream', 'now'];

/** Width of the bar, in characters (Keras's default). */
const BAR_WIDTH = 20;
/** Minimum seconds between two redraws of a terminal bar (Keras's default). */
const INTERVAL_S = 0.05;
const BAR_CHAR = '\u2501';

/**
 * Prints training progress like Keras's `ProgbarLogger`.
 *
 * With `verbose: 1` (from the `fit` params) each epoch gets an `Epoch i/n` header (when
 * `epochs > 1`) and a bar updated after each batch; on a terminal the bar redraws in place
 * at most every 50 ms, elsewhere (a file, a CI log) only the final line of each epoch is
 * printed, without colour codes. With `verbose: 2` each epoch prints one line:
 * `125/125 - 1s - 4ms/step - loss: 0.0123 - val_loss: 0.0145`. Values print as Keras prints
 * them: `%.4f`, or `%.4e` when small. `fit` adds one when `verbose > 0`; pass your own to
 * redirect the output.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 10, verbose: 1,
 *   callbacks: [new ProgressLogger({ stream: process.stderr })] });
 * ```
 * @throws {TypeError} When an option has the wrong type or is unknown.
 */
export class ProgressLogger extends Callback {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private verbose: 0 | 1 | 2 = 1;
  private epochs = 1;
  private target: number | undefined;
  private seen = 0;
  private bar: Progbar | undefined;

  constructor(args?: ProgressLoggerArgs) {
    super();
    const opts = v.checkOptions<ProgressLoggerArgs>(args, 'progressLogger', OPTIONS);
    if (opts.stream !== undefined && (typeof opts.stream !== 'object' || opts.stream === null ||
        typeof (opts.stream as ProgressStream).write !== 'function')) {
      throw v.typeError('a writable stream', 'progressLogger.stream', opts.stream);
    }
    this.stream = opts.stream ?? process.stdout;
    this.now = opts.now === undefined ? () => performance.now() : (v.func(opts.now, 'progressLogger.now') as () => number);
  }

  override setParams(params: TrainingParams): void {
    super.setParams(params);
    this.verbose = params.verbose;
    this.epochs = params.epochs;
    this.target = params.steps > 0 ? params.steps : undefined;
  }

  override onEpochBegin(epoch: number): void {
    this.seen = 0;
    this.bar = this.newBar();
    if (this.verbose !== 0 && this.epochs > 1) this.stream.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
  }

  override onBatchEnd(batch: number, logs?: Logs): void {
    this.bar ??= this.newBar();
    this.seen = batch + 1;
    if (this.verbose === 1) this.bar.update(this.seen, logs ?? {}, false);
  }

  override onEpochEnd(_epoch: number, logs?: Logs): void {
    this.bar ??= this.newBar();
    if (this.target === undefined) this.target = this.seen;
    this.bar.target = this.target;
    this.bar.update(this.target, logs ?? {}, true);
  }

  private newBar(): Progbar {
    const clock = this.now;
    return new Progbar(this.target, this.verbose, this.stream, () => clock() / 1000);
  }
}

/** Keras's `Progbar` for one epoch; times in seconds. */
class Progbar {
  private readonly dynamic: boolean;
  private readonly start: number;
  private readonly values = new Map<string, [sum: number, count: number]>();
  private seenSoFar = 0;
  private lastUpdate = -Infinity;
  private timeAfterFirstStep: number | undefined;
  private prevWidth = 0;

  constructor(
    public target: number | undefined,
    private readonly verbose: 0 | 1 | 2,
    private readonly stream: ProgressStream,
    private readonly clock: () => number,
  ) {
    this.dynamic = stream.isTTY === true;
    this.start = clock();
  }

  update(current: number, logs: Logs, finalize: boolean): void {
    for (const [key, value] of Object.entries(logs)) {
      // Batch logs are averaged over the steps they stand for; the epoch logs replace them.
      const entry = this.values.get(key);
      if (finalize) {
        this.values.set(key, [value, 1]);
      } else {
        const base = Math.max(current - this.seenSoFar, 1);
        if (entry === undefined) this.values.set(key, [value * base, base]);
        else {
          entry[0] += value * base;
          entry[1] += base;
        }
      }
    }
    this.seenSoFar = current;
    const now = this.clock();
    const perStep = this.stepDuration(current, now);

    if (this.verbose === 1) {
      if (now - this.lastUpdate < INTERVAL_S && !finalize) return;
      this.lastUpdate = now;
      // Off a terminal, only the finished line of each epoch is worth a line of log.
      if (!this.dynamic && !finalize) return;
      const style = (code: string, text: string): string => (this.dynamic ? `\x1b[${code}m${text}\x1b[0m` : text);
      let line: string;
      if (this.target !== undefined) {
        const filled = Math.floor((BAR_WIDTH * current) / this.target);
        line = `${style('1', this.count(current))} `;
        if (filled > 0) line += style('32', BAR_CHAR.repeat(filled));
        line += style('37', BAR_CHAR.repeat(BAR_WIDTH - filled));
      } else {
        line = `${String(current).padStart(7)}/Unknown`;
      }
      const clockText =
        this.target !== undefined && !finalize
          ? formatEta(perStep * (this.target - current))
          : `${pyFixed(now - this.start, 0)}s`;
      line += ` ${style('1', clockText)}${formatStepTime(perStep)}`;
      for (const [key, [sum, count]] of this.values) {
        const avg = sum / Math.max(1, count);
        line += ` - ${key}: ${Math.abs(avg) > 1e-3 ? pyFixed(avg, 4) : pyExp(avg, 4)}`;
      }
      const width = visibleLength(line);
      let message = this.dynamic ? `\r${line}` : line;
      if (this.dynamic && this.prevWidth > width) message += ' '.repeat(this.prevWidth - width);
      if (finalize) message += '\n';
      this.stream.write(message);
      this.prevWidth = width;
    } else if (this.verbose === 2 && finalize) {
      let line = `${this.count(current)} - ${pyFixed(now - this.start, 0)}s -${formatStepTime(perStep)}`;
      for (const [key, [sum, count]] of this.values) {
        const avg = sum / Math.max(1, count);
        // Keras compares the signed value here (not its magnitude), so negatives print as %.4e.
        line += ` - ${key}: ${avg > 1e-3 ? pyFixed(avg, 4) : pyExp(avg, 4)}`;
      }
      this.stream.write(`${line}\n`);
    }
    this.lastUpdate = now;
  }

  /** `%{digits}d/%d`: the step right-aligned to the width of the target. */
  private count(current: number): string {
    const target = this.target ?? current;
    return `${String(current).padStart(String(target).length)}/${target}`;
  }

  /** Keras's estimate: the first step (compilation, warm-up) is left out once later steps exist. */
  private stepDuration(current: number, now: number): number {
    if (current === 0) return 0;
    const perStep =
      this.timeAfterFirstStep !== undefined && current > 1
        ? (now - this.timeAfterFirstStep) / (current - 1)
        : (now - this.start) / current;
    if (current === 1) this.timeAfterFirstStep = now;
    return perStep;
  }
}

/** ` 4ms/step`, ` 2s/step`, ` 350us/step`. */
function formatStepTime(seconds: number): string {
  if (seconds >= 1 || seconds === 0) return ` ${pyFixed(seconds, 0)}s/step`;
  if (seconds >= 1e-3) return ` ${pyFixed(seconds * 1000, 0)}ms/step`;
  return ` ${pyFixed(seconds * 1e6, 0)}us/step`;
}

/** Keras's ETA: `42s`, `3:07`, `1:02:03` (each field truncated, as `%d` does). */
function formatEta(eta: number): string {
  const pad = (n: number): string => String(Math.trunc(n)).padStart(2, '0');
  if (eta > 3600) return `${Math.trunc(eta / 3600)}:${pad((eta % 3600) / 60)}:${pad(eta % 60)}`;
  if (eta > 60) return `${Math.trunc(eta / 60)}:${pad(eta % 60)}`;
  return `${Math.trunc(eta)}s`;
}

const ANSI = /\x1b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

/**
 * Rounds like Python's `%f`/`%e`: `rounded` is JavaScript's result (ties away from zero),
 * `exact` the same number written with 40 more digits, which shows an exact tie (a finite
 * binary fraction ending in 5); Python rounds those to even, so the truncated text wins when
 * its last digit is even. `point` is where the kept digits end in both strings.
 */
function halfEven(rounded: string, exact: string, point: number): string {
  if (!/^50*$/.test(exact.slice(point).replace('.', ''))) return rounded;
  const truncated = exact.slice(0, point);
  return Number(truncated[truncated.length - 1]) % 2 === 0 ? truncated : rounded;
}

/** Python's `f'{x:.{digits}f}'` (ties to even, `-0` keeps its sign, `nan`, `inf`). */
export function pyFixed(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const abs = Math.abs(x);
  if (abs >= 1e21) return x.toFixed(0);
  const exact = abs.toFixed(Math.min(100, digits + 40));
  const point = exact.indexOf('.') + (digits === 0 ? 0 : 1 + digits);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return sign + halfEven(abs.toFixed(digits), exact, point);
}

/** Python's `f'{x:.{digits}e}'`: `1.2346e-05`, the exponent signed and at least two digits. */
export function pyExp(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const abs = Math.abs(x);
  const [exactMantissa, exponent] = abs.toExponential(Math.min(100, digits + 40)).split('e') as [string, string];
  const [roundedMantissa, roundedExponent] = abs.toExponential(digits).split('e') as [string, string];
  const point = digits === 0 ? 1 : 2 + digits;
  const mantissa = halfEven(roundedMantissa, exactMantissa, point);
  // A carry (9.99995 -> 1.0000e+1) moves the exponent only when the rounded text was kept.
  const exp = Number(mantissa === roundedMantissa ? roundedExponent : exponent);
  const expText = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${x < 0 || Object.is(x, -0) ? '-' : ''}${mantissa}e${expText}`;
}

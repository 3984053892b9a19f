/**
 * LossReport: rewrites an HTML page of the training curves as a model trains, like Keras's
 * `CSVLogger` writes a row per epoch — open the page in a browser and refresh it.
 */
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lossCurvesHtml } from '../../reports/loss-curves.js';
import * as v from '../../validate.js';
import { Callback, type Logs } from './callback.js';

/** Options of {@link lossReport}. */
export interface LossReportArgs {
  /** The HTML file to write (its folder is created). Required. */
  path: string;
  /** The page title. Defaults to `'Training'`. */
  title?: string;
  /** Write the page every this many epochs (and always when training ends). Defaults to `1`. */
  every?: number;
  /** `'log'` draws losses on a log scale (see {@link lossCurvesSvg}). Defaults to `'linear'`. */
  yScale?: 'linear' | 'log';
}

const OPTIONS: readonly (keyof LossReportArgs)[] = ['path', 'title', 'every', 'yScale'];
const LR_KEY = 'lr';

let tempCounter = 0;

/**
 * Callback that keeps an HTML page of the training curves up to date while `fit` runs.
 *
 * At the end of every `every`-th epoch, and once more when training ends, it writes the page of
 * {@link lossCurvesHtml}: train and validation curves of the loss and each metric, learning-rate
 * changes marked, a table of each log key's best values, and a status line. Each write is atomic
 * (a temporary file in the same folder, then a rename over the page), so a browser refreshing the
 * page never sees half of it. The learning rate is the `lr` log (from {@link ReduceLROnPlateau})
 * or, without one, the optimizer's rate at the start of each epoch. Each `fit` call starts a new
 * page. The writes happen at the epoch-end sync point, off the training thread's hot path.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 200, validationSplit: 0.2,
 *   callbacks: [callbacks.lossReport({ path: 'out/training.html', yScale: 'log' })] });
 * ```
 * @throws {TypeError} when an option has the wrong type or is unknown.
 * @throws {RangeError} when `every` is not an integer >= 1 or `yScale` is not `'linear'` or `'log'`.
 */
export class LossReport extends Callback {
  readonly path: string;
  readonly title: string;
  readonly every: number;
  readonly yScale: 'linear' | 'log';
  /** The epochs recorded in the current `fit` call, 0-based. */
  epoch: number[] = [];
  /** Each log key's value per recorded epoch, as {@link History} keeps them. */
  history: Record<string, number[]> = {};
  private rateAtEpochBegin: number | undefined;

  constructor(args: LossReportArgs) {
    super();
    if (args === undefined) throw v.typeError('an options object', 'lossReport', args);
    const opts = v.checkOptions<LossReportArgs>(args, 'lossReport', OPTIONS);
    this.path = path.resolve(v.string(opts.path, 'lossReport.path'));
    this.title = opts.title === undefined ? 'Training' : v.string(opts.title, 'lossReport.title');
    this.every = opts.every === undefined ? 1 : v.integer(opts.every, 'lossReport.every', { min: 1 });
    this.yScale = opts.yScale === undefined ? 'linear' : v.oneOf(opts.yScale, 'lossReport.yScale', ['linear', 'log'] as const);
  }

  override async onTrainBegin(): Promise<void> {
    this.epoch = [];
    this.history = {};
    await mkdir(path.dirname(this.path), { recursive: true });
  }

  override onEpochBegin(_epoch: number): void {
    this.rateAtEpochBegin = this.model?.optimizer.learningRate;
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    this.epoch.push(epoch);
    const values: Logs = { ...logs };
    if (values[LR_KEY] === undefined && this.rateAtEpochBegin !== undefined) values[LR_KEY] = this.rateAtEpochBegin;
    for (const [key, value] of Object.entries(values)) (this.history[key] ??= []).push(value);
    if (this.epoch.length % this.every === 0) {
      const of = this.params ? ` of ${this.params.epochs}` : '';
      await this.write(`Epoch ${epoch + 1}${of} done; training goes on. Refresh the page to update it.`);
    }
  }

  override async onTrainEnd(): Promise<void> {
    const n = this.epoch.length;
    await this.write(`Training ended after ${n} epoch${n === 1 ? '' : 's'}.`);
  }

  /** Writes the page to a temporary file next to it, then renames it over the page. */
  private async write(status: string): Promise<void> {
    const html = lossCurvesHtml(this, { title: this.title, yScale: this.yScale, status });
    const temp = path.join(path.dirname(this.path), `.${path.basename(this.path)}.${process.pid}.${tempCounter++}.tmp`);
    try {
      await writeFile(temp, html);
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }
}

/**
 * Creates a {@link LossReport} callback: an HTML page of the training curves, rewritten as
 * `fit` runs.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 50, callbacks: [callbacks.lossReport({ path: 'training.html' })] });
 * ```
 */
export function lossReport(args: LossReportArgs): LossReport {
  return new LossReport(args);
}

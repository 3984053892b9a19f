import { describe, it, expect } from 'vitest';
import { ProgressLogger, pyExp, pyFixed } from '../../../lib/training/callbacks/progress-logger.js';
import type { Logs } from '../../../lib/training/callbacks/callback.js';
import { params } from './fake-model.js';

const BAR = '\u2501';

function setup(opts: { verbose: 0 | 1 | 2; epochs: number; steps: number; tty?: boolean }) {
  const writes: string[] = [];
  const clock = { t: 0 };
  const stream = { isTTY: opts.tty ?? false, write: (s: string) => void writes.push(s) };
  const logger = new ProgressLogger({ stream, now: () => clock.t });
  logger.setParams(params({ verbose: opts.verbose, epochs: opts.epochs, steps: opts.steps }));
  /** Runs one epoch: begin at `begin` ms, batch i ends at `batchTimes[i]`, epoch ends at `end`. */
  const epoch = (e: number, begin: number, batchTimes: number[], batchLogs: Logs[], end: number, logs: Logs): void => {
    clock.t = begin;
    logger.onEpochBegin(e);
    batchTimes.forEach((t, i) => {
      clock.t = t;
      logger.onBatchEnd(i, batchLogs[i]);
    });
    clock.t = end;
    logger.onEpochEnd(e, logs);
  };
  return { writes, epoch, clock, logger };
}

describe('ProgressLogger', () => {
  it('verbose 1 off a terminal: the header and the final line of each epoch, no colour codes', () => {
    const { writes, epoch } = setup({ verbose: 1, epochs: 2, steps: 4 });
    const batch = [{ loss: 0.5, mae: 0.25 }, { loss: 0.4, mae: 0.2 }, { loss: 0.3, mae: 0.1 }, { loss: 0.2, mae: 0.1 }];
    epoch(0, 0, [100, 150, 200, 250], batch, 300,
      { loss: 0.0123, mae: 0.0456, val_loss: 0.0005, val_mae: 0.0321, val_r2: -0.5 });
    // Epoch logs in another order: the columns keep the order the batch logs set.
    epoch(1, 1000, [1100, 1200, 1300, 1400], batch, 3500, { val_loss: 0.5, loss: 0.25, mae: 0.125 });
    expect(writes).toEqual([
      'Epoch 1/2\n',
      // (0.3 s - 0.1 s after the first step) / 3 steps = 67ms/step; 0.0005 prints as %.4e.
      `4/4 ${BAR.repeat(20)} 0s 67ms/step - loss: 0.0123 - mae: 0.0456 - val_loss: 5.0000e-04 - val_mae: 0.0321 - val_r2: -0.5000\n`,
      'Epoch 2/2\n',
      // 2.5 s rounds half-to-even to 2s, as Python's %.0f does.
      `4/4 ${BAR.repeat(20)} 2s 800ms/step - loss: 0.2500 - mae: 0.1250 - val_loss: 0.5000\n`,
    ]);
  });

  it('verbose 1 on a terminal: redraws in place at most every 50 ms, with ETA and padding', () => {
    const { writes, epoch } = setup({ verbose: 1, epochs: 1, steps: 4, tty: true });
    const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
    const bar = (filled: number) =>
      (filled > 0 ? `\x1b[32m${BAR.repeat(filled)}\x1b[0m` : '') + `\x1b[37m${BAR.repeat(20 - filled)}\x1b[0m`;
    epoch(0, 0, [100, 120, 200, 260], [{ loss: 0.5 }, { loss: 0.3 }, { loss: 0.1 }, { loss: 0.1 }], 300,
      { loss: 0.2, val_loss: 0.4 });
    expect(writes).toEqual([
      `\r${bold('1/4')} ${bar(5)} ${bold('0s')} 100ms/step - loss: 0.5000`,
      // Batch 1 came 20 ms after the last draw: skipped, but its value is in the running mean.
      // This line is one character shorter than the last: one space clears it.
      `\r${bold('3/4')} ${bar(15)} ${bold('0s')} 50ms/step - loss: 0.3000 `,
      `\r${bold('4/4')} ${bar(20)} ${bold('0s')} 53ms/step - loss: 0.2500`,
      `\r${bold('4/4')} ${bar(20)} ${bold('0s')} 67ms/step - loss: 0.2000 - val_loss: 0.4000\n`,
    ]);
  });

  it('formats the ETA as Keras does (s, m:ss, h:mm:ss)', () => {
    for (const [steps, eta] of [[50, '49s'], [1000, '16:39'], [10000, '2:46:39']] as const) {
      const { writes, logger, clock } = setup({ verbose: 1, epochs: 1, steps, tty: true });
      logger.onEpochBegin(0);
      clock.t = 1000;
      logger.onBatchEnd(0, { loss: 1 });
      expect(writes[0]).toContain(` \x1b[1m${eta}\x1b[0m 1s/step - loss: 1.0000`);
    }
  });

  it('verbose 2: one line per epoch, Keras\'s signed %.4e rule for small or negative values', () => {
    const { writes, epoch } = setup({ verbose: 2, epochs: 3, steps: 125 });
    epoch(0, 0, [10, 20], [{ loss: 1 }, { loss: 1 }], 500, { loss: 0.0123, val_loss: 0.0145, val_r2: -0.5 });
    epoch(1, 1000, [], [], 3600, { loss: 0.01, val_loss: 0.0009 });
    expect(writes).toEqual([
      'Epoch 1/3\n',
      '125/125 - 0s - 4ms/step - loss: 0.0123 - val_loss: 0.0145 - val_r2: -5.0000e-01\n',
      'Epoch 2/3\n',
      '125/125 - 3s - 21ms/step - loss: 0.0100 - val_loss: 9.0000e-04\n',
    ]);
  });

  it('prints nothing with verbose 0, and no header for a single epoch', () => {
    const quiet = setup({ verbose: 0, epochs: 3, steps: 2 });
    quiet.epoch(0, 0, [1, 2], [{ loss: 1 }, { loss: 1 }], 3, { loss: 1 });
    expect(quiet.writes).toEqual([]);
    const single = setup({ verbose: 2, epochs: 1, steps: 2 });
    single.epoch(0, 0, [], [], 2000, { loss: 1 });
    expect(single.writes).toEqual(['2/2 - 2s - 1s/step - loss: 1.0000\n']);
  });

  it('rejects bad options', () => {
    expect(() => new ProgressLogger({ stream: 5 } as never)).toThrow(
      new TypeError('Expected a writable stream for progressLogger.stream but received 5 of type number'),
    );
    expect(() => new ProgressLogger({ now: 'fast' } as never)).toThrow(
      new TypeError('Expected a function for progressLogger.now but received "fast" of type string'),
    );
    expect(() => new ProgressLogger({ streem: process.stdout } as never)).toThrow(
      new TypeError('Unknown option "streem" for progressLogger; did you mean "stream"?'),
    );
  });
});

describe('Python number formatting', () => {
  it('matches %.Nf, ties to even', () => {
    expect([pyFixed(2.5, 0), pyFixed(3.5, 0), pyFixed(0.5, 0), pyFixed(0.03125, 4), pyFixed(0.09375, 4)])
      .toEqual(['2', '4', '0', '0.0312', '0.0938']);
    expect([pyFixed(1234.56789, 4), pyFixed(-0.00001, 4), pyFixed(-0, 4), pyFixed(Number.NaN, 4)])
      .toEqual(['1234.5679', '-0.0000', '-0.0000', 'nan']);
  });

  it('matches %.4e', () => {
    expect([pyExp(0.0005, 4), pyExp(1.23456e-5, 4), pyExp(-1.03125, 4), pyExp(0, 4), pyExp(9.99995e-4, 4)])
      .toEqual(['5.0000e-04', '1.2346e-05', '-1.0312e+00', '0.0000e+00', '1.0000e-03']);
    expect([pyExp(1e-300, 4), pyExp(Infinity, 4), pyExp(-Infinity, 4)]).toEqual(['1.0000e-300', 'inf', '-inf']);
  });
});

/**
 * Distillation through the engine on a sine task: the student is far smaller, and its error is
 * within a stated factor of the teacher's; the report's figures are consistent.
 */
import { describe, expect, it } from 'vitest';
import { metrics, optimizers } from '../../../lib/index.js';
import { distill } from '../../../lib/compression/index.js';
import { lstmModel, sineTask } from './helpers.js';

/** Steps per window of the sine task (random phase and frequency per window, see helpers.ts). */
const LOOK_BACK = 12;

/** The stated factor: the distilled student's validation RMSE is at most this times the teacher's. */
const FACTOR = 1.5;

describe('distill through the engine', () => {
  it(`trains a student with < 1/4 of the parameters whose RMSE on a sine task is within ${FACTOR}x the teacher's`, async () => {
    const train = sineTask(768, 1, LOOK_BACK, 'random');
    const val = sineTask(256, 2, LOOK_BACK, 'random');
    const teacher = lstmModel(32, LOOK_BACK, 10);
    teacher.compile({ optimizer: optimizers.adam({ learningRate: 5e-3 }), loss: 'mse' });
    await teacher.fit(train.x, train.y, { epochs: 30, batchSize: 32, verbose: 0, seed: 1 });

    const student = lstmModel(12, LOOK_BACK, 20);
    const { history, report } = await distill({
      teacher,
      student,
      x: train.x,
      y: train.y,
      alpha: 0.5,
      compile: { optimizer: optimizers.adam({ learningRate: 5e-3 }), loss: 'mse' },
      fit: { epochs: 30, batchSize: 32, verbose: 0, seed: 2, validationData: [val.x, val.y] },
      latencyRuns: 5,
    });
    expect(history.epoch).toHaveLength(30);
    expect(report.teacherParams).toBe(4 * 32 * (1 + 32 + 1) + 33);
    expect(report.studentParams).toBe(4 * 12 * (1 + 12 + 1) + 13);
    expect(report.ratio).toBeLessThan(0.25);
    expect(report.student.rmse!).toBeLessThan(FACTOR * report.teacher.rmse!);
    // The report's RMSE is the student's own, on the true validation targets.
    const own = metrics.rmse(val.y.data, (await student.predict(val.x)).data);
    expect(report.student.rmse!).toBeCloseTo(own, 6);
    expect(history.history.val_loss!.at(-1)!).toBeCloseTo(own * own, 3);
    for (const m of [report.teacher, report.student]) {
      expect(m.latencyMs.batch1).toBeGreaterThan(0);
      expect(m.latencyMs.batch256).toBeGreaterThan(m.latencyMs.batch1);
    }
    teacher.dispose();
    student.dispose();
  }, 180_000);
});

/**
 * tpeSearch on the real engine: a tiny LSTM on a sine, 4 trials of 3 epochs with the median
 * pruner. A hopeless trial (a learning rate too small to move) is pruned after its first epoch,
 * the others complete, only the best model survives, and it predicts.
 */
import { describe, expect, it } from 'vitest';
import { initializers, layers, optimizers, sequential } from '../../../lib/index.js';
import { float, int } from '../../../lib/tuning/distributions.js';
import { medianPruner } from '../../../lib/tuning/pruners.js';
import { tpeSearch } from '../../../lib/tuning/search.js';

function sineWindows(n: number, lookBack: number) {
  const series = Array.from({ length: n + lookBack }, (_, t) => Math.sin(0.2 * t));
  const x = new Float32Array(n * lookBack);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < lookBack; k++) x[i * lookBack + k] = series[i + k]!;
    y[i] = series[i + lookBack]!;
  }
  return { x: { data: x, shape: [n, lookBack, 1] }, y: { data: y, shape: [n, 1] } };
}

describe('tpeSearch (native)', () => {
  it('prunes a hopeless trial, completes the others, and returns a best model that predicts', async () => {
    const started = performance.now();
    const { x, y } = sineWindows(240, 10);
    const disposed: boolean[] = [];
    const result = await tpeSearch({
      build: ({ units, learningRate }) => {
        const model = sequential([
          layers.lstm({ units, inputShape: [10, 1], kernelInitializer: initializers.glorotUniform({ seed: 1 }), recurrentInitializer: initializers.orthogonal({ seed: 2 }) }),
          layers.dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: 3 }) }),
        ]);
        model.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'mse' });
        const dispose = model.dispose.bind(model);
        const index = disposed.push(false) - 1;
        model.dispose = () => {
          disposed[index] = true;
          dispose();
        };
        return model;
      },
      space: { units: int(4, 16), learningRate: float(1e-3, 3e-2, { log: true }) },
      fit: { x, y, epochs: 3, batchSize: 16, validationSplit: 0.25, shuffle: false },
      nTrials: 4,
      seed: 5,
      pruner: medianPruner({ nStartupTrials: 1 }),
      enqueue: [{ units: 8, learningRate: 0.02 }, { units: 8, learningRate: 0.001 }],
      verbose: 0,
    });
    const [good, slow] = result.trials;
    expect(good!.state).toBe('COMPLETE');
    expect(good!.history.val_loss).toHaveLength(3);
    // Same initial weights, 20x smaller steps: its first-epoch val_loss is above trial 0's (the median of one).
    expect(slow!.state).toBe('PRUNED');
    expect(slow!.history.val_loss).toHaveLength(1);
    expect(slow!.value).toBeGreaterThan(good!.history.val_loss![0]!);
    expect(result.trials).toHaveLength(4);
    for (const t of result.trials) expect(['COMPLETE', 'PRUNED']).toContain(t.state);
    expect(result.bestTrial.state).toBe('COMPLETE');
    expect(disposed.filter((d) => !d)).toHaveLength(1);

    const prediction = await result.bestModel.predict(x);
    expect(prediction.shape).toEqual([240, 1]);
    expect(Array.from(prediction.data).every(Number.isFinite)).toBe(true);
    // The model holds the weights that scored bestValue on the validation tail (the last 60 windows).
    const tail = { data: x.data.slice(180 * 10), shape: [60, 10, 1] };
    const tailY = { data: y.data.slice(180), shape: [60, 1] };
    const { loss } = await result.bestModel.evaluate(tail, tailY, { verbose: 0 });
    expect(loss).toBeCloseTo(result.bestValue, 4);
    result.bestModel.dispose();
    expect((performance.now() - started) / 1000).toBeLessThan(20);
  }, 60_000);
});

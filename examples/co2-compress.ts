/**
 * Compressing the CO2 forecaster (the article's section 6.3): magnitude pruning with
 * fine-tuning, and knowledge distillation into a student with about a quarter of the weights.
 *
 * 1. Data and model of examples/co2-forecast.ts: monthly Mauna Loa CO2, the last 20% held out,
 *    first differences scaled on the training part, windows of `lookBack` months;
 *    LSTM(64, returnSequences, dropout 0.2) -> LSTM(32, recurrentDropout 0.1) -> Dense(1),
 *    Adam(1e-3, clipValue 1), mse. The last 20% of the training windows validate.
 * 2. Dense model: trained with EarlyStopping and ReduceLROnPlateau on val_loss.
 * 3. Fine-tuning recipe, shared by the next two rows: a copy of the dense weights in the same
 *    architecture with dropout off, Adam(`--finetune-lr`), at most `--finetune-epochs` epochs,
 *    EarlyStopping(patience 8, restoreBestWeights) on val_loss.
 *    - dense, fine-tuned: the recipe alone. The control that isolates what pruning costs (the
 *      recipe by itself changes the RMSE: this model's dropout is strong for one input feature),
 *      and the teacher of step 4.
 *    - pruned: `compression.prune` to `--sparsity` (one global magnitude threshold over kernels
 *      and recurrent kernels), then the recipe; the masks keep pruned weights at zero through
 *      every optimizer step. The bar: held-out RMSE within 2% of the dense model's.
 * 4. Student: LSTM(32, returnSequences) -> LSTM(16) -> Dense(1), dropout off (~1/4 of the
 *    parameters), trained by `compression.distill` on alpha * y + (1 - alpha) * teacher
 *    predictions; next to the same student trained on y alone (no teacher), the baseline that
 *    shows what the teacher adds.
 * 5. A table: parameters (non-zero ones for the pruned model), float32 size, one-step-ahead RMSE
 *    in ppm on the held-out tail, and median predict latency at batch 1 and 256 (the models timed
 *    interleaved, so a busy machine slows them alike).
 *
 * Options: --epochs N (dense, default 100), --look-back N (default 24), --sparsity S (default
 * 0.5), --finetune-epochs N (default 30), --finetune-lr LR (default 3e-4), --distill-epochs N
 * (default 100), --alpha A (default 0.5), --seed N (default 7), --verbose 0|1|2 (default 0).
 */
import { callbacks, compression, initializers, layers, metrics, optimizers, preprocessing, sequential, type Sequential, type TensorLike, versions } from 'torch-lstm';
import { loadMonthly, prepareLevels } from './co2-data.js';
import { option } from './options.js';

const epochs = option('epochs', 100);
const lookBack = option('look-back', 24);
const sparsity = option('sparsity', 0.5);
const finetuneEpochs = option('finetune-epochs', 30);
const finetuneLr = option('finetune-lr', 3e-4);
const distillEpochs = option('distill-epochs', 100);
const alpha = option('alpha', 0.5);
const seed = option('seed', 7);
const verbose = option('verbose', 0) as 0 | 1 | 2;
const runStarted = performance.now();

// --- 1. Data: the preparation of co2-forecast ------------------------------------------------
const { values: levels } = loadMonthly();
const { testStart, differencer, scaler, scaled } = prepareLevels(levels);
const { x, y } = preprocessing.createDataset(scaled, { lookBack });
const firstTestSample = testStart - lookBack - 1; // sample k predicts the level at k + lookBack + 1
const splitAt = Math.floor(firstTestSample * 0.8); // the last 20% of the training windows validate
const xTrain = x.slice(0, splitAt);
const yTrain = y.slice(0, splitAt);
const validation: [number[][][], number[]] = [x.slice(splitAt, firstTestSample), y.slice(splitAt, firstTestSample)];
const xTest = x.slice(firstTestSample);
const actual = levels.slice(testStart);
console.log(`torch-lstm ${versions().torchLstm} on LibTorch ${versions().torch}`);
console.log(`CO2: ${xTrain.length} training, ${validation[0].length} validation windows; test tail ${actual.length} months`);

/** One-step-ahead RMSE in ppm on the held-out tail. */
async function testRmse(model: Sequential): Promise<number> {
  const predicted = await model.predict(xTest);
  const levelsPredicted = differencer.inverseOneStep(scaler.inverseTransform(Array.from(predicted.data)), levels, testStart);
  return metrics.rmse(actual, levelsPredicted);
}

/**
 * Median predict latency (ms) of each model on `rows` windows: `rounds` rounds of `runs` calls,
 * the models interleaved round by round so that a busy machine slows them alike.
 */
async function latencies(models: Sequential[], rows: number, runs = 20, rounds = 3): Promise<number[]> {
  const windows = Array.from({ length: rows }, (_, r) => x[r % x.length]!.flat());
  const batch: TensorLike = { data: Float32Array.from(windows.flat()), shape: [rows, lookBack, 1] };
  const times: number[][] = models.map(() => []);
  for (const model of models) for (let i = 0; i < 3; i++) await model.predict(batch, { batchSize: rows }); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [k, model] of models.entries()) {
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        await model.predict(batch, { batchSize: rows });
        times[k]!.push(performance.now() - start);
      }
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]!);
}

const countNonZero = (model: Sequential) => model.getWeights().reduce((n, w) => n + w.data.reduce((k, v) => k + (v !== 0 ? 1 : 0), 0), 0);
const countParams = (model: Sequential) => model.getWeights().reduce((n, w) => n + w.size, 0);

/** The article's model (`width` 1) or the student (0.5), with or without its dropout. */
function build(width: number, offset: number, dropout: boolean): Sequential {
  const init = (k: number) => ({
    kernelInitializer: initializers.glorotUniform({ seed: seed * 10 + offset + k }),
    recurrentInitializer: initializers.orthogonal({ seed: seed * 10 + offset + k + 1 }),
  });
  return sequential([
    layers.lstm({ units: 64 * width, inputShape: [lookBack, 1], returnSequences: true, dropout: dropout ? 0.2 : 0, ...init(0) }),
    layers.lstm({ units: 32 * width, recurrentDropout: dropout ? 0.1 : 0, ...init(2) }),
    layers.dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed * 10 + offset + 4 }) }),
  ]);
}
const compileArgs = (learningRate: number) => ({ optimizer: optimizers.adam({ learningRate, clipValue: 1.0 }), loss: 'mse' as const });
const plateau = () => [
  callbacks.earlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true }),
  callbacks.reduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 5 }),
];
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

// --- 2. The dense model ------------------------------------------------------------------------
let t = performance.now();
const dense = build(1, 0, true);
dense.compile(compileArgs(1e-3));
const denseHistory = await dense.fit(xTrain, yTrain, { epochs, batchSize: 32, validationData: validation, seed, verbose, callbacks: plateau() });
const denseRmse = await testRmse(dense);
console.log(`Dense: ${denseHistory.epoch.length} epochs in ${seconds(t)}, test RMSE ${denseRmse.toFixed(4)} ppm`);

// --- 3. The fine-tuning recipe: the control, and the pruned model -----------------------------
/** A copy of the dense weights, dropout off, compiled for fine-tuning. */
function denseCopy(): Sequential {
  const copy = build(1, 0, false);
  copy.setWeights(dense.getWeights());
  copy.compile(compileArgs(finetuneLr));
  return copy;
}
const fineTune = (model: Sequential) =>
  model.fit(xTrain, yTrain, {
    epochs: finetuneEpochs, batchSize: 32, validationData: validation, seed: seed + 1, verbose,
    callbacks: [callbacks.earlyStopping({ monitor: 'val_loss', patience: 8, restoreBestWeights: true })],
  });

t = performance.now();
const control = denseCopy();
const controlHistory = await fineTune(control);
const controlRmse = await testRmse(control);
console.log(`Dense, fine-tuned: ${controlHistory.epoch.length} epochs (lr ${finetuneLr}, no dropout) in ${seconds(t)}, test RMSE ${controlRmse.toFixed(4)} ppm`);

t = performance.now();
const pruned = denseCopy();
const report = compression.prune(pruned, { sparsity, scope: 'global' });
const oneShotRmse = await testRmse(pruned);
console.log(
  `Pruned ${report.paramsPruned} of ${report.prunableParams} kernel weights (${(report.sparsity * 100).toFixed(1)}%: ` +
    report.weights.map((w) => `${w.name} ${(w.sparsity * 100).toFixed(1)}%`).join(', ') +
    `), test RMSE ${oneShotRmse.toFixed(4)} ppm before fine-tuning`,
);
const prunedHistory = await fineTune(pruned);
const prunedRmse = await testRmse(pruned);
const stillZero = pruned.getWeights().reduce((n, w) => n + w.data.reduce((k, v) => k + (v === 0 ? 1 : 0), 0), 0);
compression.stripPruning(pruned);
console.log(`Pruned, fine-tuned: ${prunedHistory.epoch.length} epochs in ${seconds(t)}, test RMSE ${prunedRmse.toFixed(4)} ppm, ${stillZero} weights at zero`);

// --- 4. A student with a quarter of the weights: distilled, and on y alone ---------------------
t = performance.now();
const student = build(0.5, 50, false);
const studentFit = { epochs: distillEpochs, batchSize: 32, validationData: validation, seed: seed + 2, verbose, callbacks: plateau() };
const distilled = await compression.distill({
  teacher: control, student, x: xTrain, y: yTrain, alpha, compile: compileArgs(1e-3), fit: studentFit, latencyRuns: 10,
});
const studentRmse = await testRmse(student);
const { report: d } = distilled;
console.log(
  `Distilled: ${distilled.history.epoch.length} epochs (alpha ${alpha}) in ${seconds(t)}, test RMSE ${studentRmse.toFixed(4)} ppm; ` +
    `report: ${d.studentParams} vs ${d.teacherParams} params (ratio ${d.ratio.toFixed(3)}), validation RMSE of the scaled ` +
    `differences ${d.student.rmse!.toFixed(4)} vs the teacher's ${d.teacher.rmse!.toFixed(4)}`,
);
t = performance.now();
const alone = build(0.5, 50, false);
alone.compile(compileArgs(1e-3));
const aloneHistory = await alone.fit(xTrain, yTrain, { ...studentFit, callbacks: plateau() });
const aloneRmse = await testRmse(alone);
console.log(`Student on y alone: ${aloneHistory.epoch.length} epochs in ${seconds(t)}, test RMSE ${aloneRmse.toFixed(4)} ppm`);

// --- 5. The trade-off -----------------------------------------------------------------------------
const models = [dense, control, pruned, student, alone];
const [b1, b256] = [await latencies(models, 1), await latencies(models, 256)];
const rows = [
  { name: 'dense (article)', params: countParams(dense), rmse: denseRmse },
  { name: 'dense, fine-tuned (teacher)', params: countParams(control), rmse: controlRmse },
  { name: `pruned ${Math.round(sparsity * 100)}%, fine-tuned`, params: countNonZero(pruned), rmse: prunedRmse },
  { name: 'student, distilled', params: countParams(student), rmse: studentRmse },
  { name: 'student, y alone', params: countParams(alone), rmse: aloneRmse },
].map((r, k) => ({ ...r, b1: b1[k]!, b256: b256[k]! }));
const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)}%`;
console.log(`\n${'model'.padEnd(29)}${'params'.padStart(7)}${'KiB f32'.padStart(9)}${'RMSE ppm'.padStart(10)}${'vs dense'.padStart(10)}${'ms @1'.padStart(8)}${'ms @256'.padStart(9)}`);
for (const r of rows) {
  console.log(
    r.name.padEnd(29) + String(r.params).padStart(7) + ((r.params * 4) / 1024).toFixed(1).padStart(9) + r.rmse.toFixed(4).padStart(10) +
      pct(r.rmse, denseRmse).padStart(10) + r.b1.toFixed(3).padStart(8) + r.b256.toFixed(2).padStart(9),
  );
}
const within = (prunedRmse - denseRmse) / denseRmse <= 0.02;
console.log(
  `\nPruned: RMSE ${within ? 'within' : 'NOT within'} 2% of the dense model's (${pct(prunedRmse, denseRmse)}); against the dense model ` +
    `fine-tuned the same way, ${pct(prunedRmse, controlRmse)}: that is what pruning itself costs. Its params and size count the ` +
    `non-zero weights (a sparse format would add indices); LibTorch's dense kernels still multiply the zeros, so its latency is ` +
    `the dense model's.`,
);
console.log(
  `Student: ${(d.ratio * 100).toFixed(1)}% of the parameters, RMSE ${pct(studentRmse, controlRmse)} against its teacher ` +
    `(${pct(aloneRmse, controlRmse)} when trained on y alone).`,
);
console.log(`Total ${seconds(runStarted)}`);
for (const m of models) m.dispose();

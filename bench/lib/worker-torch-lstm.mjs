// torch-lstm as a benchmark peer: the library as users get it (dist/index.js), Keras-style API.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runWorker } from './worker.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

await runWorker('torch-lstm', async (job) => {
  const tl = await import(pathToFileURL(path.join(root, 'dist/index.js')).href);
  if (job.threads) tl.setNumThreads(job.threads.aten, job.threads.blas);
  let model;
  return {
    async info() {
      return {
        versions: tl.versions(),
        threads: {
          ...tl.getThreadInfo(),
          OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? null,
          OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? null,
          OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? null,
          chosen: job.threads ? 'set by bench (--threads or --threads-sweep)' : 'library default',
        },
      };
    },
    async build(workload, inputShape) {
      const { text } = workload;
      const first = text ? [tl.layers.embedding({ inputDim: text.vocab, outputDim: text.embed, inputShape })] : [];
      model = tl.sequential([
        ...first,
        ...workload.layers.map((l, i) => tl.layers.lstm(i === 0 && !text ? { ...l, inputShape } : l)),
        tl.layers.dense({ units: 1, ...(text ? { activation: 'sigmoid' } : {}) }),
      ]);
      model.compile({
        optimizer: tl.optimizers.adam({ learningRate: 1e-3 }),
        loss: text ? 'binaryCrossentropy' : 'mse',
        ...(workload.precision ? { precision: workload.precision } : {}),
      });
    },
    async fit(x, y, { epochs, batch, seed, onEpochEnd }) {
      await model.fit(x, y, {
        epochs, batchSize: batch, shuffle: true, seed, verbose: 0,
        callbacks: [{ onEpochEnd: (_epoch, logs) => onEpochEnd(logs?.loss) }],
      });
    },
    async predict(x, batch) {
      await model.predict(x, { batchSize: batch });
    },
    async predictOne(x1) {
      await model.predict(x1);
    },
  };
});

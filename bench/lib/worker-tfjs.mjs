// @tensorflow/tfjs as a benchmark peer: `node worker-tfjs.mjs '<job>'` with job.backend 'cpu'
// (pure JS) or 'wasm' (@tensorflow/tfjs-backend-wasm). The same Keras model through tfjs-layers.
import { runWorker } from './worker.mjs';

const job0 = JSON.parse(process.argv[2]);
const system = `tfjs-${job0.backend}`;

await runWorker(system, async (job) => {
  // tfjs prints a hint about tfjs-node on import: keep stdout for JSON lines only.
  const log = console.log;
  console.log = (...a) => process.stderr.write(`${a.join(' ')}\n`);
  const tf = await import('@tensorflow/tfjs');
  let wasm;
  if (job.backend === 'wasm') wasm = await import('@tensorflow/tfjs-backend-wasm');
  console.log = log;
  if (!(await tf.setBackend(job.backend))) throw new Error(`tfjs backend ${job.backend} failed to initialise`);
  await tf.ready();
  let model;
  const tensor = ({ data, shape }) => tf.tensor(data, shape, 'float32');
  return {
    async info() {
      const threads = job.backend === 'wasm'
        ? { wasm_threads: wasm.getThreadsCount(), simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
            multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') }
        : { js: 1, note: 'pure JS on the main thread' };
      return { versions: { tfjs: tf.version.tfjs, backend: tf.getBackend() }, threads };
    },
    async build(workload, inputShape) {
      model = tf.sequential({
        layers: [
          // glorotUniform instead of Keras's orthogonal recurrent initializer: the initial values do
          // not change the cost of a step, and tfjs's orthogonal init (a Gram-Schmidt in JS) took
          // ~13 minutes for the two 256-unit layers of W2-256 on the cpu backend here.
          ...workload.layers.map((l, i) =>
            tf.layers.lstm({ ...l, recurrentInitializer: 'glorotUniform', ...(i === 0 ? { inputShape } : {}) })),
          tf.layers.dense({ units: 1 }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
    },
    async fit(x, y, { epochs, batch, onEpochEnd }) {
      const xs = tensor(x);
      const ys = tensor({ data: y.data, shape: [y.shape[0], 1] });
      await model.fit(xs, ys, {
        epochs, batchSize: batch, shuffle: true, verbose: 0, yieldEvery: 'never',
        callbacks: { onEpochEnd: (_epoch, logs) => onEpochEnd(logs?.loss) },
      });
      tf.dispose([xs, ys]);
    },
    async predict(x, batch) {
      const xs = tensor(x);
      const out = model.predict(xs, { batchSize: batch });
      await out.data();
      tf.dispose([xs, out]);
    },
    async predictOne(x1) {
      const xs = tensor(x1);
      const out = model.predict(xs);
      await out.data();
      tf.dispose([xs, out]);
    },
  };
});

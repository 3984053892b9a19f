/**
 * The article's recurrent variants on the CO2 forecast, compared in one table: the demo's
 * stacked LSTM, a bidirectional LSTM (BiLSTM: each window read forwards and backwards) and a GRU
 * (Keras's reset_after variant), same windows (24 months), same training recipe, scored
 * one-step-ahead on the held-out last 20% in ppm next to the naive baselines.
 *
 * Options: --epochs N (default 60), --look-back N (default 24), --seed N (default 7).
 * Run: `npm run build && node dist/examples/co2-variants.js`.
 */
import { initializers, layers, sequential, versions } from 'torch-lstm';
import { co2Data, printTable, runCo2 } from './co2-experiment.js';
import { option } from './options.js';

const epochs = option('epochs', 60);
const lookBack = option('look-back', 24);
const seed = option('seed', 7);
const data = co2Data(lookBack);
const init = (offset: number) => ({
  kernelInitializer: initializers.glorotUniform({ seed: seed * 10 + offset }),
  recurrentInitializer: initializers.orthogonal({ seed: seed * 10 + offset + 1 }),
});
const head = () => layers.dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed * 10 + 9 }) });
console.log(`torch-lstm ${versions().torchLstm} on LibTorch ${versions().torch}; windows of ${lookBack} months`);

const rows = [];
rows.push(
  await runCo2(
    'LSTM(64) -> LSTM(32)',
    sequential([
      layers.lstm({ units: 64, inputShape: [lookBack, 1], returnSequences: true, dropout: 0.2, ...init(0) }),
      layers.lstm({ units: 32, ...init(2) }),
      head(),
    ]),
    data,
    { epochs, seed },
  ),
);
rows.push(
  await runCo2(
    'BiLSTM(32, concat) -> LSTM(32)',
    sequential([
      layers.bidirectional({ layer: layers.lstm({ units: 32, returnSequences: true, ...init(0) }), mergeMode: 'concat', inputShape: [lookBack, 1] }),
      layers.lstm({ units: 32, ...init(2) }),
      head(),
    ]),
    data,
    { epochs, seed },
  ),
);
rows.push(
  await runCo2(
    'GRU(64) -> GRU(32)',
    sequential([
      layers.gru({ units: 64, inputShape: [lookBack, 1], returnSequences: true, dropout: 0.2, ...init(0) }),
      layers.gru({ units: 32, ...init(2) }),
      head(),
    ]),
    data,
    { epochs, seed },
  ),
);
printTable(`One-step-ahead on the held-out months (ppm), ${epochs} epochs at most:`, rows, data);

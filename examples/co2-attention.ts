/**
 * The article's section 7 hybrid on a long-sequence task: ten years of monthly CO2 differences
 * (120 steps) per window. An LSTM reads the window and returns its whole output sequence (the
 * local feature extractor of the article's section 7); a dot-product self-attention lets every
 * step look at every other (the article's `Attention()([lstm_out, lstm_out])`); the attention
 * context, next to the LSTM's own outputs, feeds a second LSTM that makes the forecast. Compared
 * with the same stack without attention, and with a single LSTM, on the same windows; the hybrid
 * is written in the functional API exactly as the article writes it.
 *
 * Options: --epochs N (default 60), --look-back N (default 120), --seed N (default 7).
 * Run: `npm run build && node dist/examples/co2-attention.js`.
 */
import { initializers, input, layers, model, sequential, versions } from 'torch-lstm';
import { co2Data, printTable, runCo2 } from './co2-experiment.js';
import { option } from './options.js';

const epochs = option('epochs', 60);
const lookBack = option('look-back', 120);
const seed = option('seed', 7);
const data = co2Data(lookBack);
const init = { kernelInitializer: initializers.glorotUniform({ seed }), recurrentInitializer: initializers.orthogonal({ seed: seed + 1 }) };
console.log(`torch-lstm ${versions().torchLstm} on LibTorch ${versions().torch}; windows of ${lookBack} months`);

const init2 = { kernelInitializer: initializers.glorotUniform({ seed: seed + 2 }), recurrentInitializer: initializers.orthogonal({ seed: seed + 3 }) };

// The article's snippet, in TypeScript, inside a forecaster.
const inputs = input({ shape: [lookBack, 1] });
const lstmOut = layers.lstm({ units: 64, returnSequences: true, ...init }).apply(inputs);
const attention = layers.attention().apply([lstmOut, lstmOut]); // self-attention
const features = layers.concatenate().apply([lstmOut, attention]);
const outputs = layers.dense({ units: 1 }).apply(layers.lstm({ units: 32, ...init2 }).apply(features));
const hybrid = model({ inputs, outputs, name: 'lstm_attention' });
hybrid.summary();

const rows = [
  await runCo2(
    'LSTM(64)',
    sequential([layers.lstm({ units: 64, inputShape: [lookBack, 1], ...init }), layers.dense({ units: 1 })]),
    data,
    { epochs, seed },
  ),
  await runCo2(
    'LSTM(64) -> LSTM(32)',
    sequential([
      layers.lstm({ units: 64, inputShape: [lookBack, 1], returnSequences: true, ...init }),
      layers.lstm({ units: 32, ...init2 }),
      layers.dense({ units: 1 }),
    ]),
    data,
    { epochs, seed },
  ),
  await runCo2('LSTM(64) + self-attention -> LSTM(32)', hybrid, data, { epochs, seed }),
];
printTable(`One-step-ahead on the held-out months (ppm), ${epochs} epochs at most:`, rows, data);

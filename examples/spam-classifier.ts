/**
 * The article's section 5.2 text classifier on the real SpamAssassin corpus: spam or ham?
 *
 *   Embedding(10000, 128, maskZero) -> LSTM(64, dropout 0.2) -> Dense(1, sigmoid)
 *
 * 1. Load the corpus (examples/spam-data.ts: Subject + body, 5,916 distinct emails) and split
 *    it 80/20, stratified and deterministic.
 * 2. Fit a Keras Tokenizer on the training texts only (10,000 words, an OOV token) and turn
 *    every email into word indices, cut to the first `maxLen` words (the subject and the opening
 *    lines carry the signal).
 * 3. Batch by length (`bucketBySequenceLength`): each batch is padded at the end only to its
 *    own longest email, and the Embedding's mask tells the LSTM where each email ends.
 * 4. Train with binary crossentropy and Adam, then report held-out accuracy, precision,
 *    recall and F1 on the 20% test split, with the runtime.
 *
 * Options: --epochs N (default 4), --max-len N (default 200), --seed N (default 7).
 * Run it from the repository: `npm run build && node dist/examples/spam-classifier.js`.
 */
import { layers, losses, metrics, preprocessing, sequential, Tensor, versions } from 'torch-lstm';
import { loadEmails, trainTestSplit } from './spam-data.js';
import { option } from './options.js';

const epochs = option('epochs', 4);
const maxLen = option('max-len', 200);
const seed = option('seed', 7);
const numWords = 10000;
const started = performance.now();

// --- 1. Data ---------------------------------------------------------------------------------
const { train, test } = trainTestSplit(loadEmails(), { testFraction: 0.2, seed });
console.log(`torch-lstm ${versions().torchLstm} on LibTorch ${versions().torch}`);
console.log(
  `SpamAssassin: ${train.length} training emails (${train.filter((e) => e.label === 1).length} spam), ` +
    `${test.length} test emails (${test.filter((e) => e.label === 1).length} spam)`,
);

// --- 2. Words -> indices (the vocabulary comes from the training texts only) ---------------
const tokenizer = new preprocessing.Tokenizer({ numWords, oovToken: '<oov>' });
tokenizer.fitOnTexts(train.map((e) => e.text));
const encode = (texts: string[]): number[][] =>
  tokenizer.textsToSequences(texts).map((s) => (s.length === 0 ? [1] : s.slice(0, maxLen)));
const trainSeqs = encode(train.map((e) => e.text));
const testSeqs = encode(test.map((e) => e.text));

// --- 3. The model --------------------------------------------------------------------------
const model = sequential([
  layers.embedding({ inputDim: numWords, outputDim: 128, maskZero: true, inputShape: [null] }),
  layers.lstm({ units: 64, dropout: 0.2 }),
  layers.dense({ units: 1, activation: 'sigmoid' }),
]);
model.compile({ optimizer: 'adam', loss: losses.binaryCrossentropy(), metrics: ['accuracy'] });
model.summary();

// --- 4. Train on length buckets (each batch padded only to its longest email) --------------
const bounds = [32, 64, 128];
for (let epoch = 0; epoch < epochs; epoch++) {
  const batches = preprocessing.bucketBySequenceLength(
    trainSeqs,
    train.map((e) => e.label),
    { bucketBoundaries: bounds, bucketBatchSizes: [32, 32, 32, 32], shuffle: true, seed: seed + epoch },
  );
  let lossSum = 0;
  let seen = 0;
  const t0 = performance.now();
  for (const batch of batches) {
    const history = await model.fit(batch.x, batch.y, { epochs: 1, batchSize: batch.lengths.length, verbose: 0, shuffle: false });
    lossSum += history.history.loss![0]! * batch.lengths.length;
    seen += batch.lengths.length;
  }
  console.log(`epoch ${epoch + 1}/${epochs}: loss ${(lossSum / seen).toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

// --- 5. Held-out scores ------------------------------------------------------------------------
const xTest = preprocessing.padSequences(testSeqs, { maxlen: maxLen, padding: 'post', truncating: 'post' });
const probabilities = (await model.predict(xTest, { batchSize: 64 })) as Tensor;
const scores = metrics.binaryClassification(test.map((e) => e.label), probabilities);
const seconds = (performance.now() - started) / 1000;
console.log(
  `held-out: accuracy ${(scores.accuracy * 100).toFixed(2)}%, precision ${(scores.precision * 100).toFixed(2)}%, ` +
    `recall ${(scores.recall * 100).toFixed(2)}%, F1 ${(scores.f1 * 100).toFixed(2)}%`,
);
console.log(`runtime ${seconds.toFixed(1)} s`);
model.dispose();

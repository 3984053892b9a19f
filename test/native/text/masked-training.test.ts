/**
 * Variable-length sequences train as if each were alone: a bucketed, padded, masked batch
 * (Embedding maskZero -> LSTM / GRU / Bidirectional -> Dense) gives the loss and the gradients
 * of the same sequences computed one by one without padding, and bucketing changes nothing but
 * the padding.
 */
import { describe, expect, it } from 'vitest';
import { initializers, layers, preprocessing, sequential, type Sequential, type Tensor } from '../../../lib/index.js';

const VOCAB = 30;

/** Token sequences of lengths 3..11 (no zeros: 0 is padding). */
function sequences(n: number): number[][] {
  let s = 99;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => Array.from({ length: 3 + Math.floor(rnd() * 9) }, () => 1 + Math.floor(rnd() * (VOCAB - 1))));
}

function classifier(kind: 'lstm' | 'gru' | 'bidirectional'): Sequential {
  const init = { kernelInitializer: initializers.glorotUniform({ seed: 2 }), recurrentInitializer: initializers.orthogonal({ seed: 3 }) };
  const recurrent =
    kind === 'lstm'
      ? layers.lstm({ units: 6, ...init })
      : kind === 'gru'
        ? layers.gru({ units: 6, ...init })
        : layers.bidirectional({ layer: layers.lstm({ units: 4, ...init }), mergeMode: 'concat' });
  const m = sequential([
    layers.embedding({ inputDim: VOCAB, outputDim: 5, maskZero: true, inputShape: [null], embeddingsInitializer: initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 1 }) }),
    recurrent,
    layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: initializers.glorotUniform({ seed: 4 }) }),
  ]);
  m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
  return m;
}

const row = (seq: number[]) => ({ data: Float32Array.from(seq), shape: [1, seq.length] });

describe.each(['lstm', 'gru', 'bidirectional'] as const)('masked %s training', (kind) => {
  it('a bucketed, padded batch has the loss and gradients of its sequences taken one by one', async () => {
    const m = classifier(kind);
    const seqs = sequences(12);
    const labels = seqs.map((s) => (s[0]! > VOCAB / 2 ? 1 : 0));
    const batches = preprocessing.bucketBySequenceLength(seqs, labels, { bucketBoundaries: [6, 9], bucketBatchSizes: [4, 4, 4] });
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      // Padded at the end to the batch's longest sequence: the Embedding's mask hides the padding.
      const { loss } = await m.evaluate(batch.x, batch.y, { verbose: 0, batchSize: 64 });
      const grads = await m.gradients(batch.x, batch.y);
      let sum = 0;
      const gradSum = grads.map((g) => new Float64Array(g.data.length));
      for (const [k, index] of batch.indices.entries()) {
        const y = { data: Float32Array.of(labels[index]!), shape: [1, 1] };
        sum += (await m.evaluate(row(seqs[index]!), y, { verbose: 0 })).loss!;
        const g = await m.gradients(row(seqs[index]!), y);
        g.forEach((t, i) => t.data.forEach((v, j) => (gradSum[i]![j]! += v)));
        expect(batch.lengths[k]).toBe(seqs[index]!.length);
      }
      const n = batch.indices.length;
      expect(Math.abs(loss! - sum / n)).toBeLessThan(1e-6);
      grads.forEach((g, i) => g.data.forEach((v, j) => expect(Math.abs(v - gradSum[i]![j]! / n)).toBeLessThan(1e-5)));
    }
    m.dispose();
  });
});

describe('padding choices', () => {
  it('pre- and post-padded batches predict the same as the unpadded sequences', async () => {
    const m = classifier('lstm');
    const seqs = sequences(6);
    const alone = await Promise.all(seqs.map(async (s) => ((await m.predict(row(s))) as Tensor).data[0]!));
    for (const padding of ['pre', 'post'] as const) {
      const padded = preprocessing.padSequences(seqs, { padding });
      const out = (await m.predict(padded)) as Tensor;
      alone.forEach((v, i) => expect(Math.abs(out.data[i]! - v)).toBeLessThan(1e-5));
    }
    m.dispose();
  });
});

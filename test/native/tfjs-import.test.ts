/**
 * TensorFlow.js import: a model built and saved by `@tensorflow/tfjs` (to a directory, through a
 * custom IOHandler writing what tfjs-node's `file://` handler writes: `model.json` with
 * `modelTopology` and `weightsManifest`, and the weight shards) loads with `loadLayersModel` and
 * predicts what tfjs predicts (1e-5); a manifest whose byte length differs from the shards, a
 * missing shard, tfjs's hard_sigmoid and a graph model are clear errors.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModel, ModelFileError } from '../../lib/io/index.js';
import { scratchDir } from './io/helpers.js';
import { expectClose, randomTensor } from './numerics/helpers.js';

const TOL = 1e-5;
const T = 5;
const F = 3;
const { fresh } = scratchDir('torch-lstm-tfjs-import-');

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** Saves `model` to a fresh directory as tfjs-node would, the weights split into `shards` files. */
async function saveToDir(model: tf.LayersModel, shards = 1, includeOptimizer = false): Promise<string> {
  const dir = fresh('model');
  mkdirSync(dir);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = new Uint8Array(artifacts.weightData as ArrayBuffer);
      const size = Math.ceil(data.length / shards);
      const paths: string[] = [];
      for (let i = 0; i < shards; i++) {
        const name = shards === 1 ? 'weights.bin' : `group1-shard${i + 1}of${shards}.bin`;
        writeFileSync(path.join(dir, name), data.subarray(i * size, Math.min(data.length, (i + 1) * size)));
        paths.push(name);
      }
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
      };
      writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer },
  );
  return dir;
}

/** LSTM(4, returnSequences) -> Dropout -> LSTM(3) -> Dense(2, tanh), every weight random (biases too). */
function tfjsModel(recurrentActivation: 'sigmoid' | 'hardSigmoid' = 'sigmoid'): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 4, inputShape: [T, F], returnSequences: true, recurrentActivation }));
  model.add(tf.layers.dropout({ rate: 0.25 }));
  model.add(tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', goBackwards: true }));
  model.add(tf.layers.dense({ units: 2, activation: 'tanh' }));
  model.setWeights(model.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.7, 0.7, 'float32', 100 + i)));
  return model;
}

async function loadError(file: string): Promise<ModelFileError> {
  const err = await loadLayersModel(file).then(
    (m) => {
      m.dispose();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFileError);
  return err as ModelFileError;
}

describe('a model saved by @tensorflow/tfjs', () => {
  const x = randomTensor([4, T, F], 7, -1, 1);

  it.each([1, 3])(`loads (%i weight shards) and predicts what tfjs predicts within ${TOL}`, async (shards) => {
    const source = tfjsModel();
    const want = (source.predict(tf.tensor(x.data, x.shape)) as tf.Tensor).dataSync();
    const dir = await saveToDir(source, shards);
    const model = await loadLayersModel(path.join(dir, 'model.json'));
    try {
      const got = await model.predict(x);
      expect(got.shape).toEqual([4, 2]);
      expectClose(got.data, want, TOL, 'tfjs vs torch-lstm');
      expect(model.layers.map((l) => l.name)).toEqual(source.layers.map((l) => l.name));
    } finally {
      model.dispose();
      source.dispose();
    }
  });

  it('saved compiled with includeOptimizer: compiled with its optimizer and loss, tfjs optimizer state skipped', async () => {
    const source = tfjsModel();
    source.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    await source.fit(tf.randomUniform([2, T, F]), tf.randomUniform([2, 2]), { epochs: 1, verbose: 0 });
    const want = (source.predict(tf.tensor(x.data, x.shape)) as tf.Tensor).dataSync();
    const dir = await saveToDir(source, 1, true);
    const model = await loadLayersModel(path.join(dir, 'model.json'));
    try {
      expect(model.optimizer.className).toBe('Adam');
      expect(model.optimizer.learningRate).toBeCloseTo(0.02, 7);
      expectClose((await model.predict(x)).data, want, TOL, 'tfjs vs torch-lstm');
    } finally {
      model.dispose();
      source.dispose();
    }
  });
});

describe('malformed tfjs models', () => {
  let dir: string;
  beforeAll(async () => {
    const source = tfjsModel();
    dir = await saveToDir(source, 2);
    source.dispose();
  });

  /** A copy of the good save with `edit` applied to the copy's directory. */
  function brokenCopy(edit: (copy: string) => void): string {
    const copy = fresh('broken');
    mkdirSync(copy);
    for (const name of ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin']) writeFileSync(path.join(copy, name), readFileSync(path.join(dir, name)));
    edit(copy);
    return path.join(copy, 'model.json');
  }

  it('a weights manifest whose byte length differs from the shards is a clear error', async () => {
    const truncated = brokenCopy((c) => {
      const shard = path.join(c, 'group1-shard2of2.bin');
      writeFileSync(shard, readFileSync(shard).subarray(0, 40));
    });
    expect((await loadError(truncated)).message).toMatch(
      /model\.json: its weightsManifest\[0\] describes \d+ bytes \(8 weights\) but its shards \(group1-shard1of2\.bin, group1-shard2of2\.bin\) hold \d+ bytes: a truncated or missing shard\?/,
    );
    const wrongShape = brokenCopy((c) => {
      const file = path.join(c, 'model.json');
      const json = JSON.parse(readFileSync(file, 'utf8'));
      json.weightsManifest[0].weights[0].shape = [F, 8];
      writeFileSync(file, JSON.stringify(json));
    });
    expect((await loadError(wrongShape)).message).toMatch(/describes \d+ bytes \(8 weights\) but its shards .* hold \d+ bytes: shards of another model\?/);
  });

  it('a missing shard names it', async () => {
    const missing = brokenCopy((c) => writeFileSync(path.join(c, 'model.json'), readFileSync(path.join(c, 'model.json'), 'utf8').replace('group1-shard2of2.bin', 'gone.bin')));
    expect((await loadError(missing)).message).toMatch(/gone\.bin: missing: .*model\.json's weightsManifest\[0\] lists it as a weights shard/);
  });

  it("tfjs's hardSigmoid (Keras 2's clip(0.2 x + 0.5)) is refused, saying why", async () => {
    const source = tfjsModel('hardSigmoid');
    const hard = await saveToDir(source);
    source.dispose();
    expect((await loadError(path.join(hard, 'model.json'))).message).toMatch(
      /config\.layers\[0\]\.recurrent_activation is "hard_sigmoid", which TensorFlow\.js computes as clip\(0\.2 x \+ 0\.5, 0, 1\)/,
    );
  });

  it('a graph model, a damaged model.json and a missing one', async () => {
    const graph = brokenCopy((c) => {
      const file = path.join(c, 'model.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), format: 'graph-model' }));
    });
    expect((await loadError(graph)).message).toMatch(/is a TensorFlow\.js "graph-model" \(format\), not a layers model/);
    const damaged = brokenCopy((c) => writeFileSync(path.join(c, 'model.json'), '{"modelTopology": {'));
    expect((await loadError(damaged)).message).toMatch(/is not valid JSON/);
    expect((await loadError(path.join(fresh('none'), 'model.json'))).message).toMatch(/no such file/);
  });
});

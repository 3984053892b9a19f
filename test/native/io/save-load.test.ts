/**
 * model.save -> loadModel through the real engine: identical predictions, the files' contents,
 * weights-only files, and a clear ModelFileError for every broken or foreign save.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layers, loadModel, sequential, Sequential, versions } from '../../../lib/index.js';
import { readSafetensors } from '../../../lib/io/safetensors.js';
import { randomTensor } from '../numerics/helpers.js';
import { brokenCopy, editModelJson, loadError, scratchDir } from './helpers.js';

const { root, fresh } = scratchDir('save-load-');

function buildModel(units = 6): Sequential {
  const model = sequential([
    layers.lstm({ units, inputShape: [5, 3], returnSequences: true, name: 'lstm' }),
    layers.dropout({ rate: 0.1, name: 'dropout' }),
    layers.lstm({ units: 4, name: 'lstm_1' }),
    layers.dense({ units: 2, name: 'dense' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
  return model;
}

const x = randomTensor([12, 5, 3], 1);
const y = randomTensor([12, 2], 2);

async function trainedModel(): Promise<Sequential> {
  const model = buildModel();
  await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, seed: 3 });
  return model;
}

describe('save -> load', () => {
  it('gives bit-identical predictions, the same config, compile config and weights', async () => {
    const model = await trainedModel();
    const dir = fresh('m');
    await model.save(dir);
    const back = await loadModel(dir);
    expect(back.getConfig()).toEqual(model.getConfig());
    expect(back.optimizer.getConfig()).toEqual(model.optimizer.getConfig());
    const [a, b] = [await model.predict(x), await back.predict(x)];
    expect(Buffer.from(b.data.buffer)).toEqual(Buffer.from(a.data.buffer));
    expect(await back.evaluate(x, y, { verbose: 0 })).toEqual(await model.evaluate(x, y, { verbose: 0 }));
    model.dispose();
    back.dispose();
  });

  it('writes model.json, weights.safetensors with Keras-layout names, optimizer.safetensors', async () => {
    const model = await trainedModel();
    const dir = fresh('files');
    await model.save(dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'optimizer.safetensors', 'weights.safetensors']);
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const names = ['lstm/kernel', 'lstm/recurrent_kernel', 'lstm/bias', 'lstm_1/kernel', 'lstm_1/recurrent_kernel', 'lstm_1/bias', 'dense/kernel', 'dense/bias'];
    expect(json).toMatchObject({
      format: 'torch-lstm', format_version: 1, torch_lstm_version: versions().torchLstm, libtorch_version: versions().torch,
      model_config: model.getConfig(),
      compile_config: {
        optimizer: { class_name: 'Adam' }, losses: [{ class_name: 'MeanSquaredError' }], loss_weights: [1],
        metrics: [[{ name: 'mae', class_name: 'MeanAbsoluteError' }]], output_names: ['dense'],
      },
      weights: { file: 'weights.safetensors', names }, optimizer: { file: 'optimizer.safetensors', iterations: 6, learning_rate: 0.001 },
    });
    const weights = await readSafetensors(path.join(dir, 'weights.safetensors'));
    expect(weights.tensors.map((t) => t.name)).toEqual(names);
    expect(weights.tensors.map((t) => t.shape)).toEqual(model.getWeights().map((w) => w.shape));
    expect(weights.metadata).toMatchObject({ format: 'torch-lstm', format_version: '1', content: 'weights', save_id: json.save_id });
    const slots = await readSafetensors(path.join(dir, 'optimizer.safetensors'));
    expect(slots.tensors.map((t) => t.name).sort()).toEqual(
      [...names.keys()].flatMap((i) => [`optimizer/momentums/${i}`, `optimizer/velocities/${i}`]).sort(),
    );
    expect(slots.metadata).toMatchObject({ content: 'optimizer', iterations: '6', save_id: json.save_id });
    model.dispose();
  });

  it('saves without the optimizer, and an uncompiled model loads uncompiled', async () => {
    const model = await trainedModel();
    const dir = fresh('no-opt');
    await model.save(dir, { includeOptimizer: false });
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.safetensors']);
    const back = await loadModel(dir);
    expect(back.optimizer.learningRate).toBe(0.001);
    expect(Array.from((await back.predict(x)).data)).toEqual(Array.from((await model.predict(x)).data));
    const plain = sequential([layers.dense({ units: 2, inputShape: [3] })]);
    const plainDir = fresh('plain');
    await plain.save(plainDir);
    expect(JSON.parse(readFileSync(path.join(plainDir, 'model.json'), 'utf8'))).toMatchObject({ compile_config: null, optimizer: null });
    const plainBack = await loadModel(plainDir);
    expect(() => plainBack.optimizer).toThrow(/no optimizer yet/);
    expect(plainBack.getWeights()).toEqual(plain.getWeights());
    for (const m of [model, back, plain, plainBack]) m.dispose();
  });

  it('overwrites a save, refuses with overwrite: false, and never replaces a directory of other files', async () => {
    const a = await trainedModel();
    const b = buildModel();
    const dir = fresh('over');
    await a.save(dir);
    await b.save(dir);
    expect((await loadModel(dir)).getWeights()).toEqual(b.getWeights());
    await expect(a.save(dir, { overwrite: false })).rejects.toMatchObject({ code: 'EEXIST' });
    const mine = fresh('mine');
    mkdirSync(mine);
    writeFileSync(path.join(mine, 'thesis.tex'), 'precious');
    await expect(a.save(mine)).rejects.toThrow(/Refusing to replace/);
    expect(readFileSync(path.join(mine, 'thesis.tex'), 'utf8')).toBe('precious');
    await expect(a.save(fresh('x'), { overwite: true } as never)).rejects.toThrow(/Unknown option "overwite" for save/);
    await expect(a.save('' as never)).rejects.toThrow(/save.dir/);
    a.dispose();
    b.dispose();
  });

  it('saveWeights / loadWeights round-trip by name, check names and shapes, need the suffix', async () => {
    const model = await trainedModel();
    const file = path.join(fresh('w'), 'best.weights.safetensors');
    await model.saveWeights(file);
    const other = buildModel();
    await other.loadWeights(file);
    expect(other.getWeights()).toEqual(model.getWeights());
    await expect(model.saveWeights(path.join(root, 'w.h5'))).rejects.toThrow(/ending in ".weights.safetensors"/);
    const wrong = sequential([layers.lstm({ units: 6, inputShape: [5, 3], name: 'enc' }), layers.dense({ units: 2, name: 'dense' })]);
    await expect(wrong.loadWeights(file)).rejects.toThrow(/has no tensor "enc\/kernel" \(needed by the model's layers\[0\] \(enc\); 2 more missing\); it holds "lstm\/kernel", .* instead: weights of another model\?/);
    const wider = buildModel(7);
    await expect(wider.loadWeights(file)).rejects.toThrow(/tensor "lstm\/kernel" has shape \[3, 24\] but the model's layers\[0\] \(lstm\) expects \[3, 28\]/);
    for (const m of [model, other, wrong, wider]) m.dispose();
  });

  it('loads the moved-aside version when a save was killed between its two renames', async () => {
    const model = await trainedModel();
    const dir = fresh('swap');
    await model.save(dir);
    renameSync(dir, path.join(path.dirname(dir), `.${path.basename(dir)}.old-${2 ** 22 + 7}-0a1b`));
    const back = await loadModel(dir);
    expect(back.getWeights()).toEqual(model.getWeights());
    await model.save(dir); // the next save puts a model in place and removes the leftover
    expect(readdirSync(path.dirname(dir)).filter((n) => n.includes(path.basename(dir)))).toEqual([path.basename(dir)]);
    model.dispose();
    back.dispose();
  });
});

describe('loadModel errors name the file and the problem', () => {
  let good: string;
  const copy = async (edit: (dir: string) => void): Promise<string> => {
    good ??= await (async () => {
      const dir = fresh('good');
      const m = await trainedModel();
      await m.save(dir);
      m.dispose();
      return dir;
    })();
    return brokenCopy(good, fresh('bad'), edit);
  };

  it('a missing directory, a file, a directory without model.json', async () => {
    expect((await loadError(path.join(root, 'nowhere'))).message).toMatch(/nowhere: no saved model here: the directory does not exist/);
    const file = path.join(root, 'afile');
    writeFileSync(file, 'x');
    expect((await loadError(file)).message).toMatch(/is a file, not a saved model directory/);
    const empty = fresh('empty');
    mkdirSync(empty);
    expect((await loadError(empty)).message).toBe(`${path.join(empty, 'model.json')}: missing: ${empty} is not a saved torch-lstm model (it has no model.json)`);
  });

  it('a garbled, truncated, foreign or newer model.json', async () => {
    const garbled = await copy((d) => writeFileSync(path.join(d, 'model.json'), '{"format": "torch-lstm", "form'));
    expect((await loadError(garbled)).message).toMatch(/model\.json: is not valid JSON \(.*\); the file is damaged or truncated/);
    const keras = await copy((d) => writeFileSync(path.join(d, 'model.json'), JSON.stringify({ class_name: 'Sequential', config: {} })));
    expect((await loadError(keras)).message).toMatch(/is not a torch-lstm model file \(its "format" is undefined, not "torch-lstm"\); a Keras config\?/);
    const newer = await copy((d) => editModelJson(d, (j) => Object.assign(j, { format_version: 2, torch_lstm_version: '9.0.0' })));
    expect((await loadError(newer)).message).toMatch(/model\.json: was saved by a newer torch-lstm \("9\.0\.0", format_version 2\); .* upgrade torch-lstm/);
    const badVersion = await copy((d) => editModelJson(d, (j) => Object.assign(j, { format_version: 'one' })));
    expect((await loadError(badVersion)).message).toMatch(/invalid format_version "one"/);
    const badConfig = await copy((d) => editModelJson(d, (j) => ((j.model_config as { config: { layers: unknown[] } }).config.layers[1] = { class_name: 'ConvLSTM2D', config: {} })));
    expect((await loadError(badConfig)).message).toMatch(/model\.json: its model_config cannot be read: layers\[0\]\.class_name is "ConvLSTM2D"/);
    const escape = await copy((d) => editModelJson(d, (j) => ((j.weights as { file: string }).file = '../../etc/passwd')));
    expect((await loadError(escape)).message).toMatch(/invalid "weights.file" "..\/..\/etc\/passwd"/);
  });

  it('truncated, missing or foreign safetensors files', async () => {
    const truncated = await copy((d) => truncateSync(path.join(d, 'weights.safetensors'), 1000));
    expect((await loadError(truncated)).message).toMatch(/weights\.safetensors: truncated: tensor ".*" ends at byte \d+ of the data but the file holds only \d+ bytes/);
    const cut = await copy((d) => truncateSync(path.join(d, 'optimizer.safetensors'), 5));
    expect((await loadError(cut)).message).toMatch(/optimizer\.safetensors: not a safetensors file: 5 bytes/);
    const gone = await copy((d) => rmSync(path.join(d, 'weights.safetensors')));
    expect((await loadError(gone)).message).toMatch(/weights\.safetensors: missing \(no such file\)/);
    const png = await copy((d) => writeFileSync(path.join(d, 'weights.safetensors'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')));
    expect((await loadError(png)).message).toMatch(/weights\.safetensors: not a safetensors file/);
  });

  it('missing tensor names, shape mismatches, files of another save', async () => {
    const other = sequential([layers.lstm({ units: 6, inputShape: [5, 3], name: 'lstm' }), layers.dense({ units: 2, name: 'dense' })]);
    const otherDir = fresh('other');
    await other.save(otherDir);
    const missing = await copy((d) => cpSync(path.join(otherDir, 'weights.safetensors'), path.join(d, 'weights.safetensors')));
    expect((await loadError(missing)).message).toMatch(/weights\.safetensors: has no tensor "lstm_1\/kernel" \(needed by the model's layers\[2\] \(lstm_1\)/);
    const shaped = await copy((d) => editModelJson(d, (j) => ((j.model_config as { config: { layers: { config: { units: number } }[] } }).config.layers[4]!.config.units = 3)));
    expect((await loadError(shaped)).message).toMatch(/weights\.safetensors: tensor "dense\/kernel" has shape \[4, 2\] but the model's layers\[3\] \(dense\) expects \[4, 3\]/);
    const mixed = await copy((d) => editModelJson(d, (j) => (j.save_id = 'another')));
    expect((await loadError(mixed)).message).toMatch(/its files come from different saves/);
    other.dispose();
    expect(existsSync(good)).toBe(true);
  });
});

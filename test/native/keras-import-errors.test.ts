/**
 * Malformed Keras files give a clear ModelFileError naming the file and the problem, never a
 * crash: truncated `.h5` and `.keras` files, a zip without `config.json`, a truncated weights
 * file inside a good zip, layers and options torch-lstm does not offer, weights that do not fit
 * the config, Keras 2's hard_sigmoid, files of another kind, and wrong arguments.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadKerasModel, ModelFileError } from '../../lib/io/index.js';
import { scratchDir } from './io/helpers.js';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/keras/lstm_dense');
const GOOD_KERAS = readFileSync(path.join(FIXTURE, 'model.keras'));
const GOOD_H5 = readFileSync(path.join(FIXTURE, 'model.h5'));
const { fresh } = scratchDir('torch-lstm-keras-errors-');

/** Writes `bytes` to a fresh file named `name` and returns its path. */
function fileWith(name: string, bytes: Uint8Array | string): string {
  const dir = fresh('case');
  mkdirSync(dir);
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** The ModelFileError of loading `file` (the test fails when it loads or fails otherwise). */
async function loadError(file: string): Promise<ModelFileError> {
  const err = await loadKerasModel(file).then(
    (m) => {
      m.dispose();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelFileError);
  expect((err as ModelFileError).message.startsWith(file)).toBe(true);
  return err as ModelFileError;
}

/** The good `.keras` archive with its members replaced (`undefined` removes one). */
function editedArchive(edit: (members: Record<string, Uint8Array | undefined>) => void): Uint8Array {
  const members: Record<string, Uint8Array | undefined> = unzipSync(GOOD_KERAS);
  edit(members);
  const kept: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(members)) if (v) kept[k] = v;
  return zipSync(kept);
}

/** The good archive with `config.json` edited. */
function editedConfig(edit: (config: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }) => void, metadata?: object): Uint8Array {
  return editedArchive((m) => {
    const config = JSON.parse(new TextDecoder().decode(m['config.json']));
    edit(config);
    m['config.json'] = new TextEncoder().encode(JSON.stringify(config));
    if (metadata) m['metadata.json'] = new TextEncoder().encode(JSON.stringify(metadata));
  });
}

describe('truncated and damaged files', () => {
  it('a truncated .h5 says it is truncated, with both lengths', async () => {
    const file = fileWith('model.h5', GOOD_H5.subarray(0, Math.floor(GOOD_H5.length / 2)));
    const err = await loadError(file);
    expect(err.message).toMatch(/is truncated: its HDF5 superblock says the file is \d+ bytes long but it has \d+/);
  });

  it('an .h5 cut inside its header is not HDF5', async () => {
    expect((await loadError(fileWith('model.h5', GOOD_H5.subarray(0, 6)))).message).toMatch(/not an HDF5 file/);
    expect((await loadError(fileWith('model.h5', GOOD_H5.subarray(0, 20)))).message).toMatch(/damaged HDF5 superblock/);
  });

  it('a truncated .keras archive is not a readable zip', async () => {
    const err = await loadError(fileWith('model.keras', GOOD_KERAS.subarray(0, Math.floor(GOOD_KERAS.length / 2))));
    expect(err.message).toMatch(/not a readable zip archive .*truncated or damaged/);
  });

  it('a .keras archive whose model.weights.h5 is truncated names the member', async () => {
    const bytes = editedArchive((m) => {
      m['model.weights.h5'] = m['model.weights.h5']!.subarray(0, 3000);
    });
    const err = await loadError(fileWith('model.keras', bytes));
    expect(err.message).toMatch(/model\.keras: its model\.weights\.h5 is truncated: its HDF5 superblock says/);
  });

  it('a zip without config.json is not a Keras 3 archive', async () => {
    const err = await loadError(fileWith('model.keras', editedArchive((m) => (m['config.json'] = undefined))));
    expect(err.message).toMatch(/has no config\.json, so it is not a Keras 3 \.keras archive \(it holds "metadata\.json", "model\.weights\.h5"\)/);
  });

  it('a zip without model.weights.h5 says so', async () => {
    const err = await loadError(fileWith('model.keras', editedArchive((m) => (m['model.weights.h5'] = undefined))));
    expect(err.message).toMatch(/has no model\.weights\.h5/);
  });

  it('config.json that is not JSON', async () => {
    const bytes = editedArchive((m) => (m['config.json'] = new TextEncoder().encode('{"class_name": "Seq')));
    expect((await loadError(fileWith('model.keras', bytes))).message).toMatch(/config\.json is not valid JSON/);
  });

  it('files of another kind, empty files, missing files and directories', async () => {
    expect((await loadError(fileWith('model.keras', 'hello'))).message).toMatch(/not a \.keras archive/);
    expect((await loadError(fileWith('model.h5', 'hello'))).message).toMatch(/not an HDF5 file/);
    expect((await loadError(fileWith('model.bin', new Uint8Array(64)))).message).toMatch(/neither a Keras 3 \.keras archive \(zip\) nor a Keras \.h5 file/);
    expect((await loadError(fileWith('model.h5', new Uint8Array(0)))).message).toMatch(/not an HDF5 file/);
    const missing = path.join(fresh('none'), 'model.keras');
    expect((await loadError(missing)).message).toMatch(/no such file/);
    const dir = fresh('dir');
    mkdirSync(dir);
    expect((await loadError(dir)).message).toMatch(/is a directory/);
  });
});

describe('what torch-lstm does not offer', () => {
  it('an unsupported layer class is named, with its position and name', async () => {
    const bytes = editedConfig((c) => {
      c.config.layers[1]!.class_name = 'ConvLSTM1D';
    });
    const err = await loadError(fileWith('model.keras', bytes));
    expect(err.message).toMatch(/uses a layer torch-lstm does not offer yet: ConvLSTM1D \(config\.layers\[1\] "lstm"\); torch-lstm offers [A-Za-z0-9, ]*\bLSTM\b/);
  });

  it('an unsupported option is named by the serialization module', async () => {
    const bytes = editedConfig((c) => {
      c.config.layers[1]!.config.unroll = true;
    });
    const err = await loadError(fileWith('model.keras', bytes));
    expect(err.message).toMatch(/its model config cannot be read: .*unroll is true but torch-lstm supports only false/);
  });

  it("Keras 2's hard_sigmoid (a different function) is refused, saying why", async () => {
    const bytes = editedConfig(
      (c) => {
        c.config.layers[1]!.config.recurrent_activation = 'hard_sigmoid';
      },
      { keras_version: '2.15.0' },
    );
    const err = await loadError(fileWith('model.keras', bytes));
    expect(err.message).toMatch(/recurrent_activation is "hard_sigmoid", which Keras 2\.15\.0 computes as clip\(0\.2 x \+ 0\.5, 0, 1\)/);
  });

  it('weights that do not fit the config: a shape mismatch names the weight and both shapes', async () => {
    const bytes = editedConfig((c) => {
      c.config.layers[1]!.config.units = 5;
    });
    const err = await loadError(fileWith('model.keras', bytes));
    expect(err.message).toMatch(/has weight layers\/lstm\/cell\/vars\/0 of shape \[3, 16\] but the model's layers\[0\] \(lstm\) kernel needs \[3, 20\]/);
  });

  it('a layer renamed in the config no longer finds its weights', async () => {
    const bytes = editedConfig((c) => {
      c.config.layers[2]!.config.name = 'head';
    });
    const err = await loadError(fileWith('model.keras', bytes));
    expect(err.message).toMatch(/has 0 weights for the model's layers\[1\] \(head\) but it needs 2 \(kernel \[4, 2\], bias \[2\]\)/);
  });
});

describe('arguments', () => {
  it('rejects (never throws) on a wrong path or option', async () => {
    const call = loadKerasModel(42 as unknown as string);
    expect(call).toBeInstanceOf(Promise);
    await expect(call).rejects.toThrow(new TypeError('Expected a file path (a non-empty string) for loadKerasModel.filepath but received 42 of type number'));
    await expect(loadKerasModel(path.join(FIXTURE, 'model.keras'), { compiled: false } as never)).rejects.toThrow(
      /Unknown option "compiled" for loadKerasModel; did you mean "compile"\?/,
    );
    await expect(loadKerasModel(path.join(FIXTURE, 'model.keras'), { compile: 'no' } as never)).rejects.toThrow(TypeError);
  });
});

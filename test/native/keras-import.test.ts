/**
 * Keras import against real Keras (the oracle): every fixture of test/fixtures/keras (written by
 * scripts/keras-fixtures.py, Keras/TF versions in VERSIONS.json) whose layers torch-lstm offers
 * loads from both its `.keras` and its `.h5` file and predicts within 1e-5 of Keras's own
 * `predict`; the one-step training fixtures, compiled with the same optimizer and loss and fit
 * on the same batch for one step, give Keras's loss and updated weights within 1e-4.
 *
 * The table is the fixture directory. A fixture that uses a class of NOT_YET_LOADABLE must be
 * refused with an error naming that class; once the class lands, that check fails, saying to
 * take the class off the list, and the fixture is then held to Keras's numbers like the rest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModel, optimizers, type AnyOptimizer, type Sequential } from '../../lib/index.js';
import { loadKerasModel, ModelFileError } from '../../lib/io/index.js';
import { layerClassNames } from '../../lib/serialization/keras-json.js';
import { scratchDir } from './io/helpers.js';
import { expectClose } from './numerics/helpers.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/keras');
const PREDICT_TOL = 1e-5;
const TRAIN_TOL = 1e-4;

/**
 * Classes (model or layer) the fixtures use that torch-lstm does not load yet, and why. Remove a
 * class when it lands: its fixtures are then loaded and compared with Keras.
 */
const NOT_YET_LOADABLE: Readonly<Record<string, string>> = {};

/** Classes that need no layer of ours. */
const ALWAYS_LOADABLE = new Set(['Sequential', 'Functional', 'InputLayer']);

interface TensorJson {
  dtype?: 'float32' | 'int32';
  shape: number[];
  data: number[];
}

interface Expected {
  description: string;
  model_class: string;
  layer_classes: string[];
  outputs: TensorJson[];
}

interface TrainStep {
  batch_size: number;
  x: TensorJson;
  y: TensorJson;
  optimizer: { class_name: string; config: Record<string, unknown> };
  loss: string;
  loss_value: number;
  weights_after: (TensorJson & { name: string })[];
}

interface Fixture {
  name: string;
  dir: string;
  expected: Expected;
  trainStep?: TrainStep;
  /** The classes of NOT_YET_LOADABLE it uses. */
  blockers: string[];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function fixtures(): Fixture[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const dir = path.join(FIXTURES, e.name);
      const expected = readJson<Expected>(path.join(dir, 'expected.json'));
      const files = readdirSync(dir);
      const classes = [expected.model_class, ...expected.layer_classes];
      return {
        name: e.name,
        dir,
        expected,
        ...(files.includes('train_step.json') ? { trainStep: readJson<TrainStep>(path.join(dir, 'train_step.json')) } : {}),
        blockers: classes.filter((c) => c in NOT_YET_LOADABLE),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const ALL = fixtures();
const SUPPORTED = ALL.filter((f) => f.blockers.length === 0);
const PENDING = ALL.filter((f) => f.blockers.length > 0);
const FILES = ['model.keras', 'model.h5'] as const;

function tensorInput(t: TensorJson): { data: Float32Array; shape: number[] } {
  return { data: Float32Array.from(t.data), shape: t.shape };
}

function optimizerOf(json: TrainStep['optimizer']): AnyOptimizer {
  const c = json.config;
  switch (json.class_name) {
    case 'SGD':
      return optimizers.sgd({ learningRate: c.learning_rate as number, momentum: c.momentum as number, nesterov: c.nesterov as boolean });
    case 'Adam':
      return optimizers.adam({
        learningRate: c.learning_rate as number,
        beta1: c.beta_1 as number,
        beta2: c.beta_2 as number,
        epsilon: c.epsilon as number,
        amsgrad: c.amsgrad as boolean,
      });
    default:
      throw new Error(`the test does not build optimizer ${json.class_name} yet`);
  }
}

describe('the fixture table', () => {
  it('has the supported fixtures and train steps the issue asks for', () => {
    expect(SUPPORTED.length).toBeGreaterThanOrEqual(6);
    expect(SUPPORTED.filter((f) => f.trainStep).length).toBeGreaterThanOrEqual(3);
    const versions = readJson<Record<string, string>>(path.join(FIXTURES, 'VERSIONS.json'));
    expect(versions.keras).toMatch(/^3\./);
  });

  it('lists every class a fixture uses: one torch-lstm offers, or one of NOT_YET_LOADABLE', () => {
    const offered = new Set<string>([...layerClassNames(), ...ALWAYS_LOADABLE]);
    for (const f of ALL) {
      for (const cls of [f.expected.model_class, ...f.expected.layer_classes]) {
        expect(offered.has(cls) || cls in NOT_YET_LOADABLE, `${f.name} uses ${cls}, which is neither offered nor in NOT_YET_LOADABLE`).toBe(true);
      }
    }
  });
});

describe.each(SUPPORTED.map((f) => [f.name, f] as const))('Keras fixture %s', (_name, f) => {
  const input = readJson<TensorJson>(path.join(f.dir, 'input.json'));

  it.each(FILES)(`loads from %s and predicts within ${PREDICT_TOL} of Keras`, async (file) => {
    const model = await loadKerasModel(path.join(f.dir, file));
    try {
      const outputs = await model.predictOutputs(tensorInput(input));
      expect(outputs.length).toBe(f.expected.outputs.length);
      outputs.forEach((out, i) => {
        const want = f.expected.outputs[i]!;
        expect(out.shape).toEqual(want.shape);
        expectClose(out.data, want.data, PREDICT_TOL, `${f.name}/${file} output ${i}`);
      });
    } finally {
      model.dispose();
    }
  });

  const step = f.trainStep;
  if (step) {
    /** One fit step on the fixture's batch; returns the model (to dispose) and the step's loss. */
    const trainOnce = async (model: Sequential): Promise<number> => {
      const history = await model.fit(tensorInput(step.x), tensorInput(step.y), { batchSize: step.batch_size, epochs: 1, shuffle: false, verbose: 0 });
      return history.history.loss![0]!;
    };
    const expectKerasStep = (model: Sequential, loss: number, what: string): void => {
      expect(Math.abs(loss - step.loss_value), `${what} loss ${loss} vs Keras ${step.loss_value}`).toBeLessThanOrEqual(TRAIN_TOL);
      const after = model.getWeights();
      expect(after.length).toBe(step.weights_after.length);
      after.forEach((w, i) => {
        const want = step.weights_after[i]!;
        expect(w.shape, want.name).toEqual(want.shape);
        expectClose(w.data, want.data, TRAIN_TOL, `${what} ${want.name}`);
      });
    };

    it(`one ${step.optimizer.class_name} step (${step.loss}, compiled here) gives Keras's loss and weights within ${TRAIN_TOL}`, async () => {
      const model = await loadKerasModel(path.join(f.dir, 'model.keras'), { compile: false });
      try {
        model.compile({ optimizer: optimizerOf(step.optimizer), loss: step.loss as 'mse' });
        expectKerasStep(model, await trainOnce(model), `${f.name}/model.keras`);
      } finally {
        model.dispose();
      }
    });

    it.each(FILES)('with the optimizer and loss compiled from %s, the step matches Keras too', async (file) => {
      const model = await loadKerasModel(path.join(f.dir, file));
      try {
        expect(model.optimizer.className).toBe(step.optimizer.class_name);
        expectKerasStep(model, await trainOnce(model), `${f.name}/${file}`);
      } finally {
        model.dispose();
      }
    });
  }
});

describe.each(PENDING.map((f) => [f.name, f] as const))('Keras fixture %s (not loadable yet)', (_name, f) => {
  it.each(FILES)(`%s is refused with a clear error naming what is missing (${f.blockers.join(', ')})`, async (file) => {
    const err = await loadKerasModel(path.join(f.dir, file)).then(
      (m) => {
        m.dispose();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err, `${f.name}/${file} loads now: take ${f.blockers.join(', ')} off NOT_YET_LOADABLE so it is checked against Keras`).toBeInstanceOf(ModelFileError);
    const message = (err as Error).message;
    expect(message).toContain(path.join(f.dir, file));
    expect(f.blockers.some((cls) => message.includes(`"${cls}"`) || message.includes(`${cls} (`)), message).toBe(true);
  });
});

describe('an imported model is a torch-lstm model', () => {
  const { fresh } = scratchDir('torch-lstm-keras-import-');

  it('saves in torch-lstm format, loads back with the same predictions and compile config, and trains further', async () => {
    const f = SUPPORTED.find((s) => s.name === 'stacked_lstm_dense')!;
    const input = tensorInput(readJson<TensorJson>(path.join(f.dir, 'input.json')));
    const imported = await loadKerasModel(path.join(f.dir, 'model.keras'));
    const dir = fresh('saved');
    try {
      const before = await imported.predict(input);
      await imported.save(dir);
      const again = await loadModel(dir);
      try {
        expect(Array.from((await again.predict(input)).data)).toEqual(Array.from(before.data));
        expect((again as Sequential).optimizer.className).toBe('Adam');
      } finally {
        again.dispose();
      }
      const step = f.trainStep!;
      const history = await imported.fit(tensorInput(step.x), tensorInput(step.y), { epochs: 3, batchSize: step.batch_size, verbose: 0 });
      expect(history.history.loss![2]!).toBeLessThan(history.history.loss![0]!);
    } finally {
      imported.dispose();
    }
  });
});

/**
 * A fake addon for unit tests: it builds nothing, but records what it receives and
 * simulates the training thread (batch reports, an epoch-end pause that waits for resume).
 * Weight shapes are derived from the Keras JSON here, independently of lib/.
 */
import type {
  CompileSpecJson,
  KerasLayerJson,
  ModelSpecJson,
  NativeBatchReport,
  NativeBinding,
  NativeEpochAnswer,
  NativeEpochReport,
  NativeFitOptions,
  NativeLayerInfo,
  NativeModel,
  NativeTensor,
} from '../../../lib/native.js';
import { setBindingForTests } from '../../../lib/models/engine.js';

export interface FitCall {
  x: NativeTensor;
  y: NativeTensor;
  validation: { x: NativeTensor; y: NativeTensor } | null;
  options: NativeFitOptions;
}

/** A macrotask hop, as a ThreadSafeFunction call arrives on the JS thread. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function weightShapes(spec: ModelSpecJson): number[][] {
  const shapes: number[][] = [];
  const layers = spec.config.layers;
  let features = (layers[0]!.config.batch_shape as number[]).at(-1)!;
  for (const layer of layers.slice(1)) {
    const c = layer.config as Record<string, unknown>;
    if (layer.class_name === 'LSTM') {
      const u = c.units as number;
      shapes.push([features, 4 * u], [u, 4 * u]);
      if (c.use_bias) shapes.push([4 * u]);
      features = u;
    } else if (layer.class_name === 'Dense') {
      const u = c.units as number;
      shapes.push([features, u]);
      if (c.use_bias) shapes.push([u]);
      features = u;
    }
  }
  return shapes;
}

export class FakeModel implements NativeModel {
  readonly compiled: CompileSpecJson[] = [];
  readonly fitCalls: FitCall[] = [];
  readonly answers: NativeEpochAnswer[] = [];
  readonly events: string[] = [];
  readonly predictCalls: { x: NativeTensor; batchSize: number }[] = [];
  stopRequests = 0;
  disposed = false;
  /** Epoch logs the fake reports (lr added). */
  epochLogs: (epoch: number) => Record<string, number> = (epoch) => ({ loss: 1 / (epoch + 1) });
  /** Make fit reject with this error. */
  fitError: Error | undefined;
  /** The learning rate the fake optimizer uses now. */
  learningRate = NaN;
  weights: NativeTensor[];
  /** When set, each epoch waits for this promise before it starts. */
  gate: Promise<void> | undefined;

  constructor(readonly spec: ModelSpecJson) {
    this.weights = weightShapes(spec).map((shape, i) => ({
      shape,
      data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(i),
    }));
  }

  describe(): NativeLayerInfo[] {
    return this.spec.config.layers
      .filter((l: KerasLayerJson) => l.class_name !== 'InputLayer')
      .map((l) => {
        const info: NativeLayerInfo = { name: l.config.name as string, className: l.class_name, outputShape: [], params: -1 };
        if (l.class_name === 'LSTM') {
          const rd = l.config.recurrent_dropout as number;
          info.kernel =
            rd > 0
              ? { training: 'cell loop', inference: 'fused at::lstm', reason: `recurrentDropout=${rd}` }
              : { training: 'fused at::lstm', inference: 'fused at::lstm', reason: '' };
        }
        return info;
      });
  }

  getWeights(): NativeTensor[] {
    this.events.push('getWeights');
    return this.weights.map((w) => ({ shape: [...w.shape], data: w.data.slice() }));
  }

  setWeights(weights: NativeTensor[]): void {
    this.events.push('setWeights');
    this.weights = weights.map((w) => ({ shape: [...w.shape], data: Float32Array.from(w.data) }));
  }

  compile(config: CompileSpecJson): void {
    this.compiled.push(structuredClone(config));
    this.learningRate = config.optimizer.config.learning_rate as number;
  }

  async predict(x: NativeTensor, batchSize: number, _training?: boolean, _seed?: number): Promise<NativeTensor[]> {
    this.predictCalls.push({ x, batchSize });
    await tick();
    if (this.disposed) throw new Error('[ERR_DISPOSED] disposed');
    const n = x.shape[0]!;
    const last = this.spec.config.layers.at(-1)!;
    const units = last.config.units as number;
    const out: NativeTensor[] = [{ shape: [n, units], data: new Float32Array(n * units).fill(0.5) }];
    if (last.config.return_state) out.push({ shape: [n, units], data: new Float32Array(n * units) }, { shape: [n, units], data: new Float32Array(n * units) });
    return out;
  }

  async evaluate(_x: NativeTensor, _y: NativeTensor, _batchSize: number): Promise<Record<string, number>> {
    await tick();
    const logs: Record<string, number> = { loss: 0.25 };
    for (const m of this.compiled.at(-1)!.metrics) logs[m.name] = 0.5;
    return logs;
  }

  async gradients(_x: NativeTensor, _y: NativeTensor, _training: boolean, _seed?: number): Promise<NativeTensor[]> {
    await tick();
    return this.weights.map((w) => ({ shape: [...w.shape], data: new Float32Array(w.data.length).fill(0.1) }));
  }

  async fit(
    x: NativeTensor,
    y: NativeTensor,
    validation: { x: NativeTensor; y: NativeTensor } | null,
    options: NativeFitOptions,
    onBatch: (report: NativeBatchReport) => void,
    onEpoch: (report: NativeEpochReport, resume: (answer: NativeEpochAnswer) => void) => void,
  ): Promise<void> {
    this.fitCalls.push({ x, y, validation, options });
    this.events.push('fit');
    let stop = false;
    const stopBefore = this.stopRequests;
    const steps = Math.ceil(x.shape[0]! / options.batchSize);
    for (let epoch = options.initialEpoch; epoch < options.epochs && !stop; epoch++) {
      if (this.gate) await this.gate;
      for (let batch = 0; batch < steps; batch++) {
        await tick();
        if (this.fitError) throw this.fitError;
        if (options.reportBatches) {
          onBatch({ epoch, batch, steps, size: options.batchSize, logs: { loss: 1 / (epoch + 1) + 0.01 * batch } });
        }
        await tick();
        if (this.stopRequests > stopBefore) break;
      }
      await tick();
      const logs: Record<string, number> = { ...this.epochLogs(epoch), lr: this.learningRate };
      if (validation) logs.val_loss = logs.loss! * 2;
      const answer = await new Promise<NativeEpochAnswer>((resolve) => {
        let called = false;
        onEpoch({ epoch, logs }, (a) => {
          if (called) throw new Error('resume called twice');
          called = true;
          resolve(a);
        });
      });
      this.answers.push(answer);
      if (answer.learningRate !== undefined) this.learningRate = answer.learningRate;
      stop = answer.stop || this.stopRequests > stopBefore;
    }
    this.events.push('fit-end');
  }

  requestStop(): void {
    this.stopRequests++;
    this.events.push('requestStop');
  }

  dispose(): void {
    this.disposed = true;
    this.events.push('dispose');
  }
}

export interface FakeBinding extends NativeBinding {
  models: FakeModel[];
  /** The last model built. */
  last(): FakeModel;
}

/** Installs a fresh fake binding for `lib/models` and returns it. */
export function installFakeBinding(): FakeBinding {
  const models: FakeModel[] = [];
  const fake: FakeBinding = {
    models,
    last: () => models.at(-1)!,
    Model: class extends FakeModel {
      constructor(spec: ModelSpecJson) {
        super(spec);
        models.push(this);
      }
    },
    versions: () => ({ torch: '1.13.1', addon: '0.1.0', cuda: false }),
    getThreadInfo: () => ({ intraOp: 1, interOp: 1, blas: 1 }),
    setNumThreads: () => {},
  };
  setBindingForTests(fake);
  return fake;
}

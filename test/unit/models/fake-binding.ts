/**
 * A fake addon for unit tests: it builds nothing, but records what it receives and
 * simulates the training thread (batch reports, an epoch-end pause that waits for resume).
 * Weight and output shapes are derived from the engine graph here, independently of lib/.
 */
import type {
  CompileSpecJson,
  EngineGraphJson,
  NativeBatchReport,
  NativeBinding,
  NativeEpochAnswer,
  NativeEpochReport,
  NativeFitOptions,
  NativeLayerInfo,
  NativeModel,
  NativeTensor,
  NativeValidationData,
} from '../../../lib/native.js';
import { setBindingForTests } from '../../../lib/models/engine.js';

export interface FitCall {
  xs: NativeTensor[];
  ys: NativeTensor[];
  sampleWeight: NativeTensor | null;
  validation: NativeValidationData | null;
  options: NativeFitOptions;
  /** The first input and target (most tests have one of each). */
  x: NativeTensor;
  y: NativeTensor;
}

/** A macrotask hop, as a ThreadSafeFunction call arrives on the JS thread. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Output shapes of every node (batch `n`, free dims from the inputs) and weight shapes in layer order. */
function walk(graph: EngineGraphJson, inputs: number[][]): { outputs: number[][][]; weights: number[][] } {
  const outputs: number[][][] = [];
  const weights = new Map<number, number[][]>();
  const shapeOf = ([s, t]: [number, number]) => (s < graph.inputs.length ? inputs[s]! : outputs[s - graph.inputs.length]![t]!);
  for (const node of graph.nodes) {
    const layer = graph.layers[node.layer]!;
    const c = layer.config as Record<string, unknown>;
    const x = shapeOf(node.inputs[0]!);
    const features = x.at(-1)!;
    const w: number[][] = [];
    let out: number[][];
    if (layer.class_name === 'LSTM') {
      const u = c.units as number;
      w.push([features, 4 * u], [u, 4 * u]);
      if (c.use_bias) w.push([4 * u]);
      out = [c.return_sequences ? [x[0]!, x[1]!, u] : [x[0]!, u]];
      if (c.return_state) out.push([x[0]!, u], [x[0]!, u]);
    } else if (layer.class_name === 'Dense') {
      const u = c.units as number;
      w.push([features, u]);
      if (c.use_bias) w.push([u]);
      out = [[...x.slice(0, -1), u]];
    } else {
      out = [[...x]];
    }
    if (!weights.has(node.layer)) weights.set(node.layer, w);
    outputs.push(out);
  }
  return { outputs, weights: graph.layers.flatMap((_, i) => weights.get(i) ?? []) };
}

export class FakeModel implements NativeModel {
  readonly compiled: CompileSpecJson[] = [];
  readonly fitCalls: FitCall[] = [];
  readonly answers: NativeEpochAnswer[] = [];
  readonly events: string[] = [];
  readonly predictCalls: { xs: NativeTensor[]; x: NativeTensor; batchSize: number }[] = [];
  readonly evaluateCalls: { xs: NativeTensor[]; ys: NativeTensor[]; sampleWeight: NativeTensor | null }[] = [];
  readonly gradientCalls: { xs: NativeTensor[]; ys: NativeTensor[]; sampleWeight: NativeTensor | null }[] = [];
  resets = 0;
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

  constructor(readonly graph: EngineGraphJson) {
    const inputs = graph.inputs.map((i) => [1, ...i.shape.map((d) => d ?? 1)]);
    this.weights = walk(graph, inputs).weights.map((shape, i) => ({
      shape,
      data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(i),
    }));
  }

  describe(): NativeLayerInfo[] {
    return this.graph.layers
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

  async predict(xs: NativeTensor[], batchSize: number, _training?: boolean, _seed?: number): Promise<NativeTensor[]> {
    this.predictCalls.push({ xs, x: xs[0]!, batchSize });
    await tick();
    if (this.disposed) throw new Error('[ERR_DISPOSED] disposed');
    const { outputs } = walk(this.graph, xs.map((x) => [...x.shape]));
    return this.graph.outputs.map(([s, t], k) => {
      const shape = s < this.graph.inputs.length ? [...xs[s]!.shape] : outputs[s - this.graph.inputs.length]![t]!;
      const size = shape.reduce((a, b) => a * b, 1);
      return { shape, data: new Float32Array(size).fill(k === 0 && t === 0 ? 0.5 : 0) };
    });
  }

  async evaluate(xs: NativeTensor[], ys: NativeTensor[], sampleWeight: NativeTensor | null, _batchSize: number): Promise<Record<string, number>> {
    this.evaluateCalls.push({ xs, ys, sampleWeight });
    await tick();
    const logs: Record<string, number> = { loss: 0.25 };
    const compile = this.compiled.at(-1)!;
    const several = compile.output_names.length > 1;
    compile.metrics.forEach((list, i) => {
      if (several) logs[`${compile.output_names[i]}_loss`] = 0.125;
      for (const m of list) logs[several ? `${compile.output_names[i]}_${m.name}` : m.name] = 0.5;
    });
    return logs;
  }

  async gradients(xs: NativeTensor[], ys: NativeTensor[], sampleWeight: NativeTensor | null, _training: boolean, _seed?: number): Promise<NativeTensor[]> {
    this.gradientCalls.push({ xs, ys, sampleWeight });
    await tick();
    return this.weights.map((w) => ({ shape: [...w.shape], data: new Float32Array(w.data.length).fill(0.1) }));
  }

  async fit(
    xs: NativeTensor[],
    ys: NativeTensor[],
    sampleWeight: NativeTensor | null,
    validation: NativeValidationData | null,
    options: NativeFitOptions,
    onBatch: (report: NativeBatchReport) => void,
    onEpoch: (report: NativeEpochReport, resume: (answer: NativeEpochAnswer) => void) => void,
  ): Promise<void> {
    this.fitCalls.push({ xs, ys, sampleWeight, validation, options, x: xs[0]!, y: ys[0]! });
    this.events.push('fit');
    let stop = false;
    const stopBefore = this.stopRequests;
    const steps = Math.ceil(xs[0]!.shape[0]! / options.batchSize);
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

  resetStates(): void {
    this.resets++;
    this.events.push('resetStates');
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
      constructor(graph: EngineGraphJson) {
        super(graph);
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

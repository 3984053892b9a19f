/** A stand-in for a model that can be pruned: Keras JSON, weights, masks applied as the engine does. */
import type { ModelSpecJson } from '../../../lib/native.js';
import { Tensor } from '../../../lib/tensor.js';

/** LSTM(2) on 3 features -> Dense(1): kernel [3, 8], recurrent kernel [2, 8], bias [8], kernel [2, 1], bias [1]. */
export const SHAPES = [[3, 8], [2, 8], [8], [2, 1], [1]];

export class FakePrunable {
  stopTraining = false;
  optimizer = { learningRate: 0.1 };
  weights: Tensor[];
  masks: (Tensor | null)[] | null = null;
  readonly maskCalls: ((Tensor | null)[] | null)[] = [];

  constructor(values?: number[][]) {
    this.weights = SHAPES.map((shape, i) => {
      const size = shape.reduce((a, b) => a * b, 1);
      return new Tensor(Float32Array.from(values?.[i] ?? Array.from({ length: size }, (_, k) => (i + 1) * 100 + k + 1)), shape);
    });
  }

  getConfig(): ModelSpecJson {
    return {
      class_name: 'Sequential',
      config: {
        name: 'fake',
        layers: [
          { class_name: 'InputLayer', config: { name: 'input_layer', batch_shape: [null, 5, 3] } },
          { class_name: 'LSTM', config: { name: 'lstm', units: 2, use_bias: true } },
          { class_name: 'Dropout', config: { name: 'dropout', rate: 0.1 } },
          { class_name: 'Dense', config: { name: 'dense', units: 1, use_bias: true } },
        ],
      },
    };
  }

  getWeights(): Tensor[] {
    return this.weights.map((w) => new Tensor(w.data.slice(), w.shape));
  }

  setWeights(weights: readonly Tensor[]): void {
    this.weights = weights.map((w) => new Tensor(w.data.slice(), w.shape));
    this.applyMasks();
  }

  setWeightMasks(masks: readonly (Tensor | null)[] | null): void {
    this.masks = masks && [...masks];
    this.maskCalls.push(this.masks);
    this.applyMasks();
  }

  /** One "epoch" of training: every weight moves away from zero by `delta`, then masks apply. */
  train(delta: number): void {
    for (const w of this.weights) for (let i = 0; i < w.data.length; i++) w.data[i]! += delta;
    this.applyMasks();
  }

  private applyMasks(): void {
    this.masks?.forEach((m, i) => {
      if (!m) return;
      const w = this.weights[i]!;
      for (let k = 0; k < m.data.length; k++) if (m.data[k] === 0) w.data[k] = 0;
    });
  }
}

export const zeros = (t: { data: Float32Array }): number => t.data.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);

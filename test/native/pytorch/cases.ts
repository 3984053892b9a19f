/**
 * The PyTorch exchange cases (defined in scripts/pytorch-exchange.py, stored in
 * test/fixtures/pytorch/cases.json) built as torch-lstm models. No vitest import here, so
 * vite-node can run it outside the test runner (write-exports.ts).
 */
import { readFileSync } from 'node:fs';
import { type AnyLayer } from '../../../lib/layers/index.js';
import { layers, type LayersModel, sequential } from '../../../lib/index.js';
import type { StateDictArgs } from '../../../lib/io/pytorch/index.js';

/** One Keras layer of a case (snake_case, as the Python script writes it). */
export type CaseLayer =
  | { class_name: 'LSTM' | 'GRU'; name: string; units: number; use_bias: boolean; return_sequences: boolean }
  | { class_name: 'Bidirectional'; name: string; layer: { class_name: 'LSTM' | 'GRU'; units: number; use_bias: boolean; return_sequences: boolean } }
  | { class_name: 'Dense'; name: string; units: number; use_bias: boolean }
  | { class_name: 'Embedding'; name: string; input_dim: number; output_dim: number }
  | { class_name: 'LayerNormalization'; name: string; epsilon: number }
  | { class_name: 'Dropout'; name: string; rate: number };

export interface ExchangeCase {
  name: string;
  /** One sample's shape: `[timesteps, features]`, or `[timesteps]` of token ids when `vocab` is given. */
  input_shape: number[];
  /** The inputs are token ids in [0, vocab). */
  vocab?: number;
  layers: CaseLayer[];
  /** The `modules` option of the state_dict functions. */
  modules: NonNullable<StateDictArgs['modules']>;
}

export interface CasesFile {
  batch: number;
  versions?: Record<string, string>;
  cases: ExchangeCase[];
}

export function readCases(file: string): CasesFile {
  return JSON.parse(readFileSync(file, 'utf8')) as CasesFile;
}

/** The torch-lstm model of a case (weights freshly initialized). */
export function buildModel(c: ExchangeCase): LayersModel {
  const built: AnyLayer[] = c.layers.map((l, i) => {
    const first = i === 0 ? { inputShape: c.input_shape } : {};
    switch (l.class_name) {
      case 'LSTM':
        return layers.lstm({ name: l.name, units: l.units, useBias: l.use_bias, returnSequences: l.return_sequences, ...first });
      case 'GRU':
        return layers.gru({ name: l.name, units: l.units, useBias: l.use_bias, returnSequences: l.return_sequences, ...first });
      case 'Bidirectional': {
        const inner = { units: l.layer.units, useBias: l.layer.use_bias, returnSequences: l.layer.return_sequences };
        return layers.bidirectional({ name: l.name, layer: l.layer.class_name === 'LSTM' ? layers.lstm(inner) : layers.gru(inner), ...first });
      }
      case 'Embedding':
        return layers.embedding({ name: l.name, inputDim: l.input_dim, outputDim: l.output_dim, ...first });
      case 'LayerNormalization':
        return layers.layerNormalization({ name: l.name, epsilon: l.epsilon, ...first });
      case 'Dense':
        return layers.dense({ name: l.name, units: l.units, useBias: l.use_bias, ...first });
      case 'Dropout':
        return layers.dropout({ name: l.name, rate: l.rate, ...first });
    }
  });
  return sequential(built);
}

/** The PyTorch modules of a case that are `nn.LSTM`s (whose exported `bias_hh` is zero, folded into `bias_ih`). */
export function lstmModules(c: ExchangeCase): Set<string> {
  const out = new Set<string>();
  for (const l of c.layers) {
    const kind = l.class_name === 'Bidirectional' ? l.layer.class_name : l.class_name;
    if (kind !== 'LSTM') continue;
    const ref = c.modules[l.name] ?? l.name;
    out.add(typeof ref === 'string' ? ref : ref.module);
  }
  return out;
}

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
  | { class_name: 'LSTM'; name: string; units: number; use_bias: boolean; return_sequences: boolean }
  | { class_name: 'Dense'; name: string; units: number; use_bias: boolean }
  | { class_name: 'Dropout'; name: string; rate: number };

export interface ExchangeCase {
  name: string;
  /** One sample's shape `[timesteps, features]`. */
  input_shape: [number, number];
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
      case 'Dense':
        return layers.dense({ name: l.name, units: l.units, useBias: l.use_bias, ...first });
      case 'Dropout':
        return layers.dropout({ name: l.name, rate: l.rate, ...first });
    }
  });
  return sequential(built);
}

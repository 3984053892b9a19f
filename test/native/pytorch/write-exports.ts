/**
 * The torch-lstm side of `scripts/pytorch-exchange.py check`: for each case of CASES_JSON, builds
 * the model with seeded weights (non-zero biases), writes its state_dict with saveStateDict
 * (`<name>.safetensors`) and an input with torch-lstm's predict for it (`<name>.io.safetensors`:
 * `input`, `output`) into OUT_DIR, for the script to load into PyTorch and compare.
 *
 * Usage: node node_modules/vite-node/vite-node.mjs test/native/pytorch/write-exports.ts CASES_JSON OUT_DIR
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeSafetensors } from '../../../lib/io/safetensors.js';
import { saveStateDict } from '../../../lib/io/pytorch/index.js';
import { rng } from '../../helpers/random.js';
import { buildModel, readCases } from './cases.js';

const [casesFile, out] = process.argv.slice(2);
if (!casesFile || !out) {
  process.stderr.write('usage: write-exports.ts CASES_JSON OUT_DIR\n');
  process.exit(2);
}

function uniform(shape: number[], seed: number, lo: number, hi: number): { data: Float32Array; shape: number[] } {
  const r = rng(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * r();
  return { data, shape };
}

const { batch, cases } = readCases(casesFile);
for (const [k, c] of cases.entries()) {
  const model = buildModel(c);
  model.setWeights(model.getWeights().map((w, i) => uniform(w.shape, 1000 * (k + 1) + i, -0.5, 0.5)));
  await saveStateDict(model, path.join(out, `${c.name}.safetensors`), { modules: c.modules });
  const x = uniform([batch, ...c.input_shape], 77 + k, c.vocab === undefined ? -2 : 0, c.vocab ?? 2);
  if (c.vocab !== undefined) x.data.forEach((v, i) => (x.data[i] = Math.floor(v)));
  const [y] = await model.predictOutputs(x);
  const io = encodeSafetensors([{ name: 'input', shape: x.shape, data: x.data }, { name: 'output', shape: y!.shape, data: y!.data }]);
  writeFileSync(path.join(out, `${c.name}.io.safetensors`), Buffer.concat(io));
  model.dispose();
}
process.stdout.write(`wrote ${cases.length} torch-lstm state_dicts to ${out}\n`);

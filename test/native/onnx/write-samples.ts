/**
 * Writes the ONNX files of the export tests' architectures into a directory, for
 * scripts/onnx-check.py (onnx.checker and onnx's reference evaluator): for each, `<name>.onnx`
 * and `<name>.json` (`{ input: {shape, data}, output: {shape, data} }`: an input and
 * torch-lstm's predict on it).
 *
 * Usage: node node_modules/vite-node/vite-node.mjs test/native/onnx/write-samples.ts OUT_DIR
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportOnnx, MAX_OPSET, MIN_OPSET } from '../../../lib/onnx/index.js';
import { type Case, CASES, OPSET_CASE, RAGGED_CASE, randomizeWeights, randomTensor, STATE_CASE } from './cases.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: write-samples.ts OUT_DIR\n');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

async function write(c: Case, seed: number, file: string, opset?: number): Promise<void> {
  const model = c.build();
  randomizeWeights(model, seed);
  await exportOnnx(model, path.join(out!, `${file}.onnx`), opset === undefined ? {} : { opset });
  const x = randomTensor([3, ...c.sample], seed + 1000);
  const y = await model.predict(x);
  writeFileSync(
    path.join(out!, `${file}.json`),
    JSON.stringify({ name: c.name, opset: opset ?? null, input: { shape: x.shape, data: Array.from(x.data) }, output: { shape: y.shape, data: Array.from(y.data) } }),
  );
  model.dispose();
}

let k = 0;
for (const c of [...CASES, STATE_CASE, RAGGED_CASE]) await write(c, ++k, slug(c.name));
for (let opset = MIN_OPSET; opset <= MAX_OPSET; opset++) await write(OPSET_CASE, 100 + opset, `opset-${opset}`, opset);
process.stdout.write(`wrote ${k + MAX_OPSET - MIN_OPSET + 1} ONNX files to ${out}\n`);

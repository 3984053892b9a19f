/**
 * Writes the ONNX files of the export tests' architectures into a directory, for
 * scripts/onnx-check.py (onnx.checker and onnx's reference evaluator): for each, `<name>.onnx`
 * and `<name>.json` (`{ inputs: [{name, shape, data}], outputs: [{name, shape, data}] }`: inputs
 * and torch-lstm's predictOutputs on them, by graph input and output name).
 *
 * Usage: node node_modules/vite-node/vite-node.mjs test/native/onnx/write-samples.ts OUT_DIR
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportOnnx, MAX_OPSET, MIN_OPSET } from '../../../lib/onnx/index.js';
import { decodeModelProto } from '../../../lib/onnx/proto.js';
import { type Case, caseData, CASES, OPSET_CASE, RAGGED_CASE, randomizeWeights, STATE_CASE } from './cases.js';
import { FUNCTIONAL_CASES, KITCHEN_CASE } from './functional-cases.js';
import { LAYER_CASES } from './layer-cases.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: write-samples.ts OUT_DIR\n');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

async function write(c: Case, seed: number, file: string, opset = c.opset): Promise<void> {
  const model = c.build();
  randomizeWeights(model, seed);
  const onnxFile = path.join(out!, `${file}.onnx`);
  await exportOnnx(model, onnxFile, opset === undefined ? {} : { opset });
  const graph = decodeModelProto(readFileSync(onnxFile)).graph;
  const xs = caseData(c, 3, seed + 1000);
  const ys = await model.predictOutputs(xs.length === 1 ? xs[0]! : xs);
  const tensor = (name: string, t: { shape: number[]; data: Float32Array }) => ({ name, shape: t.shape, data: Array.from(t.data) });
  writeFileSync(
    path.join(out!, `${file}.json`),
    JSON.stringify({
      name: c.name,
      opset: opset ?? null,
      inputs: xs.map((x, i) => tensor(graph.input[i]!.name, x)),
      outputs: ys.map((y, i) => tensor(graph.output[i]!.name, y)),
    }),
  );
  model.dispose();
}

let k = 0;
let failed = 0;
for (const c of [...CASES, STATE_CASE, RAGGED_CASE, ...LAYER_CASES, ...FUNCTIONAL_CASES]) {
  const n = ++k;
  try {
    await write(c, n, `${String(n).padStart(2, '0')}-${slug(c.name)}`);
  } catch (err) {
    failed++;
    process.stderr.write(`write-samples: could not write "${c.name}": ${(err as Error).message}\n`);
  }
}
for (let opset = MIN_OPSET; opset <= MAX_OPSET; opset++) {
  await write(OPSET_CASE, 100 + opset, `opset-${opset}`, opset);
  await write(KITCHEN_CASE, 200 + opset, `kitchen-opset-${opset}`, opset);
}
process.stdout.write(`wrote ${k - failed + 2 * (MAX_OPSET - MIN_OPSET + 1)} ONNX files to ${out}${failed ? ` (${failed} could not be written)` : ''}\n`);
if (failed) process.exitCode = 1;

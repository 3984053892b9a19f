/**
 * `torch-lstm summary`: the layer table of a saved model and its preprocessing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadModel } from '../../io/load-model.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { PREPROCESSING_FILE, readPreprocessing } from '../model-dir.js';

export const spec: CommandSpec = {
  name: 'summary',
  summary: "print a saved model's layers, parameters and preprocessing",
  description:
    "Loads a model directory and prints model.summary() (Keras's layer table and the LSTM kernels the engine runs; for an int8 model written by " +
    '`torch-lstm quantize`, how each layer runs and the weight size before and after), then the preprocessing the CLI saved with it.',
  options: [{ name: 'model', type: 'string', required: true, placeholder: 'DIR', description: 'model directory' }],
  examples: ['summary --model models/co2'],
};

export async function run(args: ParsedArgs): Promise<number> {
  const dir = args.string('model');
  const model = await loadModel(dir);
  try {
    model.summary((text) => process.stdout.write(`${text}\n`));
  } finally {
    model.dispose();
  }
  if (existsSync(path.join(dir, PREPROCESSING_FILE))) {
    const { prep, transform } = await readPreprocessing(dir);
    const steps = [
      ...(transform.differencer ? [`Differencer(lag ${transform.differencer.lag})`] : []),
      ...(transform.scaler ? [transform.scaler.constructor.name] : []),
    ];
    console.log(`Preprocessing: ${steps.length ? steps.join(' -> ') : 'none'}; look-back ${prep.lookBack}; column "${prep.column}"${prep.dateColumn ? `, dates in "${prep.dateColumn}"` : ''}`);
    const t = prep.training;
    console.log(`Trained on ${t.trainRows} of ${t.rows} values of ${t.csv}${t.firstDate ? ` (${t.firstDate} .. ${t.lastDate})` : ''}`);
  }
  return 0;
}

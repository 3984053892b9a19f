/**
 * `torch-lstm quantize`: the int8 (dynamically quantized) twin of a trained model, saved with
 * the float model's preprocessing, and what it gains and costs (weight bytes, latency, error on
 * the held-out tail).
 */
import path from 'node:path';
import { memorySize } from '../../models/summary.js';
import { quantize } from '../../quantization/quantize.js';
import type { QuantizationReport } from '../../quantization/report.js';
import { UsageError, type CommandSpec, type ParsedArgs } from '../args.js';
import { labelAt, loadSeriesForModel, rangeLabel } from '../data.js';
import { OVERWRITE_OPTION, tableFormatOption, testFractionOption } from '../common-options.js';
import { QUIET_OPTION } from '../defaults.js';
import { checkOutDir, heldOutWindows, loadFloatModelDir, saveModelDir, type SeriesTransform } from '../model-dir.js';
import { fmt, notes, textTable, toJson } from '../output.js';

export const spec: CommandSpec = {
  name: 'quantize',
  summary: 'int8-quantize a trained model (smaller, faster on CPU) and report size, latency and error',
  description:
    "Quantizes the model of --model (written by `torch-lstm train`) with dynamic int8 quantization: the weight matrices of every LSTM and " +
    'Dense layer become int8 with one float scale per output column, activations stay float32. The int8 model is saved to --out with a copy ' +
    'of preprocessing.json (so predict, evaluate, forecast, summary and serve take --out as they take the float model) and quantization.json ' +
    '(the report). The report: weight bytes before and after, median predict latency of both models at each of --batch-sizes, and, with ' +
    '--csv, both models\' RMSE and MAE (in the units of the column) on the held-out tail that `evaluate` scores, with the relative RMSE change.',
  options: [
    { name: 'model', type: 'string', required: true, placeholder: 'DIR', description: 'the float model directory (written by `torch-lstm train`)' },
    { name: 'out', type: 'string', required: true, placeholder: 'DIR', description: 'directory to write the int8 model to' },
    { name: 'csv', type: 'string', placeholder: 'FILE', description: 'CSV series whose held-out tail scores both models (default: no error metrics)' },
    { name: 'column', type: 'string', placeholder: 'NAME', description: 'the numeric column, with --csv (default: the column the model was trained on)' },
    { name: 'date-column', type: 'string', placeholder: 'NAME', description: 'the date column, with --csv (default: the one the model was trained with, when the CSV has it)' },
    testFractionOption('the scored tail of the --csv series, as `evaluate` takes it', true),
    { name: 'batch-sizes', type: 'integer-list', min: 1, default: [1, 256], description: 'batch sizes at which predict latency is timed' },
    { name: 'repeats', type: 'integer', min: 1, default: 20, description: 'timed predict calls per batch size and model (the median is reported)' },
    OVERWRITE_OPTION,
    tableFormatOption('print the report as a table or JSON'),
    QUIET_OPTION,
  ],
  examples: [
    'quantize --model models/co2 --out models/co2-int8 --csv data/co2-concentration.csv --column CO2',
    'quantize --model models/co2 --out models/co2-int8 --batch-sizes 1,32,256 --format json',
  ],
};

/** Both models' errors in the units of the column. */
interface LevelMetrics {
  rmse: { float32: number; int8: number };
  mae: { float32: number; int8: number };
  rmseDelta: number;
}

/**
 * Model units -> column units: every transform the CLI fits is affine in the prediction (a
 * scaler, then the true previous level added back), so an error in model units times this
 * factor is the same error in levels.
 */
function levelFactor(transform: SeriesTransform): number {
  const [a, b] = transform.unscale([0, 1]);
  return Math.abs(b! - a!);
}

function ratio(float32: number, int8: number, better: string, worse: string): string {
  if (!(float32 > 0) || !(int8 > 0)) return '-';
  const r = float32 / int8;
  return r >= 1 ? `${r.toFixed(2)}x ${better}` : `${(1 / r).toFixed(2)}x ${worse}`;
}

function percent(delta: number): string {
  return Number.isFinite(delta) ? `${delta >= 0 ? '+' : ''}${(delta * 100).toFixed(2)}%` : String(delta);
}

/** The report as a table (float32 | int8 | change). */
export function reportTable(report: QuantizationReport, levels: LevelMetrics | null, scored: string | null): string {
  const bytes = report.bytes;
  const rows: string[][] = [['weights', memorySize(bytes.float32), memorySize(bytes.int8), `${bytes.ratio.toFixed(2)}x smaller`]];
  for (const [key, lat] of Object.entries(report.latencyMs)) {
    const n = key.replace(/^batch/, '');
    rows.push([`latency, batch ${n} (ms)`, fmt(lat.float32, 3), fmt(lat.int8, 3), ratio(lat.float32, lat.int8, 'faster', 'slower')]);
  }
  for (const [key, t] of Object.entries(report.throughput)) {
    const n = key.replace(/^batch/, '');
    if (n !== '1') rows.push([`throughput, batch ${n} (samples/s)`, t.float32.toFixed(0), t.int8.toFixed(0), ratio(t.int8, t.float32, 'higher', 'lower')]);
  }
  if (levels) {
    rows.push(['RMSE', fmt(levels.rmse.float32), fmt(levels.rmse.int8), percent(levels.rmseDelta)]);
    rows.push(['MAE', fmt(levels.mae.float32), fmt(levels.mae.int8), percent((levels.mae.int8 - levels.mae.float32) / levels.mae.float32)]);
  }
  const lines = [textTable(['', 'float32', 'int8', 'int8 vs float32'], rows)];
  if (scored) lines.push(`RMSE and MAE: one-step-ahead on ${scored}; RMSE delta ${percent(levels!.rmseDelta)}`);
  return lines.join('\n');
}

export async function run(args: ParsedArgs): Promise<number> {
  const note = notes(args.boolean('quiet'));
  const dir = args.string('model');
  const out = args.string('out');
  if (!args.given('csv')) {
    const needsCsv = ['column', 'date-column', 'test-fraction'].filter((o) => args.given(o));
    if (needsCsv.length > 0) throw new UsageError(`${needsCsv.map((o) => `--${o}`).join(' and ')} ${needsCsv.length > 1 ? 'apply' : 'applies'} to the --csv series; give --csv too`);
  }
  if (path.resolve(out) === path.resolve(dir)) throw new UsageError('Expected --out to differ from --model: the int8 model is written next to the float one, not over it');
  checkOutDir(out, args.boolean('overwrite'));

  const { model, prep, transform } = await loadFloatModelDir(dir, 'quantize the float model it was made from');
  try {
    let validation: { x: number[][][]; y: number[] } | undefined;
    let scored: string | null = null;
    let heldOut: { csv: string; column: string; from: string; values: number } | null = null;
    if (args.given('csv')) {
      const series = loadSeriesForModel(args, prep, note);
      const levels = series.values;
      const n = levels.length;
      const { testStart, x, y } = heldOutWindows(levels, series.file, prep, transform, args.number('test-fraction'));
      validation = { x, y };
      scored = `the last ${n - testStart} values of "${series.column}" (${rangeLabel(series, testStart, n)})`;
      heldOut = { csv: series.file, column: series.column, from: labelAt(series, testStart), values: n - testStart };
    }
    const batchSizes = args.list('batch-sizes');
    note(`Quantizing ${dir} (int8-dynamic); timing predict at batch ${batchSizes.join(', ')} (${args.number('repeats')} calls each)...`);
    const q = await quantize(model, {
      mode: 'int8-dynamic',
      batchSizes,
      repeats: args.number('repeats'),
      ...(validation ? { validationData: validation } : {}),
    });
    try {
      const report = q.report;
      const factor = levelFactor(transform);
      const m = report.metrics;
      const levels: LevelMetrics | null = m
        ? {
            rmse: { float32: m.float32.rmse * factor, int8: m.int8.rmse * factor },
            mae: { float32: m.float32.mae * factor, int8: m.int8.mae * factor },
            rmseDelta: m.rmseDelta,
          }
        : null;
      const doc = {
        model: dir,
        out,
        mode: q.quantization.mode,
        engine: q.quantization.engine,
        ...(heldOut ? { heldOut, levels } : {}),
        report,
      };
      const written = await saveModelDir(out, q, { preprocessing: prep, quantization: doc });
      if (args.string('format') === 'json') {
        process.stdout.write(toJson(doc));
        note(`Saved ${out} (${written.join(', ')})`);
      } else {
        console.log(`Quantized ${dir} -> ${out} (${q.quantization.mode}, ${q.quantization.engine} engine)`);
        console.log(reportTable(report, levels, scored));
        console.log(`\nSaved ${out} (${written.join(', ')})`);
      }
    } finally {
      q.dispose();
    }
  } finally {
    model.dispose();
  }
  return 0;
}

/**
 * What the CLI's commands share: the article's defaults (the model of examples/co2-forecast.ts),
 * the options that set them, the model they build, the training callbacks, and the
 * preprocessing pipeline.
 */
import { initializers, layers } from '../layers/index.js';
import { sequential, type Sequential } from '../models/sequential.js';
import { Differencer } from '../preprocessing/differencer.js';
import { MinMaxScaler } from '../preprocessing/min-max-scaler.js';
import { StandardScaler } from '../preprocessing/standard-scaler.js';
import type { Callback } from '../training/callbacks/callback.js';
import { earlyStopping } from '../training/callbacks/early-stopping.js';
import { ProgressLogger } from '../training/callbacks/progress-logger.js';
import { reduceLROnPlateau } from '../training/callbacks/reduce-lr-on-plateau.js';
import { optimizers } from '../training/optimizers.js';
import { QUIET_OPTION, type OptionSpec, type ParsedArgs } from './args.js';

/** The article's defaults (examples/co2-forecast.ts). */
export const DEFAULTS = {
  lookBack: 24,
  epochs: 100,
  batchSize: 32,
  units: [64, 32],
  dropout: 0.2,
  recurrentDropout: 0.1,
  learningRate: 1e-3,
  clipValue: 1,
  validationSplit: 0.2,
  difference: 1,
  scaler: 'minmax',
  testFraction: 0.2,
  seasonalPeriod: 12,
  seed: 7,
  /** EarlyStopping(val_loss, patience 10, restoreBestWeights). */
  earlyStoppingPatience: 10,
  /** ReduceLROnPlateau(val_loss, factor 0.2, patience 5). */
  reduceLrFactor: 0.2,
  reduceLrPatience: 5,
} as const;

export type ScalerName = 'minmax' | 'standard' | 'none';

/** The data options: where the series comes from. */
export const DATA_OPTIONS: readonly OptionSpec[] = [
  { name: 'csv', type: 'string', required: true, placeholder: 'FILE', description: 'CSV file with a header row' },
  { name: 'column', type: 'string', required: true, placeholder: 'NAME', description: 'the numeric column to model' },
  {
    name: 'date-column',
    type: 'string',
    placeholder: 'NAME',
    description: 'a column of dates: rows must be in date order; missing periods of a regular series are filled by linear interpolation',
  },
];

/** The data options of the commands that use a trained model (predict, evaluate, forecast). */
export const TRAINED_DATA_OPTIONS: readonly OptionSpec[] = [
  { name: 'model', type: 'string', required: true, placeholder: 'DIR', description: 'model directory written by `torch-lstm train` (or `torch-lstm quantize`)' },
  { name: 'csv', type: 'string', required: true, placeholder: 'FILE', description: 'CSV file with a header row' },
  { name: 'column', type: 'string', placeholder: 'NAME', description: 'the numeric column (default: the column the model was trained on)' },
  { name: 'date-column', type: 'string', placeholder: 'NAME', description: 'the date column (default: the one the model was trained with, when the CSV has it)' },
];

/** The options of the model and its training (train, backtest). */
export function modelOptions(epochs: number = DEFAULTS.epochs): OptionSpec[] {
  return [
    { name: 'look-back', type: 'integer', min: 1, default: DEFAULTS.lookBack, description: 'time steps per input window' },
    { name: 'epochs', type: 'integer', min: 1, default: epochs, description: 'most epochs (EarlyStopping on val_loss, patience 10, may stop sooner)' },
    { name: 'batch-size', type: 'integer', min: 1, default: DEFAULTS.batchSize, description: 'samples per gradient step' },
    { name: 'units', type: 'integer-list', min: 1, default: [...DEFAULTS.units], description: 'units of each stacked LSTM layer' },
    { name: 'dropout', type: 'number', min: 0, max: 1, maxExclusive: true, default: DEFAULTS.dropout, description: 'input dropout of every LSTM layer but the last' },
    {
      name: 'recurrent-dropout',
      type: 'number',
      min: 0,
      max: 1,
      maxExclusive: true,
      default: DEFAULTS.recurrentDropout,
      description: 'recurrent dropout of the last LSTM layer',
    },
    { name: 'learning-rate', type: 'number', min: 0, default: DEFAULTS.learningRate, description: "Adam's learning rate (ReduceLROnPlateau: x0.2 after 5 flat epochs)" },
    { name: 'clip-value', type: 'number', min: 0, default: DEFAULTS.clipValue, description: 'gradient clipping by value (0 = off)' },
    ...trainingDataOptions(),
  ];
}

/** The options of the validation split and the preprocessing (train, tune, backtest). */
export function trainingDataOptions(): OptionSpec[] {
  return [
    {
      name: 'validation-split',
      type: 'number',
      min: 0,
      max: 1,
      maxExclusive: true,
      default: DEFAULTS.validationSplit,
      description: 'fraction of the training windows (the last ones) that validate',
    },
    {
      name: 'difference',
      type: 'integer',
      min: 0,
      default: DEFAULTS.difference,
      placeholder: 'LAG',
      description: 'difference the series at this lag before scaling (0 = off; 12 = seasonal for monthly data)',
    },
    { name: 'scaler', type: 'choice', choices: ['minmax', 'standard', 'none'], default: DEFAULTS.scaler, description: 'scaling of the (differenced) series, fitted on the training part only' },
  ];
}

export const SEASONAL_PERIOD_OPTION: OptionSpec = {
  name: 'seasonal-period',
  type: 'integer',
  min: 1,
  default: DEFAULTS.seasonalPeriod,
  description: 'season length of the seasonal-naive baseline and of MASE',
};

export const SEED_OPTION: OptionSpec = { name: 'seed', type: 'integer', min: 0, default: DEFAULTS.seed, description: 'seed of the weights, shuffling and dropout' };

export { QUIET_OPTION };

/** The model's hyperparameters. */
export interface ModelParams {
  lookBack: number;
  units: number[];
  dropout: number;
  recurrentDropout: number;
  learningRate: number;
  clipValue: number;
  seed: number;
  /** Outputs of the last Dense layer. Defaults to `1`. */
  horizon?: number;
}

/** The model options of a parsed command line. */
export function modelParams(args: ParsedArgs): ModelParams {
  return {
    lookBack: args.number('look-back'),
    units: args.list('units'),
    dropout: args.number('dropout'),
    recurrentDropout: args.number('recurrent-dropout'),
    learningRate: args.number('learning-rate'),
    clipValue: args.number('clip-value'),
    seed: args.number('seed'),
  };
}

/**
 * The article's model, generalized to any stack: LSTM(units[0], returnSequences, dropout) ->
 * ... -> LSTM(units[last], recurrentDropout) -> Dense(horizon), Adam(learningRate, clipValue),
 * mse loss, mae metric. With the defaults, exactly examples/co2-forecast.ts's model (same
 * seeded initializers). A single layer gets both dropouts.
 */
export function buildModel(p: ModelParams): Sequential {
  const init = (offset: number) => ({
    kernelInitializer: initializers.glorotUniform({ seed: p.seed * 10 + offset }),
    recurrentInitializer: initializers.orthogonal({ seed: p.seed * 10 + offset + 1 }),
  });
  const last = p.units.length - 1;
  const model = sequential([
    ...p.units.map((units, i) =>
      layers.lstm({
        units,
        ...(i === 0 ? { inputShape: [p.lookBack, 1] } : {}),
        returnSequences: i < last,
        ...(i < last || last === 0 ? { dropout: p.dropout } : {}),
        ...(i === last ? { recurrentDropout: p.recurrentDropout } : {}),
        ...init(2 * i),
      }),
    ),
    layers.dense({ units: p.horizon ?? 1, kernelInitializer: initializers.glorotUniform({ seed: p.seed * 10 + 2 * p.units.length }) }),
  ]);
  model.compile({
    optimizer: optimizers.adam({ learningRate: p.learningRate, ...(p.clipValue > 0 ? { clipValue: p.clipValue } : {}) }),
    loss: 'mse',
    metrics: ['mae'],
  });
  return model;
}

/**
 * The training callbacks: EarlyStopping (patience 10, best weights restored) and
 * ReduceLROnPlateau (x0.2 after 5 epochs) on `val_loss` (on `loss` without validation), and
 * the progress bar on stderr unless quiet.
 */
export function trainingCallbacks(opts: { validation: boolean; quiet: boolean }): Callback[] {
  const monitor = opts.validation ? 'val_loss' : 'loss';
  return [
    earlyStopping({ monitor, patience: DEFAULTS.earlyStoppingPatience, restoreBestWeights: true }),
    reduceLROnPlateau({ monitor, factor: DEFAULTS.reduceLrFactor, patience: DEFAULTS.reduceLrPatience }),
    ...(opts.quiet ? [] : [progressBar()]),
  ];
}

/** The library's `verbose: 1` progress bar, on stderr so that stdout stays the command's output. */
export function progressBar(): ProgressLogger {
  return new ProgressLogger({ stream: process.stderr });
}

/** The preprocessing steps: a Differencer (when `lag` > 0), then the scaler (unless `none`). */
export function preprocessingSteps(lag: number, scaler: ScalerName): (Differencer | MinMaxScaler | StandardScaler)[] {
  return [
    ...(lag > 0 ? [new Differencer({ lag })] : []),
    ...(scaler === 'minmax' ? [new MinMaxScaler({ featureRange: [0, 1] })] : scaler === 'standard' ? [new StandardScaler()] : []),
  ];
}

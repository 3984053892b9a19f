/**
 * The command-line entry (`bin/torch-lstm.js` -> here): `torch-lstm <command> [options]`.
 *
 * Exit codes: 0 success; 1 a runtime failure (bad data, a missing file, an engine error);
 * 2 a usage error (unknown command or option, a malformed or missing value). Results go to
 * stdout; progress bars, notes and errors to stderr.
 */
import { createRequire } from 'node:module';
import { TorchError } from '../errors.js';
import { nearest } from '../validate.js';
import { helpText, parseArgs, UsageError, wantsHelp, type CommandSpec, type ParsedArgs } from './args.js';

/** A command module: its spec and what it does. */
interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs): Promise<number>;
}

/** The commands, loaded on demand (`--help` of one command loads only that one). */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  train: { summary: 'train an LSTM on a CSV column and save it to a model directory', load: () => import('./commands/train.js') },
  predict: { summary: 'one-step-ahead predictions over a CSV series', load: () => import('./commands/predict.js') },
  evaluate: { summary: 'metrics of a trained model on a held-out tail, next to the baselines', load: () => import('./commands/evaluate.js') },
  forecast: { summary: 'forecast the values after a series (optionally with intervals)', load: () => import('./commands/forecast.js') },
  quantize: { summary: 'int8-quantize a trained model; report size, latency and error vs the float one', load: () => import('./commands/quantize.js') },
  serve: { summary: 'serve model directories over gRPC and HTTP (KServe v2, TF Serving) until SIGTERM', load: () => import('./commands/serve.js') },
  summary: { summary: "print a saved model's layers and preprocessing", load: () => import('./commands/summary.js') },
  tune: { summary: 'TPE hyperparameter search (resumable) with a tuning dashboard', load: () => import('./commands/tune.js') },
  backtest: { summary: 'rolling-origin backtest against the naive baselines', load: () => import('./commands/backtest.js') },
  report: { summary: 'render a saved history, study or backtest result as HTML', load: () => import('./commands/report.js') },
};

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function version(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}

/** The help printed by `torch-lstm` and `torch-lstm --help`. */
export function programHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  return [
    'Usage: torch-lstm <command> [options]',
    '',
    'Keras-style LSTM forecasting on LibTorch, from the command line.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
    'Run "torch-lstm <command> --help" for the options of a command.',
    'Options: -h, --help (this help), --version (the version).',
    'Exit codes: 0 success, 1 runtime failure, 2 usage error.',
    '',
    'Examples:',
    '  torch-lstm train --csv data/co2-concentration.csv --column CO2 --date-column Date --out models/co2',
    '  torch-lstm quantize --model models/co2 --out models/co2-int8 --csv data/co2-concentration.csv',
    '  torch-lstm serve --model co2=models/co2-int8',
    '',
  ].join('\n');
}

function errorLine(command: string | undefined, err: unknown): string {
  const prefix = `torch-lstm${command ? ` ${command}` : ''}: error: `;
  if (err instanceof TorchError) return `${prefix}${err.message} [${err.code}]`;
  if (err instanceof Error) return `${prefix}${err.message}`;
  return `${prefix}${String(err)}`;
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and resolves with the exit code.
 * Never rejects: every error is printed to stderr.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    if (name === 'help' && rest[0] !== undefined && COMMANDS[rest[0]]) return main([rest[0], '--help']);
    (name === undefined ? process.stderr : process.stdout).write(programHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    const near = nearest(name, Object.keys(COMMANDS));
    process.stderr.write(
      `torch-lstm: error: unknown command "${name}"${near ? `; did you mean "${near}"?` : ''}\n` +
        `Commands: ${Object.keys(COMMANDS).join(', ')}. Run "torch-lstm --help" for usage.\n`,
    );
    return EXIT_USAGE;
  }
  let command: Command;
  try {
    command = await entry.load();
  } catch (err) {
    process.stderr.write(`${errorLine(name, err)}\n`);
    return EXIT_FAILURE;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(helpText(command.spec));
    return EXIT_OK;
  }
  let args: ParsedArgs;
  try {
    args = parseArgs(command.spec, rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${errorLine(name, err)}\nRun "torch-lstm ${name} --help" for usage.\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${errorLine(name, err)}\nRun "torch-lstm ${name} --help" for usage.\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`${errorLine(name, err)}\n`);
    if (process.env.TORCH_LSTM_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT_FAILURE;
  }
}

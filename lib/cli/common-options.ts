/**
 * Option declarations that several commands share, next to the model's and the data's in
 * defaults.ts: the held-out tail, where results go, and the closing options of a training
 * command. Each is declared once here, so that `--help` words it the same in every command.
 */
import type { OptionSpec } from './args.js';
import { DEFAULTS, QUIET_OPTION, SEASONAL_PERIOD_OPTION, SEED_OPTION } from './defaults.js';

/**
 * `--test-fraction`: the held-out tail of the series. A command that scores the tail
 * (evaluate, quantize) passes `scored`: then 0 (no tail) is out of range.
 */
export function testFractionOption(description: string, scored = false): OptionSpec {
  return {
    name: 'test-fraction',
    type: 'number',
    min: 0,
    max: 1,
    ...(scored ? { minExclusive: true } : {}),
    maxExclusive: true,
    default: DEFAULTS.testFraction,
    description,
  };
}

/** `--report FILE`: the HTML page a command writes. */
export function reportOption(description: string): OptionSpec {
  return { name: 'report', type: 'string', placeholder: 'FILE', description };
}

/** `--overwrite`, for the commands that write a model directory to `--out` (train, tune, quantize). */
export const OVERWRITE_OPTION: OptionSpec = { name: 'overwrite', type: 'boolean', description: 'replace the model in an existing --out directory' };

/** `--out` and `--format` of the commands that write records as CSV or JSON (predict, forecast). */
export const RECORDS_OUTPUT_OPTIONS: readonly OptionSpec[] = [
  { name: 'out', type: 'string', placeholder: 'FILE', description: 'output file (default: stdout); .json writes JSON' },
  { name: 'format', type: 'choice', choices: ['csv', 'json'], description: 'output format (default: from the --out extension, else csv)' },
];

/** `--format table|json` of the commands that print a report (evaluate, quantize). */
export function tableFormatOption(description: string): OptionSpec {
  return { name: 'format', type: 'choice', choices: ['table', 'json'], default: 'table', description };
}

/**
 * The last options of a training command (train, backtest, tune): `--seasonal-period` and
 * `--seed`, then the command's own `extra`, then `--quiet`.
 */
export function closingOptions(...extra: OptionSpec[]): OptionSpec[] {
  return [SEASONAL_PERIOD_OPTION, SEED_OPTION, ...extra, QUIET_OPTION];
}

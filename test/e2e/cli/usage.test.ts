// --help for every command, usage errors (exit 2) and runtime errors (exit 1).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'torch-lstm-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS = ['train', 'predict', 'evaluate', 'forecast', 'quantize', 'serve', 'summary', 'tune', 'backtest', 'report'];

describe('torch-lstm --help', () => {
  it('lists the commands, quantize and serve included', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain('torch-lstm serve --model co2=models/co2-int8');
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: torch-lstm <command>');
  });

  it.concurrent.each(COMMANDS)('%s --help prints the usage, the options with defaults, and an example', async (command) => {
    const r = await cli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: torch-lstm ${command} `));
    expect(r.stdout).toContain('Options:');
    expect(r.stdout).toContain('-h, --help');
    expect(r.stdout).toMatch(new RegExp(`Examples?:\\n  torch-lstm ${command} `));
    if (command !== 'summary' && command !== 'report') expect(r.stdout).toContain('(default: ');
    const h = await cli(['help', command]);
    expect(h.stdout).toBe(r.stdout);
  });

  it('prints the train defaults of the article', async () => {
    const r = await cli(['train', '--help']);
    // Each option's entry: its line and the indented lines that continue it, joined.
    const entries = r.stdout.split(/\n(?= {2}(?:-h, |-q, | {4})--)/).map((e) => e.replace(/\s+/g, ' '));
    const entry = (option: string): string => entries.find((e) => e.trimStart().replace(/^-[hq], /, '').startsWith(`--${option} `)) ?? '';
    const defaults: [string, string][] = [
      ['look-back', '24'], ['epochs', '100'], ['batch-size', '32'], ['units', '64,32'], ['dropout', '0.2'], ['recurrent-dropout', '0.1'],
      ['learning-rate', '0.001'], ['clip-value', '1'], ['validation-split', '0.2'], ['difference', '1'], ['scaler', 'minmax'],
      ['test-fraction', '0.2'], ['seed', '7'],
    ];
    for (const [option, value] of defaults) expect(entry(option), option).toContain(`(default: ${value})`);
  });

  it('serve and quantize list their options and defaults', async () => {
    const serve = await cli(['serve', '--help']);
    expect(serve.stdout).toMatch(/--model NAME=DIR\s+.*\(required; repeatable\)/s);
    for (const [option, value] of [['grpc-port', '8001'], ['http-port', '8000'], ['host', '127.0.0.1'], ['max-batch-size', '64'], ['max-queue-delay-ms', '0']]) {
      expect(serve.stdout.replace(/\s+/g, ' ')).toMatch(new RegExp(`--${option} \\S+ [^-]*\\(default: ${value.replace(/\./g, '\\.')}\\)`));
    }
    expect(serve.stdout).toContain('--no-dynamic-batching');
    const quantize = await cli(['quantize', '--help']);
    expect(quantize.stdout).toMatch(/^Usage: torch-lstm quantize --model DIR --out DIR \[options\]/);
    expect(quantize.stdout).toMatch(/--batch-sizes N,N,\.\.\.\s+.*\(default: 1,256\)/);
  });
});

describe('usage errors exit 2 with a message', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown command', ['trian'], /unknown command "trian"; did you mean "train"\?/],
    ['an unknown option', ['train', '--csv', 'a.csv', '--column', 'y', '--out', 'm', '--epoch', '3'], /Unknown option "--epoch"; did you mean "--epochs"\?/],
    ['a missing required option', ['train', '--csv', 'a.csv', '--column', 'y'], /Missing required option --out/],
    ['a malformed number', ['forecast', '--model', 'm', '--csv', 'a.csv', '--steps', 'twelve'], /Expected an integer for --steps but received "twelve"/],
    ['a value out of range', ['forecast', '--model', 'm', '--csv', 'a.csv', '--intervals', '90'], /Expected a number in \(0, 1\) for --intervals but received 90/],
    ['a bad choice', ['backtest', '--csv', 'a.csv', '--column', 'y', '--strategy', 'expandng'], /did you mean "expanding"\?/],
    ['none of report\'s inputs', ['report', '--out', 'r.html'], /Expected one of --history, --study, --backtest/],
    ['a stray argument', ['summary', 'model-dir'], /Unexpected argument "model-dir"/],
    ['serve without a model', ['serve'], /Missing required option --model/],
    ['serve with a malformed model name', ['serve', '--model', 'my model=m'], /Expected a model name of letters, digits.* but received "my model"/],
    ['serve with a name twice', ['serve', '--model', 'a=m1', '--model', 'a=m2'], /Two --model options serve the name "a"/],
    ['serve with one port for both', ['serve', '--model', 'm', '--grpc-port', '9000', '--http-port', '9000'], /different ports for --grpc-port and --http-port/],
    ['serve with a port out of range', ['serve', '--model', 'm', '--http-port', '70000'], /Expected an integer in \[0, 65535\] for --http-port but received 70000/],
    ['serve with an unknown option', ['serve', '--model', 'm', '--max-batch-sise', '8'], /did you mean "--max-batch-size"\?/],
    ['quantize without --out', ['quantize', '--model', 'm'], /Missing required option --out/],
    ['quantize --column without --csv', ['quantize', '--model', 'm', '--out', 'q', '--column', 'y'], /--column applies to the --csv series; give --csv too/],
    ['quantize over its own model', ['quantize', '--model', 'm', '--out', './m/'], /Expected --out to differ from --model/],
  ];
  it.concurrent.each(cases)('%s', async (_name, args, message) => {
    const r = await cli(args, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('runtime errors exit 1 with a message', () => {
  const csv = path.join(dir, 'gaps.csv');
  writeFileSync(csv, 'Date,Sales\n2020-01-01,1\n2020-02-01,\n2020-03-01,3\n');
  const cases: [string, string[], RegExp][] = [
    ['a missing CSV file', ['train', '--csv', 'nope.csv', '--column', 'y', '--out', 'm'], /nope\.csv: no such file/],
    ['a missing value', ['train', '--csv', csv, '--column', 'Sales', '--out', 'm'], /gaps\.csv: row 2 \(line 3\), column "Sales": missing value/],
    ['an unknown column', ['backtest', '--csv', csv, '--column', 'sales'], /no column "sales" in the header; did you mean "Sales"\?/],
    ['a missing model directory', ['predict', '--model', 'no-model', '--csv', csv], /no-model: no such model directory/],
    ['a directory that is no model', ['summary', '--model', dir], /is not a saved torch-lstm model/],
    ['quantize a missing model directory', ['quantize', '--model', 'no-model', '--out', 'q'], /no-model: no such model directory/],
    ['serve a missing model directory', ['serve', '--model', 'co2=no-model', '--grpc-port', '0', '--http-port', '0'], /no-model: no saved model here: the directory does not exist/],
    ['a file that is no history', ['report', '--history', csv, '--out', 'r.html'], /is not valid JSON/],
  ];
  it.concurrent.each(cases)('%s', async (_name, args, message) => {
    const r = await cli(args, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('too little data for the look-back', async () => {
    const short = path.join(dir, 'short.csv');
    writeFileSync(short, `y\n${Array.from({ length: 30 }, (_, i) => i % 7).join('\n')}\n`);
    const r = await cli(['train', '--csv', short, '--column', 'y', '--out', 'm', '--quiet'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Too little data: the training part holds 24 values/);
  });
});

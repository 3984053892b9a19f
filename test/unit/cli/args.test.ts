import { describe, expect, it } from 'vitest';
import { helpText, parseArgs, UsageError, wantsHelp, type CommandSpec } from '../../../lib/cli/args.js';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'a demo command',
  description: 'Does nothing, for the tests.',
  options: [
    { name: 'csv', type: 'string', required: true, placeholder: 'FILE', description: 'input' },
    { name: 'look-back', type: 'integer', min: 1, default: 24, description: 'window' },
    { name: 'dropout', type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.2, description: 'dropout' },
    { name: 'level', type: 'number', min: 0, max: 1, minExclusive: true, maxExclusive: true, description: 'coverage' },
    { name: 'units', type: 'integer-list', min: 1, default: [64, 32], description: 'units' },
    { name: 'scaler', type: 'choice', choices: ['minmax', 'standard', 'none'], default: 'minmax', description: 'scaler' },
    { name: 'seed', type: 'integer', default: 7, description: 'seed' },
    { name: 'quiet', type: 'boolean', description: 'quiet' },
  ],
  examples: ['demo --csv data.csv'],
};

const usage = (argv: string[]): string => {
  try {
    parseArgs(spec, argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
};

describe('parseArgs', () => {
  it('reads --name value, --name=value, flags and lists, and fills the defaults', () => {
    const a = parseArgs(spec, ['--csv', 'data.csv', '--look-back=12', '--units', '16,8,4', '--quiet']);
    expect(a.string('csv')).toBe('data.csv');
    expect(a.number('look-back')).toBe(12);
    expect(a.list('units')).toEqual([16, 8, 4]);
    expect(a.boolean('quiet')).toBe(true);
    expect(a.number('dropout')).toBe(0.2);
    expect(a.string('scaler')).toBe('minmax');
    expect(a.optionalNumber('level')).toBeUndefined();
    expect(a.given('look-back')).toBe(true);
    expect(a.given('dropout')).toBe(false);
  });

  it('takes a value that starts with a dash (negative numbers) and accepts -q and exponent notation', () => {
    const a = parseArgs(spec, ['--csv', 'x', '--seed', '-3', '-q', '--dropout', '1e-1']);
    expect(a.number('seed')).toBe(-3);
    expect(a.boolean('quiet')).toBe(true);
    expect(a.number('dropout')).toBeCloseTo(0.1);
  });

  it('flags unknown options with a did-you-mean', () => {
    expect(usage(['--csv', 'x', '--look-bak', '3'])).toBe('Unknown option "--look-bak"; did you mean "--look-back"?');
    expect(usage(['--csv', 'x', '--zzzzzzzz', '3'])).toMatch(/Unknown option "--zzzzzzzz"; run with --help/);
    expect(usage(['--csv', 'x', '-x'])).toMatch(/Unknown option "-x"/);
  });

  it('rejects malformed, out-of-range and missing values, naming the option', () => {
    expect(usage(['--csv', 'x', '--look-back', 'abc'])).toBe('Expected an integer for --look-back but received "abc"');
    expect(usage(['--csv', 'x', '--look-back', '2.5'])).toBe('Expected an integer for --look-back but received "2.5"');
    expect(usage(['--csv', 'x', '--look-back', '0'])).toBe('Expected an integer >= 1 for --look-back but received 0');
    expect(usage(['--csv', 'x', '--dropout', '1'])).toBe('Expected a number in [0, 1) for --dropout but received 1');
    expect(usage(['--csv', 'x', '--level', '0'])).toBe('Expected a number in (0, 1) for --level but received 0');
    expect(usage(['--csv', 'x', '--units', '64,,32'])).toMatch(/comma-separated list of integers for --units/);
    expect(usage(['--csv', 'x', '--units', '64,0'])).toMatch(/>= 1 for --units/);
    expect(usage(['--csv', 'x', '--scaler', 'minmx'])).toBe('Expected one of minmax, standard, none for --scaler but received "minmx"; did you mean "minmax"?');
    expect(usage(['--csv'])).toMatch(/--csv needs a value/);
    expect(usage(['--csv', '--quiet'])).toMatch(/--csv needs a value/);
  });

  it('requires the required options, refuses repeats and positional arguments', () => {
    expect(usage([])).toBe('Missing required option --csv');
    expect(usage(['--csv', 'a', '--csv', 'b'])).toBe('Option --csv is given more than once');
    expect(usage(['--csv', 'a', 'extra'])).toMatch(/Unexpected argument "extra"/);
    expect(usage(['--csv', 'a', '--quiet=maybe'])).toMatch(/--quiet alone/);
  });

  it('collects every value of a repeatable option, in order', () => {
    const s: CommandSpec = { ...spec, options: [{ name: 'model', type: 'string', required: true, repeatable: true, description: 'm' }, { name: 'port', type: 'integer', description: '' }] };
    const a = parseArgs(s, ['--model', 'a=x', '--port', '1', '--model=b=y']);
    expect(a.strings('model')).toEqual(['a=x', 'b=y']);
    expect(parseArgs(s, ['--model', 'one']).strings('model')).toEqual(['one']);
    expect(parseArgs(s, ['--help']).strings('model')).toEqual([]);
    expect(() => parseArgs(s, [])).toThrow('Missing required option --model');
    expect(() => parseArgs(s, ['--model', 'x', '--port', '1', '--port', '2'])).toThrow('Option --port is given more than once');
    expect(() => parseArgs(s, ['--model', ''])).toThrow('Expected a non-empty value for --model');
    expect(helpText(s)).toMatch(/--model VALUE\s+m \(required; repeatable\)/);
  });

  it('checks groups of which exactly one option is required', () => {
    const s: CommandSpec = { ...spec, options: [{ name: 'a', type: 'string', description: '' }, { name: 'b', type: 'string', description: '' }], exactlyOne: [['a', 'b']] };
    expect(parseArgs(s, ['--a', '1']).string('a')).toBe('1');
    expect(() => parseArgs(s, [])).toThrow('Expected one of --a, --b');
    expect(() => parseArgs(s, ['--a', '1', '--b', '2'])).toThrow('Expected only one of --a, --b but received --a and --b');
  });

  it('lets --help through whatever else is missing', () => {
    expect(wantsHelp(['--look-back', '3', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['--csv', 'x'])).toBe(false);
    expect(parseArgs(spec, ['--help']).boolean('help')).toBe(true);
  });
});

describe('helpText', () => {
  it('prints the usage line, every option with its default, and the example', () => {
    const text = helpText(spec);
    expect(text).toMatch(/^Usage: torch-lstm demo --csv FILE \[options\]/);
    expect(text).toMatch(/--look-back N\s+window \(default: 24\)/);
    expect(text).toMatch(/--units N,N,\.\.\.\s+units \(default: 64,32\)/);
    expect(text).toMatch(/--scaler minmax\|standard\|none\s+scaler \(default: minmax\)/);
    expect(text).toMatch(/--csv FILE\s+input \(required\)/);
    expect(text).toContain('-h, --help');
    expect(text).toContain('Example:\n  torch-lstm demo --csv data.csv');
  });
});

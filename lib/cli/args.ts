/**
 * The CLI's argument parser: each command declares its options once (name, type, default,
 * description), and the same declaration validates the command line and prints `--help`.
 *
 * Accepted forms: `--name value`, `--name=value`, `--flag` (booleans), `-h`/`--help`,
 * `-q` for `--quiet`. A value may start with `-` (`--seed -1` is a value, not an option).
 * An option declared `repeatable` may be given several times (`--model a=x --model b=y`).
 * Unknown options, missing values, repeated options and malformed numbers are
 * {@link UsageError}s (exit code 2), with a did-you-mean hint for near misses.
 */
import { nearest } from '../validate.js';

/** A command line that does not match the command's options: the CLI exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** How an option's value is read. */
export type OptionType = 'string' | 'number' | 'integer' | 'boolean' | 'integer-list' | 'choice';

/** An option's value once parsed. */
export type OptionValue = string | number | boolean | number[] | string[];

/** One option of a command. */
export interface OptionSpec {
  /** The name after `--`, kebab-case (`look-back`). */
  name: string;
  type: OptionType;
  /** One line for `--help`. */
  description: string;
  /** The value when the option is absent; shown in `--help`. */
  default?: OptionValue;
  /** The option must be given. */
  required?: boolean;
  /** The allowed values of a `choice` option. */
  choices?: readonly string[];
  /** Inclusive bounds of a numeric option (of each element of a list). */
  min?: number;
  max?: number;
  /** Exclude `min` / `max` from the range. */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** The value's placeholder in `--help` (`FILE`, `N`). Defaults to one from the type. */
  placeholder?: string;
  /** A `string` option that may be given more than once; read it with {@link ParsedArgs.strings}. */
  repeatable?: boolean;
}

/** A command: what `--help` prints and what the parser accepts. */
export interface CommandSpec {
  name: string;
  /** One line, for the command list. */
  summary: string;
  /** A paragraph printed under the usage line. */
  description: string;
  options: readonly OptionSpec[];
  /** Example command lines (without the leading `torch-lstm`). */
  examples: readonly string[];
  /** Groups of options of which exactly one must be given. */
  exactlyOne?: readonly (readonly string[])[];
}

/** The options every command accepts. */
export const HELP_OPTION: OptionSpec = { name: 'help', type: 'boolean', description: 'show this help and exit' };
export const QUIET_OPTION: OptionSpec = { name: 'quiet', type: 'boolean', description: 'no progress bar and no notes (results are still printed)' };

/** The parsed options of one command line. Getters return the value or the default. */
export class ParsedArgs {
  readonly #values: Map<string, OptionValue>;
  readonly #given: Set<string>;

  constructor(values: Map<string, OptionValue>, given: Set<string>) {
    this.#values = values;
    this.#given = given;
  }

  /** Whether the option was on the command line (not defaulted). */
  given(name: string): boolean {
    return this.#given.has(name);
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  string(name: string): string {
    return this.#get(name, 'string') as string;
  }

  optionalString(name: string): string | undefined {
    return this.#values.has(name) ? this.string(name) : undefined;
  }

  number(name: string): number {
    return this.#get(name, 'number') as number;
  }

  optionalNumber(name: string): number | undefined {
    return this.#values.has(name) ? this.number(name) : undefined;
  }

  boolean(name: string): boolean {
    return this.#values.get(name) === true;
  }

  /** Every value of a repeatable option, in command-line order (`[]` when absent). */
  strings(name: string): string[] {
    const v = this.#values.get(name);
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) throw new Error(`internal: option --${name} is not repeatable`);
    return [...(v as string[])];
  }

  list(name: string): number[] {
    const v = this.#get(name, 'object');
    return [...(v as number[])];
  }

  #get(name: string, kind: 'string' | 'number' | 'object'): OptionValue {
    const v = this.#values.get(name);
    if (v === undefined) throw new Error(`internal: option --${name} has no value and no default`);
    if (typeof v !== kind) throw new Error(`internal: option --${name} is not a ${kind}`);
    return v;
  }
}

const PLACEHOLDER: Record<OptionType, string> = {
  string: 'VALUE',
  number: 'X',
  integer: 'N',
  boolean: '',
  'integer-list': 'N,N,...',
  choice: '',
};

/** The options of `spec`, with `--help` (and nothing else) added. */
function allOptions(spec: CommandSpec): OptionSpec[] {
  return [...spec.options, HELP_OPTION];
}

/** Whether `argv` asks for help (`-h`, `--help`), wherever it stands. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '-h' || a === '--help');
}

/**
 * Parses `argv` (the arguments after the command name) against `spec`.
 *
 * @throws {UsageError} for an unknown or repeated option, a missing or malformed value, a value
 *   out of range, a missing required option, or a positional argument.
 */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options = allOptions(spec);
  const byName = new Map(options.map((o) => [o.name, o]));
  const values = new Map<string, OptionValue>();
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let name: string;
    let inline: string | undefined;
    if (arg === '-h') name = 'help';
    else if (arg === '-q' && byName.has('quiet')) name = 'quiet';
    else if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else if (arg.startsWith('-') && arg.length > 1 && Number.isNaN(Number(arg))) {
      throw new UsageError(`Unknown option "${arg}"${hint(arg.replace(/^-+/, ''), options)}`);
    } else {
      throw new UsageError(`Unexpected argument "${arg}": every value follows an option name (e.g. --csv data.csv)`);
    }
    const opt = byName.get(name);
    if (!opt) throw new UsageError(`Unknown option "--${name}"${hint(name, options)}`);
    if (given.has(name) && !opt.repeatable) throw new UsageError(`Option --${name} is given more than once`);
    given.add(name);
    if (opt.type === 'boolean') {
      if (inline !== undefined) {
        if (inline !== 'true' && inline !== 'false') throw new UsageError(`Expected --${name} alone, or --${name}=true|false, but received "${arg}"`);
        values.set(name, inline === 'true');
      } else {
        values.set(name, true);
      }
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      if (i + 1 >= argv.length || (argv[i + 1]!.startsWith('--') && argv[i + 1]!.length > 2)) {
        throw new UsageError(`Option --${name} needs a value (${placeholder(opt) || 'a value'})`);
      }
      raw = argv[++i]!;
    }
    const value = readValue(opt, raw);
    if (opt.repeatable) values.set(name, [...((values.get(name) as string[] | undefined) ?? []), value as string]);
    else values.set(name, value);
  }
  for (const opt of options) {
    if (!values.has(opt.name) && opt.default !== undefined) values.set(opt.name, opt.default);
  }
  if (!given.has('help')) {
    const missing = options.filter((o) => o.required && !given.has(o.name));
    if (missing.length > 0) {
      throw new UsageError(`Missing required option${missing.length > 1 ? 's' : ''} ${missing.map((o) => `--${o.name}`).join(', ')}`);
    }
    for (const group of spec.exactlyOne ?? []) {
      const present = group.filter((n) => given.has(n));
      if (present.length !== 1) {
        const list = group.map((n) => `--${n}`).join(', ');
        throw new UsageError(
          present.length === 0 ? `Expected one of ${list}` : `Expected only one of ${list} but received ${present.map((n) => `--${n}`).join(' and ')}`,
        );
      }
    }
  }
  return new ParsedArgs(values, given);
}

function hint(name: string, options: readonly OptionSpec[]): string {
  const near = nearest(name, options.map((o) => o.name));
  return near ? `; did you mean "--${near}"?` : `; run with --help to list the options`;
}

function readValue(opt: OptionSpec, raw: string): OptionValue {
  const name = `--${opt.name}`;
  switch (opt.type) {
    case 'string':
      if (raw.length === 0) throw new UsageError(`Expected a non-empty value for ${name}`);
      return raw;
    case 'choice': {
      const choices = opt.choices ?? [];
      if (choices.includes(raw)) return raw;
      const near = nearest(raw, choices);
      throw new UsageError(`Expected one of ${choices.join(', ')} for ${name} but received "${raw}"${near ? `; did you mean "${near}"?` : ''}`);
    }
    case 'number':
    case 'integer':
      return readNumber(opt, raw, name);
    case 'integer-list': {
      const parts = raw.split(',').map((p) => p.trim());
      if (parts.some((p) => p.length === 0)) throw new UsageError(`Expected a comma-separated list of integers for ${name} (e.g. 64,32) but received "${raw}"`);
      return parts.map((p) => readNumber({ ...opt, type: 'integer' }, p, name));
    }
    default:
      throw new Error(`internal: option type ${String(opt.type)}`);
  }
}

function readNumber(opt: OptionSpec, raw: string, name: string): number {
  const text = raw.trim();
  const value = text.length === 0 ? NaN : Number(text);
  const what = opt.type === 'integer' ? 'an integer' : 'a number';
  if (!Number.isFinite(value) || (opt.type === 'integer' && !Number.isInteger(value))) {
    throw new UsageError(`Expected ${what} for ${name} but received "${raw}"`);
  }
  const { min, max } = opt;
  const below = min !== undefined && (opt.minExclusive ? value <= min : value < min);
  const above = max !== undefined && (opt.maxExclusive ? value >= max : value > max);
  if (below || above) {
    const range =
      min !== undefined && max !== undefined
        ? `in ${opt.minExclusive ? '(' : '['}${min}, ${max}${opt.maxExclusive ? ')' : ']'}`
        : min !== undefined
          ? `${opt.minExclusive ? '>' : '>='} ${min}`
          : `${opt.maxExclusive ? '<' : '<='} ${max}`;
    throw new UsageError(`Expected ${what} ${range} for ${name} but received ${raw}`);
  }
  return value;
}

function placeholder(opt: OptionSpec): string {
  if (opt.placeholder !== undefined) return opt.placeholder;
  if (opt.type === 'choice') return (opt.choices ?? []).join('|');
  return PLACEHOLDER[opt.type];
}

function showDefault(v: OptionValue): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** The `--help` text of a command. */
export function helpText(spec: CommandSpec, program = 'torch-lstm'): string {
  const options = allOptions(spec);
  const required = options.filter((o) => o.required);
  const usage = [
    `${program} ${spec.name}`,
    ...required.map((o) => `--${o.name} ${placeholder(o)}`.trimEnd()),
    ...(spec.exactlyOne ?? []).map((g) => `(${g.map((n) => `--${n} ${placeholder(options.find((o) => o.name === n)!)}`.trimEnd()).join(' | ')})`),
    '[options]',
  ].join(' ');
  const left = (o: OptionSpec): string => `${o.name === 'help' ? '-h, ' : o.name === 'quiet' ? '-q, ' : '    '}--${o.name}${placeholder(o) ? ` ${placeholder(o)}` : ''}`;
  const width = Math.min(34, Math.max(...options.map((o) => left(o).length)) + 2);
  const lines = options.map((o) => {
    const l = left(o);
    const notes = [o.required ? 'required' : '', o.repeatable ? 'repeatable' : '', o.default !== undefined && o.type !== 'boolean' ? `default: ${showDefault(o.default)}` : '']
      .filter(Boolean)
      .join('; ');
    const text = wrap(`${o.description}${notes ? ` (${notes})` : ''}`, Math.max(40, 98 - width)).split('\n').join(`\n  ${' '.repeat(width)}`);
    return l.length + 2 > width ? `  ${l}\n  ${' '.repeat(width)}${text}` : `  ${l.padEnd(width)}${text}`;
  });
  return [
    `Usage: ${usage}`,
    '',
    wrap(spec.description, 100),
    '',
    'Options:',
    ...lines,
    '',
    `Example${spec.examples.length > 1 ? 's' : ''}:`,
    ...spec.examples.map((e) => `  ${program} ${e}`),
    '',
  ].join('\n');
}

/** Wraps a paragraph at `width` columns (keeping explicit line breaks). */
function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((para) => {
      const out: string[] = [];
      let line = '';
      for (const word of para.split(/\s+/).filter(Boolean)) {
        if (line && line.length + 1 + word.length > width) {
          out.push(line);
          line = word;
        } else {
          line = line ? `${line} ${word}` : word;
        }
      }
      out.push(line);
      return out.join('\n');
    })
    .join('\n');
}

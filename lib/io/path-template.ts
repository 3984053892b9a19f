/**
 * Python's `str.format` for checkpoint file paths, as Keras's ModelCheckpoint formats them:
 * `"ckpt/epoch{epoch:02d}-{val_loss:.4f}"` with `epoch` (1-based, an integer) and the epoch's
 * logs (floats). Fields are names with an optional format spec
 * (`[[fill]align][sign][#][0][width][,|_][.precision][type]`); `{{` and `}}` are braces.
 */
import { pyExp, pyFixed } from '../training/callbacks/progress-logger.js';

/** A value to format: an integer (`epoch`, `batch`) or a float (a log value). */
export type TemplateValue = { int: number } | number;

/**
 * Python's `repr(float)`: the shortest round-trip digits, `1.0`, `1e-05`, `1e+16`, `inf`, `nan`.
 * @example
 * pyRepr(1e-5); // '1e-05'
 */
export function pyRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const [mantissa, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const digits = mantissa.replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac || '0'}`;
}

/**
 * Python's `'g'`; `oneDecimal`: the no-type float format with a precision, which keeps at
 * least one digit after the point in fixed notation (`1.0`).
 */
function pyGeneral(x: number, precision: number, keepZeros: boolean, oneDecimal: boolean): string {
  if (!Number.isFinite(x)) return pyFixed(x, 0);
  const p = precision === 0 ? 1 : precision;
  const exp = x === 0 ? 0 : Number(pyExp(x, p - 1).split('e')[1]);
  let text = exp >= -4 && exp < p ? pyFixed(x, p - 1 - exp) : pyExp(x, p - 1);
  if (!keepZeros) {
    const [m, e] = text.split('e') as [string, string | undefined];
    let mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    if (oneDecimal && e === undefined && !mant.includes('.')) mant += '.0';
    text = e === undefined ? mant : `${mant}e${e}`;
  }
  return text;
}

function group(intPart: string, sep: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/**
 * Formats one value with a Python format spec; `field` names it in errors.
 * @example
 * formatValue({ int: 3 }, '02d', 'epoch'); // '03'
 * @throws {RangeError} a spec Python rejects for the value (`d` on a float, precision on an int).
 */
export function formatValue(value: TemplateValue, spec: string, field: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new RangeError(`Invalid format specifier "${spec}" for field "${field}"`);
  let [, fill, align] = m;
  const [, , , signOpt, alt, zero, widthText, sep, precText, typeOpt] = m;
  const isInt = typeof value === 'object';
  const x = isInt ? value.int : value;
  const type = typeOpt ?? '';
  const precision = precText === undefined ? undefined : Number(precText);
  let body: string;
  if (isInt && 'bdoxXn'.includes(type) && type !== '') {
    if (precision !== undefined) throw new RangeError(`Precision not allowed in integer format specifier for field "${field}"`);
    const radix = { b: 2, o: 8, x: 16, X: 16, d: 10, n: 10 }[type as 'b']!;
    body = Math.abs(x).toString(radix);
    if (type === 'X') body = body.toUpperCase();
    if (alt && radix !== 10) body = `0${type === 'X' ? 'X' : type}${body}`;
  } else if (type === '' && isInt) {
    if (precision !== undefined) throw new RangeError(`Precision not allowed in integer format specifier for field "${field}"`);
    body = String(Math.abs(x));
  } else if (type === 'f' || type === 'F' || type === '%') {
    body = pyFixed(Math.abs(type === '%' ? x * 100 : x), precision ?? 6) + (type === '%' ? '%' : '');
  } else if (type === 'e' || type === 'E') {
    body = pyExp(Math.abs(x), precision ?? 6);
  } else if (type === 'g' || type === 'G' || type === 'n') {
    body = pyGeneral(Math.abs(x), precision ?? 6, Boolean(alt), false);
  } else if (type === '') {
    body = precision === undefined ? pyRepr(Math.abs(x)) : pyGeneral(Math.abs(x), precision, Boolean(alt), true);
  } else if (type === 's') {
    throw new RangeError(`Unknown format code 's' for object of type '${isInt ? 'int' : 'float'}' (field "${field}")`);
  } else {
    throw new RangeError(`Unknown format code '${type}' for object of type 'float' (field "${field}")`);
  }
  if (type === 'F' || type === 'E' || type === 'G') body = body.toUpperCase();
  if (sep) {
    const [intPart, rest] = /^(\d+)(.*)$/.exec(body)?.slice(1) ?? [body, ''];
    body = group(intPart!, sep) + rest;
  }
  const negative = x < 0 || Object.is(x, -0);
  const sign = negative ? '-' : signOpt === '+' ? '+' : signOpt === ' ' ? ' ' : '';
  const width = widthText === undefined ? 0 : Number(widthText);
  if (zero && align === undefined) {
    fill = '0';
    align = '=';
  }
  fill ??= ' ';
  align ??= '>';
  const pad = Math.max(0, width - sign.length - body.length);
  const padding = fill.repeat(pad);
  switch (align) {
    case '<':
      return sign + body + padding;
    case '^':
      return fill.repeat(Math.floor(pad / 2)) + sign + body + fill.repeat(pad - Math.floor(pad / 2));
    case '=':
      return sign + padding + body;
    default:
      return padding + sign + body;
  }
}

/**
 * Formats `template` with `values`, as Python's `template.format(**values)`.
 *
 * @example
 * formatTemplate('ckpt/{epoch:02d}-{val_loss:.4f}', { epoch: { int: 3 }, val_loss: 0.123456 });
 * // 'ckpt/03-0.1235'
 * @throws {RangeError} a field with no value (Keras raises a KeyError), an invalid format spec,
 *   an unmatched brace.
 */
export function formatTemplate(template: string, values: Readonly<Record<string, TemplateValue>>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    if (ch === '}') {
      if (template[i + 1] !== '}') throw new RangeError(`Single '}' encountered in format string "${template}"`);
      out += '}';
      i += 2;
      continue;
    }
    if (ch !== '{') {
      out += ch;
      i += 1;
      continue;
    }
    if (template[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    const close = template.indexOf('}', i);
    if (close === -1) throw new RangeError(`Single '{' encountered in format string "${template}"`);
    const field = template.slice(i + 1, close);
    const colon = field.indexOf(':');
    const name = colon === -1 ? field : field.slice(0, colon);
    const spec = colon === -1 ? '' : field.slice(colon + 1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new RangeError(`Unsupported field "{${field}}" in "${template}": use a name such as {epoch} or {val_loss:.4f}`);
    }
    const value = values[name];
    if (value === undefined) {
      throw new RangeError(
        `Failed to format this callback filepath: "${template}". Reason: no value for "${name}" ` +
          `(available: ${Object.keys(values).join(', ')})`,
      );
    }
    out += formatValue(value, spec, name);
    i = close + 1;
  }
  return out;
}

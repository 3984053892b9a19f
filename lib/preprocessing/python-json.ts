/**
 * @internal JSON as Python's `json` module writes it, for documents shared with Keras (the
 * Tokenizer's `to_json`): dicts written in order with `json.dumps`'s separators and ASCII
 * escapes, and flat objects read back in their written order.
 */
import { isPlainObject, typeError } from '../validate.js';

/** @internal A Map as Python's `json.dumps` writes a dict: `{"key": value, ...}` in order, non-ASCII escaped. */
export function pythonJson(map: ReadonlyMap<string | number, string | number>): string {
  const ascii = (s: string): string => JSON.stringify(s).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const parts: string[] = [];
  for (const [k, v] of map) parts.push(`${ascii(String(k))}: ${typeof v === 'string' ? ascii(v) : String(v)}`);
  return `{${parts.join(', ')}}`;
}

const PAIR = /\s*("(?:[^"\\]|\\.)*")\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([,}])/y;

/**
 * @internal The entries of a flat JSON object string in their written order (`JSON.parse` would move
 * integer-like keys such as `"2002"` first): counts (integers >= 0) or, for `'word'`, strings.
 */
export function parseOrderedObject<K extends 'count' | 'word'>(text: unknown, name: string, kind: K): [string, K extends 'word' ? string : number][] {
  const what = kind === 'word' ? 'a JSON string of an object of strings' : 'a JSON string of an object of integers >= 0';
  let parsed: unknown;
  try {
    parsed = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!isPlainObject(parsed)) throw typeError(what, name, text);
  const src = text as string;
  const out: [string, K extends 'word' ? string : number][] = [];
  if (Object.keys(parsed).length === 0) return out;
  PAIR.lastIndex = src.indexOf('{') + 1;
  for (;;) {
    const m = PAIR.exec(src);
    if (!m) throw typeError(what, name, text);
    const key = JSON.parse(m[1]!) as string;
    const value: unknown = JSON.parse(m[2]!);
    const ok = kind === 'word' ? typeof value === 'string' : Number.isInteger(value) && (value as number) >= 0;
    if (!ok) throw typeError(kind === 'word' ? 'a string' : 'an integer >= 0', `${name}[${JSON.stringify(key)}]`, value);
    out.push([key, value as K extends 'word' ? string : number]);
    if (m[3] === '}') return out;
  }
}

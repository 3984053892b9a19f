/**
 * Tokenizer: Keras's text tokenizer (`keras.preprocessing.text.Tokenizer`), word or character
 * level, with the same vocabulary, the same sequences and the same JSON document.
 */
import { Tensor } from '../tensor.js';
import { boolean, checkOptions, describe, integer, oneOf, typeError } from '../validate.js';
import { parseOrderedObject, pythonJson } from './python-json.js';

/** Keras's default `filters`: punctuation, tab and newline. */
export const DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

/** A text to tokenize: a string, or a list of tokens already split (lowercased when `lower`, never filtered). */
export type TextInput = string | readonly string[];

/** Options of {@link Tokenizer}. */
export interface TokenizerArgs {
  /** Keep only word indices `< numWords` in `textsToSequences` (index 0 is reserved). Defaults to every word. */
  numWords?: number;
  /** Characters replaced by `split` before splitting. Defaults to punctuation, tab and newline ({@link DEFAULT_FILTERS}). */
  filters?: string;
  /** Whether to lowercase the texts. Defaults to `true`. */
  lower?: boolean;
  /** The word separator. Defaults to `' '`. */
  split?: string;
  /** Whether every character is a token (no filtering, no splitting). Defaults to `false`. */
  charLevel?: boolean;
  /** A token for out-of-vocabulary words: it gets index 1. Defaults to none (unknown words are dropped). */
  oovToken?: string;
}

/** The fully defaulted options of a {@link Tokenizer}. */
export interface TokenizerConfig {
  numWords: number | null;
  filters: string;
  lower: boolean;
  split: string;
  charLevel: boolean;
  oovToken: string | null;
}

/**
 * What {@link Tokenizer.toJSON} writes: Keras's `tokenizer.to_json()` document, so that
 * `JSON.stringify(tokenizer)` reads back in Python with `tokenizer_from_json`, and a Keras
 * tokenizer's JSON reads here with {@link Tokenizer.fromJSON}. As in Keras, the five
 * dictionaries are JSON strings inside the document.
 */
export interface TokenizerJSON {
  class_name: 'Tokenizer';
  config: {
    num_words: number | null;
    filters: string;
    lower: boolean;
    split: string;
    char_level: boolean;
    oov_token: string | null;
    document_count: number;
    word_counts: string;
    word_docs: string;
    index_docs: string;
    index_word: string;
    word_index: string;
  };
}

/** The `mode`s of {@link Tokenizer.textsToMatrix}. */
export type MatrixMode = 'binary' | 'count' | 'tfidf' | 'freq';
const MODES: readonly MatrixMode[] = ['binary', 'count', 'tfidf', 'freq'];

const KEYS = ['numWords', 'filters', 'lower', 'split', 'charLevel', 'oovToken'] as const;

/**
 * Splits a text into words, as Keras's `text_to_word_sequence`: lowercase (when `lower`),
 * replace every character of `filters` by `split`, split on `split`, drop the empty strings.
 *
 * @example
 * ```ts
 * preprocessing.textToWordSequence('Hello, world!  Hello.');  // ['hello', 'world', 'hello']
 * ```
 * @throws {TypeError} when `text` is not a string or an option has a wrong type.
 */
export function textToWordSequence(
  text: string,
  options: Pick<TokenizerArgs, 'filters' | 'lower' | 'split'> = {},
): string[] {
  const opts = checkOptions<TokenizerArgs>(options, 'textToWordSequence', ['filters', 'lower', 'split']);
  if (typeof text !== 'string') throw typeError('a string', 'textToWordSequence.text', text);
  const filters = readFilters(opts.filters, 'textToWordSequence.filters');
  const split = readSplit(opts.split, 'textToWordSequence.split');
  return wordSequence(text, filterPattern(filters), opts.lower === undefined ? true : boolean(opts.lower, 'textToWordSequence.lower'), split);
}

/**
 * Turns texts into sequences of word indices (or character indices), with Keras's semantics.
 *
 * `fitOnTexts` counts the words; indices go by count, most frequent first (index 1), ties in
 * the order the words first appeared. Index 0 is never a word: it is the padding value of
 * {@link padSequences}. An `oovToken` takes index 1 and shifts every word by one; unknown words
 * (and, with `numWords`, the rarer ones) then map to it instead of being dropped.
 *
 * `numWords` counts index 0, so `numWords: 1000` keeps indices 1 to 999 in `textsToSequences`
 * (998 words and the OOV token when there is one); `wordIndex` always holds every word seen.
 *
 * Lowercasing is JavaScript's `toLowerCase` where Keras uses Python's `str.lower`; the two
 * agree except on a few characters whose Unicode case mapping changed between versions.
 *
 * Args:
 *   numWords: the vocabulary size kept by `textsToSequences` and `textsToMatrix`, index 0 included,
 *     an integer >= 1. Defaults to every word.
 *   filters: characters removed (replaced by `split`). Defaults to {@link DEFAULT_FILTERS}: ASCII
 *     punctuation except `'`, tab and newline.
 *   lower: lowercase the texts first. Defaults to `true`.
 *   split: the word separator, a non-empty string. Defaults to `' '`.
 *   charLevel: every character (code point) is a token; `filters` and `split` are not used. Defaults to `false`.
 *   oovToken: the out-of-vocabulary token, index 1. Defaults to none: unknown words are dropped.
 *
 * @example
 * ```ts
 * const tokenizer = new preprocessing.Tokenizer({ numWords: 100, oovToken: '<OOV>' });
 * tokenizer.fitOnTexts(['The cat sat.', 'The dog sat down.']);
 * tokenizer.wordIndex.get('the');                 // 2 (1 is '<OOV>')
 * tokenizer.textsToSequences(['the bird sat']);    // [[2, 1, 3]]
 * tokenizer.sequencesToTexts([[2, 1, 3]]);         // ['the <OOV> sat']
 * const saved = JSON.stringify(tokenizer);        // Keras's tokenizer.to_json() format
 * ```
 * @throws {TypeError} for an unknown option or a wrong type.
 * @throws {RangeError} for `numWords < 1`.
 */
export class Tokenizer {
  readonly numWords: number | undefined;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly charLevel: boolean;
  readonly oovToken: string | undefined;
  #documentCount = 0;
  #fitted = false;
  #pattern: RegExp | undefined;
  #wordCounts = new Map<string, number>();
  #wordDocs = new Map<string, number>();
  #indexDocs = new Map<number, number>();
  #wordIndex = new Map<string, number>();
  #indexWord = new Map<number, string>();

  constructor(args: TokenizerArgs = {}) {
    const opts = checkOptions<TokenizerArgs>(args, 'Tokenizer', KEYS);
    this.numWords = opts.numWords === undefined ? undefined : integer(opts.numWords, 'Tokenizer.numWords', { min: 1 });
    this.filters = readFilters(opts.filters, 'Tokenizer.filters');
    this.lower = opts.lower === undefined ? true : boolean(opts.lower, 'Tokenizer.lower');
    this.split = readSplit(opts.split, 'Tokenizer.split');
    this.charLevel = opts.charLevel === undefined ? false : boolean(opts.charLevel, 'Tokenizer.charLevel');
    if (opts.oovToken !== undefined && typeof opts.oovToken !== 'string') throw typeError('a string', 'Tokenizer.oovToken', opts.oovToken);
    this.oovToken = opts.oovToken;
    this.#pattern = filterPattern(this.filters);
  }

  /** How many texts `fitOnTexts` has seen (Keras's `document_count`). */
  get documentCount(): number {
    return this.#documentCount;
  }

  /** Word -> index, every word seen (and the OOV token), most frequent first (`word_index`). A live, read-only view. */
  get wordIndex(): ReadonlyMap<string, number> {
    return this.#wordIndex;
  }

  /** Index -> word, the inverse of `wordIndex` (`index_word`). A live, read-only view. */
  get indexWord(): ReadonlyMap<number, string> {
    return this.#indexWord;
  }

  /** Word -> occurrences over all texts, in the order the words first appeared (`word_counts`). A live, read-only view. */
  get wordCounts(): ReadonlyMap<string, number> {
    return this.#wordCounts;
  }

  /** Word -> number of texts it occurs in (`word_docs`). A live, read-only view. */
  get wordDocs(): ReadonlyMap<string, number> {
    return this.#wordDocs;
  }

  /** Word index -> number of texts it occurs in (`index_docs`), used by the `'tfidf'` matrix. A live, read-only view. */
  get indexDocs(): ReadonlyMap<number, number> {
    return this.#indexDocs;
  }

  /**
   * Updates the vocabulary from `texts` and renumbers it. Calling it again adds to the counts,
   * as in Keras.
   *
   * @throws {TypeError} when `texts` is not an array of strings (or of string arrays).
   */
  fitOnTexts(texts: readonly TextInput[]): this {
    const name = 'Tokenizer.fitOnTexts.texts';
    checkTexts(texts, name);
    texts.forEach((text, i) => {
      this.#documentCount += 1;
      const seq = this.#tokens(text, `${name}[${i}]`);
      for (const w of seq) this.#wordCounts.set(w, (this.#wordCounts.get(w) ?? 0) + 1);
      for (const w of new Set(seq)) this.#wordDocs.set(w, (this.#wordDocs.get(w) ?? 0) + 1);
    });
    // Array#sort is stable: equal counts keep first-appearance order, as Python's sorted(reverse=True).
    const byCount = [...this.#wordCounts].sort((a, b) => b[1] - a[1]);
    const vocabulary = this.oovToken === undefined ? [] : [this.oovToken];
    for (const [w] of byCount) vocabulary.push(w);
    // A Map, like Python's dict: a word repeated (the OOV token seen as a word) keeps its first slot, the last index.
    this.#wordIndex = new Map();
    vocabulary.forEach((w, i) => this.#wordIndex.set(w, i + 1));
    this.#indexWord = new Map([...this.#wordIndex].map(([w, i]) => [i, w]));
    for (const [w, c] of this.#wordDocs) this.#indexDocs.set(this.#wordIndex.get(w)!, c);
    this.#fitted = true;
    return this;
  }

  /**
   * Maps each text to its word indices. Unknown words are dropped, or map to the OOV token's
   * index when there is one; with `numWords`, indices `>= numWords` are treated the same way.
   *
   * @throws {Error} before `fitOnTexts`.
   * @throws {TypeError} when `texts` is not an array of strings (or of string arrays).
   */
  textsToSequences(texts: readonly TextInput[]): number[][] {
    const name = 'Tokenizer.textsToSequences.texts';
    this.#checkFitted('textsToSequences');
    checkTexts(texts, name);
    const oov = this.oovToken === undefined ? undefined : this.#wordIndex.get(this.oovToken);
    return texts.map((text, t) => {
      const out: number[] = [];
      for (const w of this.#tokens(text, `${name}[${t}]`)) {
        const i = this.#wordIndex.get(w);
        if (i !== undefined && (this.numWords === undefined || i < this.numWords)) out.push(i);
        else if (oov !== undefined) out.push(oov);
      }
      return out;
    });
  }

  /**
   * Maps index sequences back to texts, words joined by single spaces. Indices that are not
   * words (0, the padding, among them) and, with `numWords`, indices `>= numWords` are dropped,
   * or become the OOV token when there is one (padding included, as in Keras).
   *
   * @throws {Error} before `fitOnTexts`.
   * @throws {TypeError} when `sequences` is not an array of number arrays.
   */
  sequencesToTexts(sequences: readonly ArrayLike<number>[]): string[] {
    this.#checkFitted('sequencesToTexts');
    checkSequences(sequences, 'Tokenizer.sequencesToTexts.sequences');
    const oovIndex = this.oovToken === undefined ? undefined : this.#wordIndex.get(this.oovToken);
    const oov = oovIndex === undefined ? undefined : this.#indexWord.get(oovIndex);
    return sequences.map((seq) => {
      const words: string[] = [];
      for (let k = 0; k < seq.length; k++) {
        const word = this.#indexWord.get(seq[k]!);
        if (word !== undefined && (this.numWords === undefined || seq[k]! < this.numWords)) words.push(word);
        else if (oov !== undefined) words.push(oov);
      }
      return words.join(' ');
    });
  }

  /**
   * Vectorizes texts into a `[texts.length, numWords]` float32 matrix (Keras's `texts_to_matrix`),
   * without `numWords` one column per index (`wordIndex.size + 1`). Column `j` holds, for word
   * index `j`: `'binary'` 1 if it occurs; `'count'` its occurrences; `'freq'` occurrences divided
   * by the sequence's length; `'tfidf'` `(1 + ln count) * ln(1 + documentCount / (1 + indexDocs[j]))`.
   *
   * Args:
   *   texts: the texts, as `textsToSequences` takes them.
   *   mode: `'binary'`, `'count'`, `'tfidf'` or `'freq'`. Defaults to `'binary'`.
   *
   * @throws {Error} before `fitOnTexts`.
   * @throws {TypeError|RangeError} for a wrong `texts` or an unknown `mode`.
   */
  textsToMatrix(texts: readonly TextInput[], mode: MatrixMode = 'binary'): Tensor {
    const m = oneOf(mode, 'Tokenizer.textsToMatrix.mode', MODES);
    const sequences = this.textsToSequences(texts);
    const columns = this.numWords ?? this.#wordIndex.size + 1;
    const data = new Float32Array(sequences.length * columns);
    sequences.forEach((seq, i) => {
      const counts = new Map<number, number>();
      for (const j of seq) if (j < columns) counts.set(j, (counts.get(j) ?? 0) + 1);
      for (const [j, c] of counts) {
        let v = 1;
        if (m === 'count') v = c;
        else if (m === 'freq') v = c / seq.length;
        else if (m === 'tfidf') v = (1 + Math.log(c)) * Math.log(1 + this.#documentCount / (1 + (this.#indexDocs.get(j) ?? 0)));
        data[i * columns + j] = v;
      }
    });
    return new Tensor(data, [sequences.length, columns]);
  }

  /** The options, fully defaulted. */
  getConfig(): TokenizerConfig {
    return {
      numWords: this.numWords ?? null,
      filters: this.filters,
      lower: this.lower,
      split: this.split,
      charLevel: this.charLevel,
      oovToken: this.oovToken ?? null,
    };
  }

  /** Keras's `to_json()` document (what `JSON.stringify(tokenizer)` writes). */
  toJSON(): TokenizerJSON {
    return {
      class_name: 'Tokenizer',
      config: {
        num_words: this.numWords ?? null,
        filters: this.filters,
        lower: this.lower,
        split: this.split,
        char_level: this.charLevel,
        oov_token: this.oovToken ?? null,
        document_count: this.#documentCount,
        word_counts: pythonJson(this.#wordCounts),
        word_docs: pythonJson(this.#wordDocs),
        index_docs: pythonJson(this.#indexDocs),
        index_word: pythonJson(this.#indexWord),
        word_index: pythonJson(this.#wordIndex),
      },
    };
  }

  /**
   * Rebuilds a tokenizer from {@link Tokenizer.toJSON}'s document, or from the string Keras's
   * `tokenizer.to_json()` returns (Keras's `tokenizer_from_json`). Word order is kept, so a
   * restored tokenizer fitted on more texts numbers words as the original would.
   *
   * @throws {TypeError} when `json` is not a Tokenizer document.
   */
  static fromJSON(json: unknown): Tokenizer {
    const name = 'Tokenizer.fromJSON.json';
    const doc = typeof json === 'string' ? parseDocument(json, name) : json;
    const config = (doc as Partial<TokenizerJSON> | null)?.config;
    if (typeof doc !== 'object' || doc === null || (doc as { class_name?: unknown }).class_name !== 'Tokenizer' || typeof config !== 'object' || config === null) {
      throw typeError('a Tokenizer JSON document (class_name "Tokenizer" and a config)', name, json);
    }
    const c = config as Partial<TokenizerJSON['config']>;
    const tokenizer = new Tokenizer({
      ...(c.num_words == null || c.num_words === 0 ? {} : { numWords: c.num_words }), // Keras: 0 is no limit
      ...(c.filters === undefined ? {} : { filters: c.filters }),
      ...(c.lower === undefined ? {} : { lower: c.lower }),
      ...(c.split === undefined ? {} : { split: c.split }),
      ...(c.char_level === undefined ? {} : { charLevel: c.char_level }),
      ...(c.oov_token == null ? {} : { oovToken: c.oov_token }),
    });
    const at = `${name}.config`;
    tokenizer.#documentCount = c.document_count === undefined ? 0 : integer(c.document_count, `${at}.document_count`, { min: 0 });
    tokenizer.#wordCounts = new Map(parseOrderedObject(c.word_counts ?? '{}', `${at}.word_counts`, 'count'));
    tokenizer.#wordDocs = new Map(parseOrderedObject(c.word_docs ?? '{}', `${at}.word_docs`, 'count'));
    tokenizer.#indexDocs = new Map(parseOrderedObject(c.index_docs ?? '{}', `${at}.index_docs`, 'count').map(([k, v]) => [toIndex(k, `${at}.index_docs`), v]));
    tokenizer.#indexWord = new Map(parseOrderedObject(c.index_word ?? '{}', `${at}.index_word`, 'word').map(([k, v]) => [toIndex(k, `${at}.index_word`), v]));
    tokenizer.#wordIndex = new Map(parseOrderedObject(c.word_index ?? '{}', `${at}.word_index`, 'count'));
    tokenizer.#fitted = tokenizer.#documentCount > 0 || tokenizer.#wordIndex.size > 0;
    return tokenizer;
  }

  /** The tokens of one text: characters, the given list, or the filtered and split words. */
  #tokens(text: TextInput, name: string): string[] {
    if (typeof text !== 'string') {
      checkTokenList(text, name);
      return this.lower ? text.map((w) => w.toLowerCase()) : [...text];
    }
    if (this.charLevel) return [...(this.lower ? text.toLowerCase() : text)];
    return wordSequence(text, this.#pattern, this.lower, this.split);
  }

  #checkFitted(what: string): void {
    if (!this.#fitted) throw new Error(`This Tokenizer is not fitted yet; call fitOnTexts() before ${what}()`);
  }
}

/** A global, code-point regular expression matching any character of `filters` (none when empty). */
function filterPattern(filters: string): RegExp | undefined {
  if (filters.length === 0) return undefined;
  const chars = [...new Set(filters)].map((ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
  return new RegExp(`[${chars.join('')}]`, 'gu');
}

function wordSequence(text: string, pattern: RegExp | undefined, lower: boolean, split: string): string[] {
  let s = lower ? text.toLowerCase() : text;
  if (pattern) s = s.replace(pattern, split);
  return s.split(split).filter((w) => w.length > 0);
}

function readFilters(value: unknown, name: string): string {
  if (value === undefined) return DEFAULT_FILTERS;
  if (typeof value !== 'string') throw typeError('a string', name, value);
  return value;
}

function readSplit(value: unknown, name: string): string {
  if (value === undefined) return ' ';
  if (typeof value !== 'string' || value.length === 0) throw typeError('a non-empty string', name, value);
  return value;
}

function checkTexts(texts: unknown, name: string): asserts texts is readonly TextInput[] {
  // A lone string would be iterated character by character in Keras: a classic mistake, refused.
  if (!Array.isArray(texts)) throw typeError('an array of strings', name, texts);
  texts.forEach((t, i) => {
    if (typeof t !== 'string' && !Array.isArray(t)) throw typeError('a string or an array of strings', `${name}[${i}]`, t);
  });
}

function checkTokenList(list: readonly unknown[], name: string): void {
  list.forEach((w, k) => {
    if (typeof w !== 'string') throw typeError('a string', `${name}[${k}]`, w);
  });
}

function checkSequences(sequences: unknown, name: string): void {
  if (!Array.isArray(sequences)) throw typeError('an array of number arrays', name, sequences);
  sequences.forEach((s, i) => {
    if (!Array.isArray(s) && !ArrayBuffer.isView(s)) throw typeError('an array of numbers', `${name}[${i}]`, s);
    const seq = s as ArrayLike<unknown>;
    for (let k = 0; k < seq.length; k++) {
      if (typeof seq[k] !== 'number') throw typeError('a number', `${name}[${i}][${k}]`, seq[k]);
    }
  });
}

function parseDocument(json: string, name: string): unknown {
  try {
    return JSON.parse(json);
  } catch (err) {
    throw new TypeError(`Expected a JSON string for ${name} but received ${describe(json)} (${(err as Error).message})`);
  }
}

function toIndex(key: string, name: string): number {
  const i = Number(key);
  if (!/^\d+$/.test(key) || !Number.isSafeInteger(i)) throw typeError('integer keys', name, key);
  return i;
}


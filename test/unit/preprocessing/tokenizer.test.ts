import { describe, it, expect } from 'vitest';
import { Tokenizer, textToWordSequence, DEFAULT_FILTERS } from '../../../lib/preprocessing/tokenizer.js';

// Expected values come from Keras 3.15.1 (keras.src.legacy.preprocessing.text, the
// keras.preprocessing.text API of Keras 2) run on the same inputs, TensorFlow 2.21.0.
const texts = [
  'The cat sat on the mat.',
  'The dog ate my homework!',
  'Dog, cat; and the bird? The END',
  "It's 2002 -- year 2002 and 1999",
  'Café Über café',
];
const unseen = ['the cat and the unicorn', 'Year 1999: the END of homework', ''];

const kerasWordIndex = {
  the: 1, cat: 2, dog: 3, and: 4, '2002': 5, 'café': 6, sat: 7, on: 8, mat: 9, ate: 10, my: 11,
  homework: 12, bird: 13, end: 14, "it's": 15, year: 16, '1999': 17, 'über': 18,
};
// Keras's json.dumps(tokenizer.word_counts): the order the words first appeared.
const kerasWordCounts: [string, number][] = [
  ['the', 5], ['cat', 2], ['sat', 1], ['on', 1], ['mat', 1], ['dog', 2], ['ate', 1], ['my', 1], ['homework', 1],
  ['and', 2], ['bird', 1], ['end', 1], ["it's", 1], ['2002', 2], ['year', 1], ['1999', 1], ['café', 2], ['über', 1],
];
// tokenizer.to_json() of Keras, fitted on `texts` (word_docs and index_docs follow Python's set order).
const kerasJson = String.raw`{"class_name": "Tokenizer", "config": {"num_words": null, "filters": "!\"#$%&()*+,-./:;<=>?@[\\]^_` + '`' + String.raw`{|}~\t\n", "lower": true, "split": " ", "char_level": false, "oov_token": null, "document_count": 5, "word_counts": "{\"the\": 5, \"cat\": 2, \"sat\": 1, \"on\": 1, \"mat\": 1, \"dog\": 2, \"ate\": 1, \"my\": 1, \"homework\": 1, \"and\": 2, \"bird\": 1, \"end\": 1, \"it's\": 1, \"2002\": 2, \"year\": 1, \"1999\": 1, \"caf\\u00e9\": 2, \"\\u00fcber\": 1}", "word_docs": "{\"mat\": 1, \"sat\": 1, \"on\": 1, \"the\": 3, \"cat\": 2, \"homework\": 1, \"dog\": 2, \"ate\": 1, \"my\": 1, \"and\": 2, \"end\": 1, \"bird\": 1, \"2002\": 1, \"year\": 1, \"it's\": 1, \"1999\": 1, \"\\u00fcber\": 1, \"caf\\u00e9\": 1}", "index_docs": "{\"9\": 1, \"7\": 1, \"8\": 1, \"1\": 3, \"2\": 2, \"12\": 1, \"3\": 2, \"10\": 1, \"11\": 1, \"4\": 2, \"14\": 1, \"13\": 1, \"5\": 1, \"16\": 1, \"15\": 1, \"17\": 1, \"18\": 1, \"6\": 1}", "index_word": "{\"1\": \"the\", \"2\": \"cat\", \"3\": \"dog\", \"4\": \"and\", \"5\": \"2002\", \"6\": \"caf\\u00e9\", \"7\": \"sat\", \"8\": \"on\", \"9\": \"mat\", \"10\": \"ate\", \"11\": \"my\", \"12\": \"homework\", \"13\": \"bird\", \"14\": \"end\", \"15\": \"it's\", \"16\": \"year\", \"17\": \"1999\", \"18\": \"\\u00fcber\"}", "word_index": "{\"the\": 1, \"cat\": 2, \"dog\": 3, \"and\": 4, \"2002\": 5, \"caf\\u00e9\": 6, \"sat\": 7, \"on\": 8, \"mat\": 9, \"ate\": 10, \"my\": 11, \"homework\": 12, \"bird\": 13, \"end\": 14, \"it's\": 15, \"year\": 16, \"1999\": 17, \"\\u00fcber\": 18}"}}`;

describe('textToWordSequence', () => {
  it('lowercases, filters and splits as Keras text_to_word_sequence', () => {
    expect(textToWordSequence("Hello, world!  Hello.\tTab\nNL  it's")).toEqual(['hello', 'world', 'hello', 'tab', 'nl', "it's"]);
    expect(textToWordSequence('A-B c', { lower: false, filters: '' })).toEqual(['A-B', 'c']);
    expect(textToWordSequence('a1b2c', { filters: '12', split: 'b' })).toEqual(['a', 'c']);
    expect(DEFAULT_FILTERS).toBe('!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n');
  });

  it('treats filter characters literally, regex metacharacters and astral characters included', () => {
    expect(textToWordSequence('a^b]c\\d😀e', { filters: '^]\\😀' })).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('Tokenizer', () => {
  it('numbers words by count, ties in first-appearance order, as Keras', () => {
    const tok = new Tokenizer().fitOnTexts(texts);
    expect(Object.fromEntries(tok.wordIndex)).toEqual(kerasWordIndex);
    expect([...tok.wordIndex.values()]).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect([...tok.wordCounts]).toEqual(kerasWordCounts);
    expect(tok.indexWord.get(6)).toBe('café');
    expect(tok.documentCount).toBe(5);
    expect(Object.fromEntries(tok.wordDocs)).toEqual({
      '1999': 1, '2002': 1, and: 2, ate: 1, bird: 1, 'café': 1, cat: 2, dog: 2, end: 1, homework: 1,
      "it's": 1, mat: 1, my: 1, on: 1, sat: 1, the: 3, year: 1, 'über': 1,
    });
    expect([...tok.indexDocs].sort((a, b) => a[0] - b[0])).toEqual([
      [1, 3], [2, 2], [3, 2], [4, 2], ...Array.from({ length: 14 }, (_, i) => [i + 5, 1]),
    ]);
  });

  it('maps texts to sequences and back as Keras', () => {
    const tok = new Tokenizer().fitOnTexts(texts);
    expect(tok.textsToSequences(unseen)).toEqual([[1, 2, 4, 1], [16, 17, 1, 14, 12], []]);
    expect(tok.sequencesToTexts([[1, 2, 0, 99, 3], [14, 15]])).toEqual(['the cat dog', "end it's"]);
    expect(tok.sequencesToTexts([Float32Array.from([0, 0, 1, 2])])).toEqual(['the cat']);
  });

  it('puts the OOV token at index 1 and maps unknown and >= numWords words to it', () => {
    const tok = new Tokenizer({ numWords: 5, oovToken: '<OOV>' }).fitOnTexts(texts);
    expect([...tok.wordIndex].slice(0, 6)).toEqual([['<OOV>', 1], ['the', 2], ['cat', 3], ['dog', 4], ['and', 5], ['2002', 6]]);
    expect(tok.wordIndex.size).toBe(19); // numWords does not shrink wordIndex
    expect(tok.textsToSequences(unseen)).toEqual([[2, 3, 1, 2, 1], [1, 1, 2, 1, 1, 1], []]);
    expect(tok.sequencesToTexts([[0, 1, 2, 3, 4, 5, 6, 99]])).toEqual(['<OOV> <OOV> the cat dog <OOV> <OOV> <OOV>']);
  });

  it('drops indices >= numWords without an OOV token', () => {
    const tok = new Tokenizer({ numWords: 3 }).fitOnTexts(texts);
    expect(tok.textsToSequences(['the dog and the cat'])).toEqual([[1, 1, 2]]);
    expect(tok.sequencesToTexts([[1, 2, 3, 4]])).toEqual(['the cat']);
  });

  it('keeps Keras behaviour when the OOV token is also a word', () => {
    // Keras: word_index["cat"] is rewritten to 3, index 1 has no word, 18 entries.
    const tok = new Tokenizer({ oovToken: 'cat' }).fitOnTexts(texts);
    expect([...tok.wordIndex].slice(0, 4)).toEqual([['cat', 3], ['the', 2], ['dog', 4], ['and', 5]]);
    expect(tok.wordIndex.size).toBe(18);
    expect(tok.indexWord.has(1)).toBe(false);
    expect(tok.textsToSequences(unseen)).toEqual([[2, 3, 5, 2, 3], [17, 18, 2, 15, 3, 13], []]);
    expect(tok.sequencesToTexts([[1, 2, 3, 0]])).toEqual(['cat the cat cat']);
  });

  it('tokenizes characters with charLevel (no filters, no split)', () => {
    const tok = new Tokenizer({ charLevel: true, lower: false }).fitOnTexts(['abBa c!', 'cab']);
    expect([...tok.wordIndex]).toEqual([['a', 1], ['b', 2], ['c', 3], ['B', 4], [' ', 5], ['!', 6]]);
    expect(tok.textsToSequences(['Abc!?'])).toEqual([[2, 3, 6]]);
    expect(tok.sequencesToTexts([[1, 2, 3, 0]])).toEqual(['a b c']);
  });

  it('honours split and filters', () => {
    const tok = new Tokenizer({ split: ',', filters: '', lower: false }).fitOnTexts(['a,b,,C', 'C, d,a']);
    expect([...tok.wordIndex]).toEqual([['a', 1], ['C', 2], ['b', 3], [' d', 4]]);
    expect(tok.textsToSequences(['a,C, d,x'])).toEqual([[1, 2, 4]]);
  });

  it('takes pre-split token lists, lowercased but not filtered', () => {
    const tok = new Tokenizer().fitOnTexts([['Hello', 'WORLD!'], ['hello', 'there']]);
    expect([...tok.wordIndex]).toEqual([['hello', 1], ['world!', 2], ['there', 3]]);
    expect(tok.textsToSequences([['HELLO', 'world!', 'x'], 'hello world'])).toEqual([[1, 2], [1]]);
  });

  it('adds to the counts on a second fit and renumbers with first-appearance ties', () => {
    const tok = new Tokenizer().fitOnTexts(['a b b']);
    expect([...tok.wordIndex]).toEqual([['b', 1], ['a', 2]]);
    tok.fitOnTexts(['a c']);
    expect([...tok.wordIndex]).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    expect(tok.documentCount).toBe(2);
  });

  it('vectorizes texts in the four matrix modes as Keras texts_to_matrix', () => {
    const tok = new Tokenizer({ numWords: 6 }).fitOnTexts(texts);
    const input = ['the cat the cat dog end zzz', '', 'dog'];
    const zeros = [0, 0, 0, 0, 0, 0];
    expect(tok.textsToMatrix(input).toArray()).toEqual([[0, 1, 1, 1, 0, 0], zeros, [0, 0, 0, 1, 0, 0]]);
    expect(tok.textsToMatrix(input, 'count').toArray()).toEqual([[0, 2, 2, 1, 0, 0], zeros, [0, 0, 0, 1, 0, 0]]);
    const freq = tok.textsToMatrix(input, 'freq');
    expect(freq.shape).toEqual([3, 6]);
    expect(Array.from(freq.data.slice(0, 6))).toEqual([0, 0.4, 0.4, 0.2, 0, 0].map(Math.fround));
    expect(freq.data[15]).toBe(1);
    const tfidf = tok.textsToMatrix(input, 'tfidf').data;
    const keras = [0, 1.373024209217544, 1.6606882843475217, 0.9808292530117263, 0, 0];
    keras.forEach((v, j) => expect(tfidf[j]).toBe(Math.fround(v)));
    expect(tfidf[15]).toBe(Math.fround(0.9808292530117263));
    // Without numWords: wordIndex.size + 1 columns.
    const full = new Tokenizer().fitOnTexts(texts.slice(0, 2)).textsToMatrix(['the the homework'], 'count');
    expect(full.toArray()).toEqual([[0, 2, 0, 0, 0, 0, 0, 0, 0, 1]]);
  });

  it('writes the JSON Keras writes (dicts in order, non-ASCII escaped)', () => {
    const mine = new Tokenizer().fitOnTexts(texts).toJSON();
    const keras = JSON.parse(kerasJson);
    for (const key of ['word_counts', 'index_word', 'word_index'] as const) expect(mine.config[key]).toBe(keras.config[key]);
    expect(JSON.parse(mine.config.word_docs)).toEqual(JSON.parse(keras.config.word_docs));
    expect(JSON.parse(mine.config.index_docs)).toEqual(JSON.parse(keras.config.index_docs));
    const { word_counts, word_docs, index_docs, index_word, word_index, ...rest } = mine.config;
    const { word_counts: a, word_docs: b, index_docs: c, index_word: d, word_index: e, ...kerasRest } = keras.config;
    expect(rest).toEqual(kerasRest);
    expect(mine.class_name).toBe('Tokenizer');
    expect([word_counts, word_docs, index_docs, index_word, word_index, a, b, c, d, e].every((s) => typeof s === 'string')).toBe(true);
  });

  it("reads Keras's to_json string and tokenizes the same", () => {
    const tok = Tokenizer.fromJSON(kerasJson);
    expect(tok.getConfig()).toEqual({ numWords: null, filters: DEFAULT_FILTERS, lower: true, split: ' ', charLevel: false, oovToken: null });
    expect(tok.documentCount).toBe(5);
    expect([...tok.wordCounts]).toEqual(kerasWordCounts);
    expect(tok.indexWord.get(18)).toBe('über');
    expect(tok.indexDocs.get(1)).toBe(3);
    expect(tok.textsToSequences(unseen)).toEqual([[1, 2, 4, 1], [16, 17, 1, 14, 12], []]);
  });

  it('round-trips through JSON.stringify, keeping word order for later fits', () => {
    // Keras: fit ['z 2002 y 10'], tokenizer_from_json(to_json()), fit ['y 10 2002 z'] -> z 1, 2002 2, y 3, 10 4.
    const tok = new Tokenizer({ numWords: 50, oovToken: '<unk>', lower: false }).fitOnTexts(['z 2002 y 10']);
    const back = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
    expect(back.getConfig()).toEqual(tok.getConfig());
    expect(JSON.stringify(back)).toBe(JSON.stringify(tok));
    const plain = Tokenizer.fromJSON(JSON.stringify(new Tokenizer().fitOnTexts(['z 2002 y 10'])));
    plain.fitOnTexts(['y 10 2002 z']);
    expect([...plain.wordIndex]).toEqual([['z', 1], ['2002', 2], ['y', 3], ['10', 4]]);
  });

  it('does what its TSDoc example says', () => {
    const tokenizer = new Tokenizer({ numWords: 100, oovToken: '<OOV>' });
    tokenizer.fitOnTexts(['The cat sat.', 'The dog sat down.']);
    expect(tokenizer.wordIndex.get('the')).toBe(2);
    expect(tokenizer.textsToSequences(['the bird sat'])).toEqual([[2, 1, 3]]);
    expect(tokenizer.sequencesToTexts([[2, 1, 3]])).toEqual(['the <OOV> sat']);
    expect(textToWordSequence('Hello, world!  Hello.')).toEqual(['hello', 'world', 'hello']);
  });

  it('refuses to tokenize before fitting', () => {
    expect(() => new Tokenizer().textsToSequences(['a'])).toThrow(/not fitted yet; call fitOnTexts\(\) before textsToSequences\(\)/);
    expect(() => new Tokenizer().sequencesToTexts([[1]])).toThrow(Error);
    expect(new Tokenizer().fitOnTexts(['a']).textsToSequences(['a b'])).toEqual([[1]]);
  });

  it('validates options and arguments with the house wording', () => {
    expect(() => new Tokenizer({ numWords: 0 })).toThrow(RangeError);
    expect(() => new Tokenizer({ numWords: 0 })).toThrow('Expected an integer >= 1 for Tokenizer.numWords but received 0 of type number');
    expect(() => new Tokenizer({ numWords: 2.5 })).toThrow(TypeError);
    expect(() => new Tokenizer({ split: '' })).toThrow('Expected a non-empty string for Tokenizer.split but received "" of type string');
    expect(() => new Tokenizer({ oovToken: 1 as unknown as string })).toThrow(TypeError);
    expect(() => new Tokenizer({ lower: 'yes' as unknown as boolean })).toThrow('Expected a boolean for Tokenizer.lower');
    expect(() => new Tokenizer({ numWord: 10 } as never)).toThrow('Unknown option "numWord" for Tokenizer; did you mean "numWords"?');
    expect(() => new Tokenizer({ oov_token: 'x' } as never)).toThrow(/did you mean "oovToken"/);
    const tok = new Tokenizer();
    expect(() => tok.fitOnTexts('a text' as never)).toThrow('Expected an array of strings for Tokenizer.fitOnTexts.texts but received "a text" of type string');
    expect(() => tok.fitOnTexts(['a', 3] as never)).toThrow('Expected a string or an array of strings for Tokenizer.fitOnTexts.texts[1]');
    expect(() => tok.fitOnTexts([['a', null]] as never)).toThrow('Expected a string for Tokenizer.fitOnTexts.texts[0][1]');
    tok.fitOnTexts(['a']);
    expect(() => tok.sequencesToTexts([[1, '2']] as never)).toThrow('Expected a number for Tokenizer.sequencesToTexts.sequences[0][1]');
    expect(() => tok.textsToMatrix(['a'], 'tf-idf' as never)).toThrow(RangeError);
    expect(() => Tokenizer.fromJSON({ class_name: 'Scaler', config: {} })).toThrow(/Tokenizer JSON document/);
    expect(() => Tokenizer.fromJSON('{not json')).toThrow(/Expected a JSON string for Tokenizer.fromJSON.json/);
    const bad = new Tokenizer().fitOnTexts(['a']).toJSON();
    bad.config.word_index = '{"a": "one"}';
    expect(() => Tokenizer.fromJSON(bad)).toThrow('Expected an integer >= 0 for Tokenizer.fromJSON.json.config.word_index["a"] but received "one" of type string');
  });
});

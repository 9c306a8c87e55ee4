// The text demo (examples/text/): its data pipeline, and a few dozen training steps of each
// model through the demo's own code path (trainModel, sampleWords), single-threaded.
import { loadWords, splitIndices, encodeWords, epochOrders, batches, pick, decode, encode, range, PAD, START, END, LETTER0, VOCAB_SIZE, IGNORE_INDEX, MAX_LEN } from '../examples/text/data';
import { trainModel, sampleWords, evaluate, lrAt } from '../examples/text/train';
import { CharGPT, CharLSTM, decayGroups, causalMask } from '../examples/text/models';
import { Generator, manualSeed } from '../lib/random';
import * as nn from '../lib/nn';

describe('text data', () => {
  const words = loadWords();

  test('word list: 1..16 letters a-z, 272,607 of the package\'s 274,937', () => {
    expect(words.length).toBe(272607);
    expect(words.every((w) => /^[a-z]{1,16}$/.test(w))).toBe(true);
    expect(loadWords(8).every((w) => w.length <= 8)).toBe(true);
  });

  test('split: 90/10, disjoint, covering, and replayed by its seed', () => {
    const s = splitIndices(words.length, 1);
    expect(s.val.length).toBe(Math.round(words.length * 0.1));
    expect(s.train.length + s.val.length).toBe(words.length);
    const seen = new Uint8Array(words.length);
    for (const i of s.train) seen[i]++;
    for (const i of s.val) seen[i]++;
    expect(seen.every((c) => c === 1)).toBe(true);
    expect(splitIndices(words.length, 1).val).toEqual(s.val);
    expect(splitIndices(words.length, 2).val).not.toEqual(s.val);
    // Shuffled, not a slice of the alphabetical list.
    expect(new Set(pick(words, s.val.subarray(0, 100)).map((w) => w[0])).size).toBeGreaterThan(10);
  });

  test('encoding: start, letters, padding in; letters, end, ignore out', () => {
    const enc = encodeWords(['cab', 'a'], 4);
    expect(enc.t).toBe(5);
    const [c, a, b] = encode('cab');
    expect([c, a, b]).toEqual([LETTER0 + 2, LETTER0, LETTER0 + 1]);
    expect(Array.from(enc.x)).toEqual([START, c, a, b, PAD, START, a, PAD, PAD, PAD]);
    expect(Array.from(enc.y)).toEqual([c, a, b, END, IGNORE_INDEX, a, END, IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX]);
    expect(decode([c, a, b, END, a])).toBe('cab');
    expect(() => encodeWords(['abcde'], 4)).toThrow(/encodeWords: expected a word of 1..4 letters a-z for words\[0\], got 'abcde'/);
    expect(() => encodeWords(['Ab'], 4)).toThrow(RangeError);
  });

  test('batches: every row once per epoch, in order, counting the non-ignored targets', () => {
    const ws = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    const enc = encodeWords(ws, 6);
    const [order] = epochOrders(ws.length, 1, 3);
    const bs = [...batches(enc, order, 2)];
    expect(bs.map((b) => b.x.shape)).toEqual([[2, 7], [2, 7], [1, 7]]);
    const seen = bs.flatMap((b) => Array.from({ length: b.x.shape[0] }, (_, i) => decode(b.y.data.subarray(i * 7, (i + 1) * 7))));
    expect(seen).toEqual(Array.from(order, (i) => ws[i]));
    expect(bs.map((b) => b.count)).toEqual(bs.map((b) => Array.from(b.y.data).filter((v) => v !== IGNORE_INDEX).length));
    expect(bs.reduce((s, b) => s + b.count, 0)).toBe(1 + 2 + 3 + 4 + 5 + ws.length);
    // Each epoch draws a fresh order; the seed replays them.
    const two = epochOrders(1000, 2, 3);
    expect(two[0]).not.toEqual(two[1]);
    expect(epochOrders(1000, 2, 3)).toEqual(two);
    expect(Array.from(range(3))).toEqual([0, 1, 2]);
  });

  test('learning rate: linear warmup, then cosine to 0', () => {
    expect(lrAt(0, 100, 1, 10)).toBeCloseTo(0.1);
    expect(lrAt(9, 100, 1, 10)).toBeCloseTo(1);
    expect(lrAt(10, 100, 1, 10)).toBeCloseTo(1);
    expect(lrAt(55, 100, 1, 10)).toBeCloseTo(0.5);
    expect(lrAt(100, 100, 1, 10)).toBeCloseTo(0);
  });
});

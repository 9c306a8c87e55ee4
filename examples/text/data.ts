// The text demo's data: English words (the `an-array-of-english-words` package, MIT, 274,937
// words of a-z) as character sequences for a next-character language model.
//
// Tokens: 0 = padding, 1 = start of word, 2 = end of word, 3..28 = 'a'..'z' (29 in all).
// A word w of n letters becomes, at T = maxLen + 1 positions,
//   x = [START, w1, ..., wn, PAD, ...]        (model input)
//   y = [w1, ..., wn, END, -100, ...]         (next character; -100 = IGNORE_INDEX)
// so CrossEntropyLoss({ ignoreIndex: -100 }) averages over the n + 1 real targets of each word
// (its letters and the end) and the padding adds nothing: the loss is in nats per character.
//
// Words longer than maxLen (16 by default) are dropped, not truncated: a truncated word would
// teach the model to stop mid-word. At 16 this keeps 272,607 of the 274,937 words (99.2%).
import { Generator } from '../../lib/random';
import { Tensor } from '../../lib/tensor';
import { randperm } from '../../lib/data/randperm';

/** The padding input token (embedding row 0); its targets are IGNORE_INDEX. */
export const PAD = 0;
/** The start-of-word input token: the model reads it before the first letter. */
export const START = 1;
/** The end-of-word token: the last target of every word, where sampling stops. */
export const END = 2;
/** Token of 'a'; 'b' is LETTER0 + 1, ..., 'z' is LETTER0 + 25. */
export const LETTER0 = 3;
/** Tokens in all: padding, start, end and the 26 letters. */
export const VOCAB_SIZE = LETTER0 + 26;
/** The target value CrossEntropyLoss skips (PyTorch's default ignore_index). */
export const IGNORE_INDEX = -100;
/** Longest word kept, in letters. */
export const MAX_LEN = 16;

/**
 * The word list, in the package's (alphabetical) order, keeping words of 1..maxLen letters a-z.
 * @param maxLen [16] the longest word kept
 */
export function loadWords(maxLen = MAX_LEN): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const all: string[] = require('an-array-of-english-words');
  return all.filter((w) => w.length >= 1 && w.length <= maxLen && /^[a-z]+$/.test(w));
}

/** A split of the word list: indices into it, train and validation, disjoint. */
export interface WordSplit {
  train: Int32Array;
  val: Int32Array;
}

/**
 * A seeded split, as torch.utils.data.random_split(words, [n - nVal, nVal]): a random
 * permutation of 0..n-1 (data's randperm on a Generator(seed)), the first n - nVal to train
 * and the rest (nVal = round(n * valFraction)) to validation.
 * @param n the number of words
 * @param seed the split's seed
 * @param valFraction [0.1] the share held out
 */
export function splitIndices(n: number, seed: number, valFraction = 0.1): WordSplit {
  const perm = randperm(n, new Generator(seed));
  const nVal = Math.round(n * valFraction);
  return { train: perm.slice(0, n - nVal), val: perm.slice(n - nVal) };
}

/** Token ids of a word's letters. */
export function encode(word: string): number[] {
  return Array.from(word, (c) => c.charCodeAt(0) - 97 + LETTER0);
}

/** The letters of token ids, stopping at the end token; padding and start are skipped. */
export function decode(ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) {
    const t = ids[i];
    if (t === END) break;
    if (t >= LETTER0 && t < VOCAB_SIZE) s += String.fromCharCode(97 + t - LETTER0);
  }
  return s;
}

/** Encoded sequences, N rows of T = maxLen + 1 positions each, row-major. */
export interface Encoded {
  /** Inputs (N * T): START, the letters, then PAD. */
  x: Float32Array;
  /** Targets (N * T): the letters, END, then IGNORE_INDEX. */
  y: Float32Array;
  /** Rows. */
  n: number;
  /** Positions per row. */
  t: number;
}

/**
 * Encodes words (each of at most maxLen letters) as input/target rows; see the file header.
 * @throws {RangeError} for a word longer than maxLen or with characters outside a-z.
 */
export function encodeWords(words: readonly string[], maxLen = MAX_LEN): Encoded {
  const t = maxLen + 1;
  const n = words.length;
  const x = new Float32Array(n * t).fill(PAD);
  const y = new Float32Array(n * t).fill(IGNORE_INDEX);
  words.forEach((w, r) => {
    if (w.length > maxLen || !/^[a-z]+$/.test(w)) throw new RangeError(`encodeWords: expected a word of 1..${maxLen} letters a-z for words[${r}], got '${w}'`);
    const ids = encode(w);
    const row = r * t;
    x[row] = START;
    for (let i = 0; i < ids.length; i++) {
      x[row + i + 1] = ids[i];
      y[row + i] = ids[i];
    }
    y[row + ids.length] = END;
  });
  return { x, y, n, t };
}

/** The words at the given indices. */
export function pick(words: readonly string[], idx: ArrayLike<number>): string[] {
  return Array.from(idx as ArrayLike<number>, (i) => words[i]);
}

/**
 * The order of the training rows in each epoch: a fresh randperm per epoch from one
 * Generator(seed), as a DataLoader with shuffle and a generator. bench/text_lm.py reads the
 * same orders (examples/text/export.ts writes them), so both libraries see the same batches.
 */
export function epochOrders(n: number, epochs: number, seed: number): Int32Array[] {
  const g = new Generator(seed);
  return Array.from({ length: epochs }, () => randperm(n, g));
}

/** One batch: inputs (B, T) and targets (B, T) as float tensors of token ids, and the target count. */
export interface Batch {
  x: Tensor;
  y: Tensor;
  /** Targets that are not IGNORE_INDEX (characters the loss averages over). */
  count: number;
}

/**
 * Batches of the rows in `order` (all of them; the last batch may be smaller).
 * @param enc the encoded rows
 * @param order row indices, e.g. one of epochOrders, or 0..n-1 for evaluation
 * @param batchSize rows per batch
 */
export function* batches(enc: Encoded, order: ArrayLike<number>, batchSize: number): IterableIterator<Batch> {
  const { t } = enc;
  for (let start = 0; start < order.length; start += batchSize) {
    const b = Math.min(batchSize, order.length - start);
    const x = new Float32Array(b * t);
    const y = new Float32Array(b * t);
    let count = 0;
    for (let i = 0; i < b; i++) {
      const r = order[start + i];
      x.set(enc.x.subarray(r * t, (r + 1) * t), i * t);
      const src = enc.y.subarray(r * t, (r + 1) * t);
      y.set(src, i * t);
      for (let k = 0; k < t; k++) if (src[k] !== IGNORE_INDEX) count++;
    }
    yield { x: new Tensor(x, [b, t]), y: new Tensor(y, [b, t]), count };
  }
}

/** 0, 1, ..., n-1. */
export function range(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

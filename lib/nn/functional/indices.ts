// Integer inputs (token ids, class indices) as the API takes them: a float32 Tensor holding
// integers, an Int32Array (1-D) or a nested number[]. Read into a fresh Int32Array (the
// backward pass must see the ids of the forward pass) with their shape.
import { Tensor, checkTensor } from '../../tensor';
import { rangeError, typeError, rangeErrorText } from '../../errors';

/** Integer ids: a Tensor of integers (exact to 2^24), an Int32Array (1-D) or a nested number[]. */
export type IndexInput = Tensor | Int32Array | readonly unknown[];

/** Ids read by `readIndices`: a fresh Int32Array and the shape they came in. */
export interface Indices {
  ids: Int32Array;
  shape: number[];
}

/** The shape of a nested array, refusing ragged nesting (naming the first ragged place). */
function nestedShape(where: string, name: string, v: readonly unknown[]): number[] {
  const shape: number[] = [];
  let level: unknown = v;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const walk = (a: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(a)) throw rangeErrorText(where, `a rectangular nested array of shape [${shape.join(', ')}]`, name, `an array at ${path}`);
      return;
    }
    if (!Array.isArray(a) || a.length !== shape[depth]) {
      throw rangeErrorText(where, `a rectangular nested array of shape [${shape.join(', ')}]`, name, `${Array.isArray(a) ? `length ${a.length}` : 'a non-array'} at ${path}`);
    }
    for (let i = 0; i < a.length; i++) walk(a[i], depth + 1, `${path}[${i}]`);
  };
  walk(v, 0, name);
  return shape;
}

/** How the messages of `readIndices` name an element: as a number, as an integer, in range. */
export interface IndexWords {
  /** e.g. 'a class index (a number)' */
  number: string;
  /** e.g. 'an integer class index' */
  integer: string;
  /** e.g. 'a class index in [0, 10)' */
  range: string;
}

/**
 * Reads integer ids, each in [0, bound) unless it equals `keep` (an ignoreIndex, stored as -1):
 * `<where>: expected <words.range> for <name>[i], got v`.
 * @throws TypeError for another type or a non-number element; RangeError for a non-integer or
 *   out-of-range id, or ragged nesting.
 */
export function readIndices(where: string, name: string, v: unknown, bound: number, words: IndexWords, keep?: number): Indices {
  let values: ArrayLike<unknown>;
  let shape: number[];
  if (v instanceof Tensor) {
    checkTensor(where, name, v);
    values = v.data;
    shape = v.shape.slice();
  } else if (v instanceof Int32Array) {
    values = v;
    shape = [v.length];
  } else if (Array.isArray(v)) {
    shape = nestedShape(where, name, v);
    values = shape.length > 1 ? (v as unknown[]).flat(shape.length - 1) : v;
  } else {
    throw typeError(where, 'integer ids (a Tensor, an Int32Array or a nested array of numbers)', name, v);
  }
  const n = values.length;
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (typeof x !== 'number') throw typeError(where, words.number, `${name}[${i}]`, x);
    if (keep !== undefined && x === keep) {
      ids[i] = -1;
      continue;
    }
    if (!Number.isInteger(x)) throw rangeError(where, words.integer, `${name}[${i}]`, x);
    if (x < 0 || x >= bound) throw rangeError(where, words.range, `${name}[${i}]`, x);
    ids[i] = x;
  }
  return { ids, shape };
}

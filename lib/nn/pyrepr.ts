// Python's repr of numbers, booleans and tuples, for extraRepr strings that read like PyTorch's
// (`eps=1e-05, affine=True`, `(10,)`).

/** repr(float(x)) in Python: 1e-05, 0.1, 1.0, 1e+16. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const ax = Math.abs(x);
  if (ax === 0 || (ax >= 1e-4 && ax < 1e16)) return Number.isInteger(x) ? x.toFixed(1) : String(x);
  // Python writes at least two exponent digits; both languages print the shortest round trip.
  const [mantissa, exponent] = x.toExponential().split('e');
  return `${mantissa}e${exponent[0]}${exponent.slice(1).padStart(2, '0')}`;
}

/** True / False. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** A tuple of ints: (10,) or (2, 3). */
export function pyTuple(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

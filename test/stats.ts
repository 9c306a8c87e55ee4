// Sample statistics with their standard errors, for tests that compare a random fill's
// moments against a formula: a check is "within z standard errors", and the standard errors
// are estimated from the sample itself (no assumption that it is normal).
export interface Moments {
  n: number;
  mean: number;
  std: number;
  /** Standard error of the mean, s / sqrt(n). */
  seMean: number;
  /** Standard error of the std by the delta method, sqrt((m4 - s^4) / n) / (2 s). */
  seStd: number;
  min: number;
  max: number;
}

export function moments(x: ArrayLike<number>): Moments {
  const n = x.length;
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    s += x[i];
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  const mean = s / n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i] - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  const std = Math.sqrt(m2);
  return { n, mean, std, seMean: std / Math.sqrt(n), seStd: Math.sqrt(Math.max(m4 - m2 * m2, 0) / n) / (2 * std), min, max };
}

/** Asserts |actual - expected| <= z * se, with a message that gives all three. */
export function expectWithinSE(label: string, actual: number, expected: number, se: number, z = 3): void {
  if (!(Math.abs(actual - expected) <= z * se)) {
    throw new Error(`${label}: ${actual} differs from ${expected} by ${Math.abs(actual - expected)}, more than ${z} standard errors (${z} x ${se})`);
  }
}

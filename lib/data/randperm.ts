// A seeded random permutation, drawn from a kiln Generator.
import { Generator } from '../random';

/**
 * A uniformly random permutation of 0..n-1 (Fisher-Yates, Durstenfeld 1964), as torch.randperm.
 * Each swap index comes from two 24-bit uniforms combined into 48 bits, so the modulo bias is
 * below 2^-17 even at n = 2^31 (one 24-bit draw would be visibly biased past a few million).
 * Draws 2n values from the generator, so the next permutation differs and a seed replays all.
 */
export function randperm(n: number, generator: Generator): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  if (n < 2) return perm;
  const u = generator.fillUniform(new Float32Array(2 * n));
  const TWO_24 = 16777216;
  for (let i = n - 1; i > 0; i--) {
    const r = (u[2 * i] * TWO_24 * TWO_24 + u[2 * i + 1] * TWO_24) / (TWO_24 * TWO_24);
    const j = Math.floor(r * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

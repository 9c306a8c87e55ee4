// Large output buffers for native kernels that overwrite them entirely.
//
// `new Float32Array(n)` is calloc: a large block comes as fresh zero pages, so the kernel's
// first write to each page faults. Buffer.allocUnsafeSlow is malloc, which glibc serves from
// memory freed earlier, already mapped, for blocks under its mmap threshold (32 MB): the
// LayerNorm/RMSNorm forward + backward on (4096, 1024) took 25-40% less CPU time with it
// (bench/norm.js). Zeroing is needless when every element is written. Small buffers take
// V8's ordinary path, which is cheaper for them.

const LARGE = 1 << 16;

/** n floats of unspecified value: only for outputs a kernel overwrites entirely. */
export function emptyFloat32(n: number): Float32Array {
  if (n < LARGE) return new Float32Array(n);
  return new Float32Array(Buffer.allocUnsafeSlow(4 * n).buffer, 0, n);
}

// The safetensors dtypes PyTorch writes, and their exact conversion to float32.
//
// kiln's tensors are float32, so `load` converts every element as PyTorch's `t.float()` does:
// exactly where float32 holds the value (F16, BF16, I8, U8, I16, BOOL, and I32/I64 up to 2^24),
// otherwise rounded once to the nearest float32, ties to even (F64, large I32/I64). Data is
// read through a DataView in little-endian order, so it may sit at any offset in the file
// (safetensors does not promise alignment) on a host of either byte order.

/** Bytes per element of each dtype `load` reads, in the safetensors spelling. */
export const DTYPE_SIZES = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
} as const;

export type Dtype = keyof typeof DTYPE_SIZES;

/** The dtype names for an error message: 'F32', 'F16', ... */
export const DTYPE_LIST = Object.keys(DTYPE_SIZES)
  .map((d) => `'${d}'`)
  .join(', ');

export function isDtype(d: string): d is Dtype {
  return Object.prototype.hasOwnProperty.call(DTYPE_SIZES, d);
}

/** An F16 (IEEE 754 binary16) bit pattern as a number; every one is exact in float32. */
export function f16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

const TWO_53 = 2n ** 53n;

/**
 * A 64-bit integer rounded once to the nearest float32, ties to even, as C's (float)int64_t.
 * Number(v) first and then Math.fround would round twice past 2^53 (a value just above a
 * float32 tie would land on the tie and then round to even, the wrong way).
 */
export function int64ToFloat32(v: bigint): number {
  if (v > -TWO_53 && v < TWO_53) return Math.fround(Number(v));
  const neg = v < 0n;
  let m = neg ? -v : v;
  const shift = BigInt(m.toString(2).length - 24);
  const rest = m & ((1n << shift) - 1n);
  const half = 1n << (shift - 1n);
  m >>= shift;
  if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
  // m < 2^25 and a power-of-two scale: exact in a double, and then in float32.
  const r = Number(m) * 2 ** Number(shift);
  return Math.fround(neg ? -r : r);
}

/**
 * Converts `numel` elements of `dtype` from little-endian `bytes` into a new Float32Array.
 * BOOL takes any non-zero byte as true (1), as PyTorch reads a bool byte.
 */
export function toFloat32(dtype: Dtype, bytes: Uint8Array, numel: number): Float32Array {
  const out = new Float32Array(numel);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < numel; i++) out[i] = dv.getFloat32(4 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < numel; i++) out[i] = f16ToNumber(dv.getUint16(2 * i, true));
      break;
    case 'BF16': {
      // The top half of a float32: placing the bits keeps NaN payloads too.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < numel; i++) bits[i] = dv.getUint16(2 * i, true) << 16;
      break;
    }
    case 'F64':
      for (let i = 0; i < numel; i++) out[i] = dv.getFloat64(8 * i, true);
      break;
    case 'I64':
      for (let i = 0; i < numel; i++) {
        // Two 32-bit halves: the common small values skip BigInt.
        const lo = dv.getUint32(8 * i, true);
        const hi = dv.getInt32(8 * i + 4, true);
        if ((hi === 0 && lo < 2 ** 24) || (hi === -1 && lo >= 2 ** 32 - 2 ** 24)) out[i] = hi * 2 ** 32 + lo;
        else out[i] = int64ToFloat32(dv.getBigInt64(8 * i, true));
      }
      break;
    case 'I32':
      for (let i = 0; i < numel; i++) out[i] = dv.getInt32(4 * i, true);
      break;
    case 'I16':
      for (let i = 0; i < numel; i++) out[i] = dv.getInt16(2 * i, true);
      break;
    case 'I8':
      for (let i = 0; i < numel; i++) out[i] = dv.getInt8(i);
      break;
    case 'U8':
      for (let i = 0; i < numel; i++) out[i] = bytes[i];
      break;
    case 'BOOL':
      for (let i = 0; i < numel; i++) out[i] = bytes[i] ? 1 : 0;
      break;
  }
  return out;
}

/** Whether a key names BatchNorm's step counter, which PyTorch keeps (and saves) as int64. */
export function isInt64Key(name: string): boolean {
  return name === 'num_batches_tracked' || name.endsWith('.num_batches_tracked');
}

/** Writes float32 values that are integers as little-endian I64 at `at`. */
export function writeInt64(out: DataView, at: number, data: Float32Array): void {
  for (let i = 0; i < data.length; i++) out.setBigInt64(at + 8 * i, BigInt(data[i]), true);
}

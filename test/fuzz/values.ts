// Malformed values for the fuzz tables, and a printer that shows exactly what a case passed
// (a detached buffer, a typed array's kind and length, a tensor whose data disagrees with its
// shape), so that a failure report can be replayed by hand.
import { Tensor } from '../../lib';

/** A Float32Array whose buffer has been transferred away (length 0, as after postMessage). */
export function detachedF32(length = 4): Float32Array {
  const a = new Float32Array(length);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

/** A Float32Array on a SharedArrayBuffer (what a worker pool would hand over). */
export function sharedF32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/** A Float32Array that views the middle of a larger buffer (byteOffset > 0): valid everywhere. */
export function offsetF32(length: number): Float32Array {
  return new Float32Array(length + 2).subarray(1, 1 + length);
}

/** Other typed-array kinds of `length` elements: each is a wrong type where a Float32Array is due. */
export const WRONG_ARRAY_KINDS: [string, (n: number) => unknown][] = [
  ['Float64Array', (n) => new Float64Array(n)],
  ['Int32Array', (n) => new Int32Array(n)],
  ['Uint8Array', (n) => new Uint8Array(n)],
  ['Uint8ClampedArray', (n) => new Uint8ClampedArray(n)],
  ['BigInt64Array', (n) => new BigInt64Array(n)],
  ['DataView', (n) => new DataView(new ArrayBuffer(n * 4))],
  ['ArrayBuffer', (n) => new ArrayBuffer(n * 4)],
];

/**
 * Values of the wrong type for nearly any argument: each case takes a fresh one (objects and
 * arrays are made anew, so no case sees another's mutation).
 */
export const JUNK: [string, () => unknown][] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['true', () => true],
  ["'abc'", () => 'abc'],
  ["'3'", () => '3'],
  ["''", () => ''],
  ['{}', () => ({})],
  ['[]', () => []],
  ['[1, 2]', () => [1, 2]],
  ['a function', () => () => 1],
  ['a Symbol', () => Symbol('fuzz')],
  ['0n', () => 0n],
  ['new Date(0)', () => new Date(0)],
  ['a Map', () => new Map()],
  ['Object.create(null)', () => Object.create(null)],
  ['a Promise', () => Promise.resolve(1)],
];

/** Numbers that are not sizes: NaN, infinities, negatives, fractions, past 2^31 and 2^53. */
export const BAD_NUMBERS: number[] = [NaN, Infinity, -Infinity, -1, -0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 31), 1e308, -1e308, 5e-324];

/** Whether a buffer was transferred away (Node 20 has no ArrayBuffer.prototype.detached). */
export function isDetached(buf: ArrayBufferLike): boolean {
  if (buf.byteLength !== 0 || Object.prototype.toString.call(buf) !== '[object ArrayBuffer]') return false;
  try {
    new Uint8Array(buf);
    return false;
  } catch {
    return true;
  }
}

function showNumber(v: number): string {
  if (Object.is(v, -0)) return '-0';
  if (Number.isInteger(v) && Math.abs(v) >= 2 ** 20) {
    const e = Math.log2(Math.abs(v));
    if (Number.isInteger(e)) return `${v < 0 ? '-' : ''}2^${e}`;
  }
  return String(v);
}

function arrayInfo(v: ArrayBufferView | ArrayBufferLike): string {
  if (v instanceof ArrayBuffer) return `ArrayBuffer(${v.byteLength})`;
  if (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer) return `SharedArrayBuffer(${v.byteLength})`;
  const view = v as ArrayBufferView;
  const name = view.constructor.name;
  const buf = view.buffer;
  if (isDetached(buf)) return `${name}(detached)`;
  const len = view instanceof DataView ? view.byteLength : (view as unknown as { length: number }).length;
  const extras = [buf instanceof ArrayBuffer ? '' : 'shared', view.byteOffset > 0 ? `byteOffset ${view.byteOffset}` : ''].filter(Boolean);
  return `${name}(${len}${extras.length ? `, ${extras.join(', ')}` : ''})`;
}

/** A short, exact rendering of an argument for a case report. */
export function show(v: unknown, depth = 0): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return showNumber(v);
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
    case 'bigint':
      return `${v}n`;
    case 'symbol':
      return 'Symbol()';
    case 'function':
      return v.name && /^[A-Z]/.test(v.name) ? `class ${v.name}` : 'fn';
    case 'boolean':
      return String(v);
  }
  if (v instanceof Tensor) {
    const d = v.data as unknown;
    let numel = 1;
    for (const s of v.shape) numel *= s;
    const ok = d instanceof Float32Array && d.length === numel && !isDetached(d.buffer);
    const dataNote = ok ? '' : ` data=${show(d, depth + 1)}`;
    return `${v.constructor.name}[${v.shape.map((s) => show(s)).join(', ')}]${v.requiresGrad ? ' rg' : ''}${dataNote}`;
  }
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)) {
    return arrayInfo(v as ArrayBufferView);
  }
  if (depth > 2) return '...';
  if (Array.isArray(v)) {
    const items = v.slice(0, 6).map((x) => show(x, depth + 1));
    return `[${items.join(', ')}${v.length > 6 ? `, ... (${v.length})` : ''}]`;
  }
  const proto = Object.getPrototypeOf(v);
  const name = proto === null ? 'null-proto' : proto.constructor?.name;
  if (name && name !== 'Object' && name !== 'null-proto') return `a ${name}`;
  const keys = Object.keys(v as object);
  const parts = keys.slice(0, 6).map((k) => `${k}: ${show((v as Record<string, unknown>)[k], depth + 1)}`);
  return `{${parts.join(', ')}${keys.length > 6 ? ', ...' : ''}}`;
}

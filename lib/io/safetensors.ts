// The safetensors format (https://github.com/huggingface/safetensors), as its reference
// implementation reads and writes it:
//
//   [8 bytes]  N, the header length, unsigned 64-bit little-endian
//   [N bytes]  a UTF-8 JSON object, padded with spaces so that 8 + N is a multiple of 8:
//              { "__metadata__"?: { string: string },
//                "<name>": { "dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end] }, ... }
//   [rest]     the data section: each tensor's raw little-endian bytes at [begin, end),
//              relative to the section's start; the tensors tile it with no gap or overlap.
//
// kiln's tensors are float32: it reads every dtype PyTorch writes (./dtypes.ts), converting to
// float32, and writes F32 (and I64 for BatchNorm's num_batches_tracked, as PyTorch does). The
// reader validates the whole header before it allocates any tensor: a hostile file gets a
// TypeError or RangeError that names the file and the reason, never a huge allocation or a crash.
import * as os from 'os';
import { describe, typeError } from '../errors';
import { rangeErrorText, typeErrorText } from '../errors';
import { MAX_NUMEL } from '../shape';
import { DTYPE_LIST, DTYPE_SIZES, Dtype, isDtype } from './dtypes';
import { findDuplicateKey } from './json-keys';

/** The reference implementation's bound on N (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
export const METADATA_KEY = '__metadata__';
export const LITTLE_ENDIAN = os.endianness() === 'LE';

/** One tensor of a validated header; offsets are relative to the data section. */
export interface TensorEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  numel: number;
  begin: number;
  end: number;
}

/**
 * A file path argument: a non-empty string without NUL bytes (which the file system cannot
 * name; Node would reject it under its own argument name 'path').
 */
export function checkPath(where: string, name: string, file: unknown): string {
  if (typeof file !== 'string' || file === '') throw typeError(where, 'a file path (a non-empty string)', name, file);
  if (file.includes('\0')) throw typeError(where, 'a file path without NUL bytes', name, file);
  return file;
}

/** A value for an error message, cut short: a hostile header may hold a 100 MB string. */
export function show(v: unknown): string {
  const s = describe(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** A description to print as is after "got" (not a value to render). */
export class Said {
  constructor(readonly text: string) {}
}

/** Errors of one file, in kiln's format plus the file: `load: expected ... in '<file>', got ...`. */
export class FileErrors {
  constructor(
    readonly where: string,
    readonly file: string,
  ) {}

  range(what: string, name: string, got: unknown): RangeError {
    return rangeErrorText(this.where, what, `${name} in '${this.file}'`, got instanceof Said ? got.text : show(got));
  }

  type(what: string, name: string, got: unknown): TypeError {
    return typeErrorText(this.where, what, `${name} in '${this.file}'`, got instanceof Said ? got.text : show(got));
  }
}

function isSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Decodes and validates a header: UTF-8, a JSON object starting with '{', no duplicate keys,
 * string-to-string metadata, entries of a known dtype whose shapes match their byte ranges
 * (numel times the dtype's size), and ranges
 * that tile the data section of `dataBytes` bytes exactly. Returns the tensors in data order.
 */
export function parseHeader(bytes: Uint8Array, dataBytes: number, err: FileErrors): TensorEntry[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw err.type('a UTF-8 header', 'the header', new Said('bytes that are not valid UTF-8'));
  }
  if (!text.startsWith('{')) throw err.type("a JSON object starting with '{'", 'the header', new Said(`text starting ${show(text.slice(0, 20))}`));
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw err.type('a JSON object', 'the header', new Said(`invalid JSON (${(e as Error).message.slice(0, 120)})`));
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw err.type('a JSON object', 'the header', header);
  const dup = findDuplicateKey(text);
  if (dup !== null) throw err.range('unique keys', 'the header', new Said(`the key ${show(dup)} twice`));

  const entries: TensorEntry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      checkMetadata(info, err);
      continue;
    }
    entries.push(checkEntry(name, info, dataBytes, err));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev = '';
  for (const e of entries) {
    if (e.begin !== at) {
      const what = e.begin < at ? new Said(`[${e.begin}, ${e.end}), which overlaps tensor ${show(prev)} ending at ${at}`) : new Said(`[${e.begin}, ${e.end}), leaving bytes [${at}, ${e.begin}) unused`);
      throw err.range(`data_offsets that tile the data section`, `tensor ${show(e.name)}`, what);
    }
    at = e.end;
    prev = e.name;
  }
  if (at !== dataBytes) throw err.range(`a data section of ${at} bytes (the end of the last tensor)`, 'the file', new Said(`${dataBytes} bytes`));
  return entries;
}

function checkMetadata(info: unknown, err: FileErrors): void {
  if (info === null || typeof info !== 'object' || Array.isArray(info)) throw err.type('an object of strings', METADATA_KEY, info);
  for (const [k, v] of Object.entries(info)) {
    if (typeof v !== 'string') throw err.type('a string', `${METADATA_KEY}[${show(k)}]`, v);
  }
}

function checkEntry(name: string, info: unknown, dataBytes: number, err: FileErrors): TensorEntry {
  const label = `tensor ${show(name)}`;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) throw err.type('an object with dtype, shape and data_offsets', label, info);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string') throw err.type('a dtype string', `the dtype of ${label}`, dtype);
  if (!isDtype(dtype)) throw err.type(`one of ${DTYPE_LIST} (the dtypes PyTorch writes)`, `the dtype of ${label}`, dtype);
  const size = DTYPE_SIZES[dtype];
  if (!Array.isArray(shape)) throw err.type('an array of sizes', `the shape of ${label}`, shape);
  let numel = 1;
  for (const d of shape) {
    if (typeof d !== 'number') throw err.type('an array of sizes', `the shape of ${label}`, shape);
    // Each size bounded too: [2^40, 0] holds no data, but its sizes are past what kernels index.
    if (!isSize(d) || d > MAX_NUMEL) throw err.range(`non-negative integer sizes of at most ${MAX_NUMEL}`, `the shape of ${label}`, shape);
    numel *= d;
  }
  if (numel > MAX_NUMEL) throw err.range(`at most ${MAX_NUMEL} elements`, `the shape of ${label}`, shape);
  if (!Array.isArray(offsets) || offsets.length !== 2) throw err.type('[begin, end]', `the data_offsets of ${label}`, offsets);
  const [begin, end] = offsets as unknown[];
  if (typeof begin !== 'number' || typeof end !== 'number') throw err.type('[begin, end] as integers', `the data_offsets of ${label}`, offsets);
  if (!isSize(begin) || !isSize(end) || begin > end || end > dataBytes) {
    throw err.range(`integers with 0 <= begin <= end <= ${dataBytes} (the data section's size)`, `the data_offsets of ${label}`, offsets);
  }
  if (end - begin !== numel * size) {
    throw err.range(`${numel * size} bytes (shape ${show(shape)} of ${dtype})`, `the data_offsets of ${label}`, new Said(`[${begin}, ${end}), ${end - begin} bytes`));
  }
  return { name, dtype, shape: shape.slice(), numel, begin, end };
}

/** Swaps each 4-byte group in place (float32 data on a big-endian host). */
export function swap32(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i];
    const b = bytes[i + 1];
    bytes[i] = bytes[i + 3];
    bytes[i + 1] = bytes[i + 2];
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

// load: a safetensors file into tensors, validated before anything is allocated.
import { promises as fsp } from 'fs';
import { Tensor } from '../tensor';
import { FileErrors, LITTLE_ENDIAN, MAX_HEADER_BYTES, Said, checkPath, parseHeader, swap32 } from './safetensors';

/** Reads exactly bytes.length bytes at `position`; a file that ends early is a RangeError. */
async function readExactly(fh: fsp.FileHandle, bytes: Uint8Array, position: number, err: FileErrors): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesRead } = await fh.read(bytes, done, bytes.length - done, position + done);
    if (bytesRead === 0) throw err.range(`${bytes.length} bytes at offset ${position}`, 'the file', new Said(`${done} (it ended early or shrank while being read)`));
    done += bytesRead;
  }
}

/**
 * Reads a safetensors file of F32 tensors (written by `save`, by Python's safetensors or by
 * hand) into new tensors, in the order of their data in the file.
 *
 * The header is validated in full before any tensor is allocated, as the safetensors
 * reference does: its length (at most 100 MB and within the file), UTF-8 JSON object, no
 * duplicate keys, dtype F32, non-negative integer shapes whose size matches the byte range,
 * and byte ranges that tile the data section exactly (no overlap, gap or trailing bytes).
 * Each tensor's bytes are then read straight into its Float32Array.
 * @param file the path to read
 * @returns a Promise of names to tensors, for `module.loadStateDict`
 * @throws {TypeError} (as a rejection) for a path that is not a non-empty string, or one
 *   that is not a regular file (a directory, a FIFO, a device); and, naming the file, for a
 *   header that is not UTF-8 JSON or has a wrongly typed entry (a non-F32 dtype names the dtype).
 * @throws {RangeError} (as a rejection) naming the file and the reason for a file that is
 *   too short, a bad header length, duplicate keys, bad sizes, or byte ranges that do not tile
 *   the data section.
 * @throws {Error} (as a rejection) the file system's errors as they come (ENOENT, EACCES).
 * @example model.loadStateDict(await kiln.load('model.safetensors'));
 */
export async function load(file: string): Promise<Record<string, Tensor>> {
  const where = 'load';
  checkPath(where, 'file', file);
  const err = new FileErrors(where, file);
  // Only a regular file: opening a FIFO for reading blocks until a writer appears (a load
  // that never settles, holding a libuv thread), and /dev/zero would have no end.
  const st = await fsp.stat(file);
  if (!st.isFile()) throw err.type('a regular file', 'file', new Said(st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() ? 'a character device' : 'not a regular file'));
  const fh = await fsp.open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 8) throw err.range('at least 8 bytes (the header length)', 'the file', new Said(`${size} bytes`));
    const prefix = new Uint8Array(8);
    await readExactly(fh, prefix, 0, err);
    const n = new DataView(prefix.buffer).getBigUint64(0, true);
    if (n > BigInt(MAX_HEADER_BYTES)) throw err.range(`at most ${MAX_HEADER_BYTES} bytes`, 'the header length', new Said(String(n)));
    if (n > BigInt(size - 8)) throw err.range(`at most ${size - 8} bytes (the file's size less 8)`, 'the header length', new Said(String(n)));
    const headerLength = Number(n);
    const header = new Uint8Array(headerLength);
    await readExactly(fh, header, 8, err);
    const dataStart = 8 + headerLength;
    const entries = parseHeader(header, size - dataStart, err);

    const out: Record<string, Tensor> = {};
    for (const e of entries) {
      const data = new Float32Array((e.end - e.begin) / 4);
      const bytes = new Uint8Array(data.buffer);
      await readExactly(fh, bytes, dataStart + e.begin, err);
      if (!LITTLE_ENDIAN) swap32(bytes);
      // defineProperty, not assignment: a tensor named '__proto__' must stay a plain entry.
      Object.defineProperty(out, e.name, { value: new Tensor(data, e.shape), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    await fh.close();
  }
}

// load: a safetensors file into tensors, validated before anything is allocated.
import { promises as fsp } from 'fs';
import { Tensor } from '../tensor';
import { FileErrors, LITTLE_ENDIAN, MAX_HEADER_BYTES, Said, checkPath, parseHeader, show, swap32 } from './safetensors';
import { toFloat32 } from './dtypes';
import { expectArity } from '../options';

/** Reads exactly bytes.length bytes at `position`; a file that ends early is a RangeError. */
async function readExactly(fh: fsp.FileHandle, bytes: Uint8Array, position: number, err: FileErrors): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesRead } = await fh.read(bytes, done, bytes.length - done, position + done);
    if (bytesRead === 0) throw err.range(`${bytes.length} bytes at offset ${position}`, 'the file', new Said(`${done} (it ended early or shrank while being read)`));
    done += bytesRead;
  }
}

/** How to turn a PyTorch pickle into safetensors, for the error that names one. */
function convertHint(file: string): string {
  return (
    `convert it in Python with safetensors.torch.save_file(model.state_dict(), 'model.safetensors') ` +
    `(pip install safetensors; for a saved state dict, save_file(torch.load('${file}', map_location='cpu'), 'model.safetensors'))`
  );
}

/**
 * What a file that is not safetensors is, from its first bytes, or null: torch.save's zip
 * archive (its first entry '<name>/data.pkl'), another zip, or a pickle (protocol 2 to 5, as
 * torch.save's legacy format and pickle.dump write). Asked only once the bytes have failed as
 * safetensors, so a valid file whose header length happens to start 0x80 0x02 is never taken
 * for a pickle.
 */
async function foreignFormat(fh: fsp.FileHandle, prefix: Uint8Array, size: number, file: string): Promise<string | null> {
  if (prefix[0] === 0x50 && prefix[1] === 0x4b && prefix[2] === 0x03 && prefix[3] === 0x04) {
    // A zip local file header: the first entry's name length at 26, the name at 30.
    const head = new Uint8Array(Math.min(size, 30 + 256));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const nameLength = bytesRead >= 30 ? head[26] | (head[27] << 8) : 0;
    const entry = Buffer.from(head.subarray(30, Math.min(bytesRead, 30 + nameLength))).toString('latin1');
    if (entry === 'data.pkl' || entry.endsWith('/data.pkl')) return `a PyTorch pickle checkpoint (torch.save's zip format), not safetensors; ${convertHint(file)}`;
    return `a zip archive (its first entry ${show(entry)}), not safetensors`;
  }
  if (prefix[0] === 0x80 && prefix[1] >= 2 && prefix[1] <= 5) {
    return `a Python pickle (protocol ${prefix[1]}; torch.save's legacy format writes one), not safetensors; if it is a PyTorch checkpoint, ${convertHint(file)}`;
  }
  return null;
}

/**
 * Reads a safetensors file (written by `save`, by Python's safetensors or by hand) into new
 * float32 tensors, in the order of their data in the file. Every dtype PyTorch writes is read
 * and converted as PyTorch's `t.float()` does: F32, F16, BF16, F64, I64, I32, I16, I8, U8 and
 * BOOL (so BatchNorm's I64 `num_batches_tracked` loads into the buffer).
 *
 * The header is validated in full before any tensor is allocated, as the safetensors
 * reference does: its length (at most 100 MB and within the file), UTF-8 JSON object, no
 * duplicate keys, a known dtype, non-negative integer shapes whose size matches the byte range
 * (numel times the dtype's size), and byte ranges that tile the data section exactly (no
 * overlap, gap or trailing bytes). F32 bytes are read straight into the tensor's
 * Float32Array; other dtypes are read and converted (data may sit at any offset).
 * @param file the path to read
 * @returns a Promise of names to tensors, for `module.loadStateDict`
 * @throws {TypeError} (as a rejection) for a path that is not a non-empty string, or one
 *   that is not a regular file (a directory, a FIFO, a device); and, naming the file, for a
 *   header that is not UTF-8 JSON or has a wrongly typed entry, an unknown dtype (named), or a
 *   PyTorch pickle (`.pt`/`.pth` from torch.save: the message says how to convert it).
 * @throws {RangeError} (as a rejection) naming the file and the reason for a file that is
 *   too short, a bad header length, duplicate keys, bad sizes, or byte ranges that do not tile
 *   the data section.
 * @throws {Error} (as a rejection) the file system's errors as they come (ENOENT, EACCES).
 * @example model.loadStateDict(await kiln.load('model.safetensors'));
 */
export async function load(file: string): Promise<Record<string, Tensor>> {
  expectArity('load', arguments, 1);
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
    if (n > BigInt(MAX_HEADER_BYTES) || n > BigInt(size - 8)) {
      const other = await foreignFormat(fh, prefix, size, file);
      if (other !== null) throw err.type('a safetensors file', 'the file', new Said(other));
    }
    if (n > BigInt(MAX_HEADER_BYTES)) throw err.range(`at most ${MAX_HEADER_BYTES} bytes`, 'the header length', new Said(String(n)));
    if (n > BigInt(size - 8)) throw err.range(`at most ${size - 8} bytes (the file's size less 8)`, 'the header length', new Said(String(n)));
    const headerLength = Number(n);
    const header = new Uint8Array(headerLength);
    await readExactly(fh, header, 8, err);
    if (header[0] !== 0x7b) {
      const other = await foreignFormat(fh, prefix, size, file);
      if (other !== null) throw err.type('a safetensors file', 'the file', new Said(other));
    }
    const dataStart = 8 + headerLength;
    const entries = parseHeader(header, size - dataStart, err);

    const out: Record<string, Tensor> = {};
    for (const e of entries) {
      let data: Float32Array;
      if (e.dtype === 'F32') {
        data = new Float32Array(e.numel);
        const bytes = new Uint8Array(data.buffer);
        await readExactly(fh, bytes, dataStart + e.begin, err);
        if (!LITTLE_ENDIAN) swap32(bytes);
      } else {
        const bytes = new Uint8Array(e.end - e.begin);
        await readExactly(fh, bytes, dataStart + e.begin, err);
        data = toFloat32(e.dtype, bytes, e.numel);
      }
      // defineProperty, not assignment: a tensor named '__proto__' must stay a plain entry.
      Object.defineProperty(out, e.name, { value: new Tensor(data, e.shape), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    await fh.close();
  }
}

// save: a state dict to a safetensors file, written atomically.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { Tensor, checkTensor } from '../tensor';
import { rangeError, typeError } from '../errors';
import { checkOptionNames, expectArity } from '../options';
import { LITTLE_ENDIAN, METADATA_KEY, checkPath, swap32 } from './safetensors';
import { isInt64Key, writeInt64 } from './dtypes';

/**
 * The file's bytes: header JSON (tensors in the given order, padded with spaces to 8 bytes)
 * and data. F32, except BatchNorm's num_batches_tracked, which PyTorch keeps as int64: I64,
 * so that torch's load_state_dict gets the dtype it holds.
 */
function encode(stateDict: Record<string, Tensor>, metadata: Record<string, string> | undefined): Buffer {
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  const tensors: [Tensor, boolean][] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(stateDict)) {
    const int64 = isInt64Key(name);
    const end = offset + t.numel * (int64 ? 8 : 4);
    parts.push(`${JSON.stringify(name)}:{"dtype":"${int64 ? 'I64' : 'F32'}","shape":${JSON.stringify(t.shape)},"data_offsets":[${offset},${end}]}`);
    tensors.push([t, int64]);
    offset = end;
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const headerLength = Math.ceil(json.length / 8) * 8;
  const bytes = Buffer.allocUnsafe(8 + headerLength + offset);
  bytes.writeBigUInt64LE(BigInt(headerLength), 0);
  json.copy(bytes, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const [t, int64] of tensors) {
    if (int64) {
      writeInt64(new DataView(bytes.buffer, bytes.byteOffset, bytes.length), at, t.data);
      at += t.numel * 8;
      continue;
    }
    const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    bytes.set(src, at);
    if (!LITTLE_ENDIAN) swap32(bytes.subarray(at, at + src.length));
    at += src.length;
  }
  return bytes;
}

/**
 * Writes a state dict to a safetensors file (F32 tensors in the state dict's order; BatchNorm's
 * `num_batches_tracked` as I64, as PyTorch keeps it), readable by Python's
 * `safetensors.torch.load_file` and by `load`. The file is safetensors whatever its name: a
 * `.pt`, `.pth` or `.bin` name gets a process warning (code KILN_SAVE_EXTENSION, once),
 * since PyTorch users read those as pickles.
 *
 * The tensors are copied when save is called, so training may go on while the file is
 * written. The write is atomic: the bytes go to a temporary file in the same folder
 * (`.<name>.tmp-<pid>-<random>`), which is flushed to disk (fsync) and then renamed over
 * `file`; a crash or error midway leaves any old file intact, and the temporary is removed.
 * @param stateDict names to tensors, e.g. `model.stateDict()`
 * @param file the path to write
 * @param opts `{ metadata? }`: string-to-string pairs stored as the header's `__metadata__`
 * @returns a Promise that resolves when the file is in place
 * @throws {TypeError} (as a rejection) for a stateDict that is not an object of Tensors, a
 *   path that is not a non-empty string, options that are not an object (or with an unknown
 *   key), or metadata that is not an object of strings.
 * @throws {RangeError} (as a rejection) for a tensor named `__metadata__`, or a
 *   `num_batches_tracked` that is not an integer.
 * @throws {Error} (as a rejection) the file system's errors as they come.
 * @example await kiln.save(model.stateDict(), 'model.safetensors');
 */
export async function save(stateDict: Record<string, Tensor>, file: string, opts: { metadata?: Record<string, string> } = {}): Promise<void> {
  expectArity('save', arguments, 2, true);
  const where = 'save';
  if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict) || stateDict instanceof Tensor) {
    throw typeError(where, 'a state dict (an object of Tensors)', 'stateDict', stateDict);
  }
  for (const [name, t] of Object.entries(stateDict)) {
    checkTensor(where, `stateDict['${name}']`, t);
    if (name === METADATA_KEY) throw rangeError(where, `a tensor name other than '${METADATA_KEY}' (reserved by the format)`, 'stateDict', METADATA_KEY);
    if (isInt64Key(name)) {
      const bad = t.data.find((v) => !Number.isInteger(v) || Math.abs(v) >= 2 ** 63);
      if (bad !== undefined) throw rangeError(where, 'integers (a num_batches_tracked buffer is written as I64, as PyTorch keeps it)', `stateDict['${name}']`, bad);
    }
  }
  checkPath(where, 'file', file);
  if (opts === null || typeof opts !== 'object') throw typeError(where, 'an options object', 'options', opts);
  checkOptionNames(where, opts, ['metadata']);
  const { metadata } = opts;
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw typeError(where, 'an object of strings', 'metadata', metadata);
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw typeError(where, 'a string', `metadata['${k}']`, v);
  }
  const bytes = encode(stateDict, metadata);
  warnExtension(file);

  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  let fh: fsp.FileHandle | null = null;
  try {
    fh = await fsp.open(tmp, 'wx', 0o666);
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await fh.write(bytes, written, bytes.length - written, written);
      written += bytesWritten;
    }
    await fh.sync();
    await fh.close();
    fh = null;
    await fsp.rename(tmp, file);
  } catch (e) {
    if (fh) await fh.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dir);
}

let warnedExtension = false;

/**
 * Once per process: a name PyTorch users read as a pickle (`.pt`, `.pth`, `.bin`) holds
 * safetensors here, which torch.load cannot open.
 */
function warnExtension(file: string): void {
  const ext = path.extname(file).toLowerCase();
  if (warnedExtension || (ext !== '.pt' && ext !== '.pth' && ext !== '.bin')) return;
  warnedExtension = true;
  process.emitWarning(
    `save: '${file}' is written in the safetensors format despite its '${ext}' extension, which PyTorch uses for pickles: ` +
      `torch.load cannot read it; read it in Python with safetensors.torch.load_file, or name it '.safetensors'`,
    { code: 'KILN_SAVE_EXTENSION' },
  );
}

/** Flushes the folder's entry for the rename, where the platform allows it (not on Windows). */
async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | null = null;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // Opening or syncing a folder is not supported everywhere; the file itself is synced.
  } finally {
    if (fh) await fh.close().catch(() => undefined);
  }
}

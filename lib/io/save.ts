// save: a state dict to a safetensors file, written atomically.
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createHash, randomBytes } from 'crypto';
import { Tensor, checkTensor } from '../tensor';
import { rangeError, typeError, typeErrorText, rangeErrorText } from '../errors';
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
 * A temporary that a killed writer left behind (its process gone, on this host) is removed
 * by the next save to the same path; a live process's temporary never is.
 * @param stateDict names to tensors, e.g. `model.stateDict()`
 * @param file the path to write
 * @param opts `{ metadata? }`: string-to-string pairs stored as the header's `__metadata__`
 * @returns a Promise that resolves when the file is in place
 * @throws {TypeError} (as a rejection) for a stateDict that is not an object of Tensors, a
 *   path that is not a non-empty string, options that are not an object (or with an unknown
 *   key), metadata that is not an object of strings, or a path that is a directory.
 * @throws {RangeError} (as a rejection) for a tensor named `__metadata__`, a
 *   `num_batches_tracked` that is not an integer, or a path too long for the file system.
 *   The directory and too-long errors (`save: expected ... for file, got '<path>' (<why>)`)
 *   keep the system's `code` (EISDIR, ENAMETOOLONG) and come before anything is written.
 * @throws {Error} (as a rejection) the file system's other errors as they come.
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
  await checkTarget(file);
  const prefix = tempPrefix(path.basename(file));
  await removeStaleTemps(dir, prefix);
  const tmp = path.join(dir, `${prefix}${process.pid}-${HOST_TAG}${randomBytes(3).toString('hex')}`);
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
    throw pathError(file, e);
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

// ---- the file system: the target, temporaries and their names ------------------------------

/** The longest file name (one path component) that common file systems take, in bytes. */
const NAME_MAX = 255;

/**
 * Six hex digits of this host's name, the first half of a temporary's random part: a stale
 * temporary is judged by its writer's pid, which means something only on the host (and in
 * the pid namespace, a container has its own host name) that wrote it.
 */
const HOST_TAG = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 6);

/**
 * The name of a target's temporaries up to the writer's pid: `.<name>.tmp-`, the name cut (on
 * a character) so that the whole temporary's name, with a pid of up to 10 digits, a dash and
 * 12 hex digits, fits in NAME_MAX bytes; a target whose own name fits can then always be saved.
 */
function tempPrefix(base: string): string {
  const room = NAME_MAX - Buffer.byteLength('..tmp-') - 10 - 1 - 12;
  let name = base;
  if (Buffer.byteLength(name) > room) {
    const chars = Array.from(name);
    while (Buffer.byteLength(chars.join('')) > room) chars.pop();
    name = chars.join('');
  }
  return `.${name}.tmp-`;
}

/**
 * Removes the temporaries that a writer killed mid-save (SIGKILL, a power cut) left beside
 * the target: those written on this host by a process that is gone (`kill(pid, 0)` fails with
 * ESRCH). A live process's temporary, this process's own (another save may be writing it),
 * and anything not named exactly as save names them are left alone. Best effort: a failure
 * here never fails the save.
 */
async function removeStaleTemps(dir: string, prefix: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  const tail = new RegExp(`^(\\d{1,10})-${HOST_TAG}[0-9a-f]{6}$`);
  await Promise.all(
    names.map(async (name) => {
      if (!name.startsWith(prefix)) return;
      const m = tail.exec(name.slice(prefix.length));
      if (!m) return;
      const pid = Number(m[1]);
      if (pid === process.pid || isAlive(pid)) return;
      await fsp.unlink(path.join(dir, name)).catch(() => undefined);
    }),
  );
}

/** Whether a process with this pid exists; when unsure (EPERM: another user's), true. */
function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Fails early, before any bytes are written, for a target that cannot be a file: a directory,
 * or a path too long for the file system. Other errors (a missing folder, no permission) come
 * from the write itself.
 */
async function checkTarget(file: string): Promise<void> {
  let st;
  try {
    st = await fsp.stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENAMETOOLONG') throw pathError(file, e);
    return;
  }
  if (st.isDirectory()) {
    throw pathError(file, Object.assign(new Error(`EISDIR: illegal operation on a directory, save '${file}'`), { code: 'EISDIR', errno: -os.constants.errno.EISDIR, syscall: 'stat', path: file }));
  }
}

/**
 * A file-system error about the target said in kiln's format, naming the path and why: a
 * TypeError for a directory (EISDIR), a RangeError for a name or path too long
 * (ENAMETOOLONG). The system's code, errno and syscall are kept, and the original error is
 * the cause. Other errors pass through as they came.
 */
function pathError(file: string, e: unknown): unknown {
  const sys = e as NodeJS.ErrnoException;
  let err: Error;
  if (sys?.code === 'EISDIR') {
    err = typeErrorText('save', 'a path to a file (not a directory)', 'file', `'${file}' (a directory)`);
  } else if (sys?.code === 'ENAMETOOLONG') {
    const longest = path
      .resolve(file)
      .split(path.sep)
      .reduce((a, b) => (Buffer.byteLength(b) > Buffer.byteLength(a) ? b : a), '');
    const bytes = Buffer.byteLength(longest);
    const why = bytes > NAME_MAX ? `a name of ${bytes} bytes, over the file system's limit of ${NAME_MAX}` : `a path of ${Buffer.byteLength(path.resolve(file))} bytes, too long for the file system`;
    err = rangeErrorText('save', 'a path the file system accepts', 'file', `'${file}' (${why}: ENAMETOOLONG)`);
  } else {
    return e;
  }
  return Object.assign(err, { code: sys.code, errno: sys.errno, syscall: sys.syscall, path: file, cause: e });
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

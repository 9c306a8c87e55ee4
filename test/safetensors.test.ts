// save/load in the safetensors format: round trips, files made in Python
// (test/fixtures/gen_safetensors.py), atomic writes, and hostile files.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tensor, load, nn, save, tensor, randn, manualSeed } from '../lib';
import { loadFixture } from './helpers';

interface Fixture {
  tensors: { name: string; shape: number[]; data: string }[];
  metadata: Record<string, string>;
  python_style: string;
  python_style_order: string[];
  kiln_layout: string;
}
const fx = loadFixture<Fixture>('safetensors');
const fromB64 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
};
const fixtureTensors = (): Record<string, Tensor> => {
  const sd: Record<string, Tensor> = {};
  for (const t of fx.tensors) sd[t.name] = new Tensor(fromB64(t.data), t.shape);
  return sd;
};
const bits = (t: Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-st-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

/** Expects a rejection with this error name whose message matches, and names the file. */
async function rejects(p: Promise<unknown>, name: 'TypeError' | 'RangeError', message: RegExp, where?: string): Promise<void> {
  let caught: Error | null = null;
  try {
    await p;
  } catch (e) {
    caught = e as Error;
  }
  if (caught === null) throw new Error(`expected ${name} matching ${message}, but the promise resolved`);
  expect(caught.name).toBe(name);
  expect(caught.message).toMatch(message);
  if (where) expect(caught.message).toContain(`'${where}'`);
}

describe('save and load', () => {
  test('round trip of a model state dict: names, order, shapes, values bit for bit', async () => {
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(5, 4), new nn.ReLU(), new nn.Linear(4, 2));
    const sd = model.stateDict();
    await save(sd, file('model.safetensors'));
    const back = await load(file('model.safetensors'));
    expect(Object.keys(back)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    for (const k of Object.keys(sd)) {
      expect(back[k].shape).toEqual(sd[k].shape);
      expect(bits(back[k])).toBe(bits(sd[k]));
    }
    const fresh = new nn.Sequential(new nn.Linear(5, 4), new nn.ReLU(), new nn.Linear(4, 2));
    fresh.loadStateDict(back);
    const x = randn([3, 5]);
    expect(Array.from((fresh.forward(x) as Tensor).data)).toEqual(Array.from((model.forward(x) as Tensor).data));
  });

  test('the file layout: u64 header length, space-padded JSON to 8 bytes, data in state-dict order', async () => {
    const sd = { b: tensor([1, 2]), a: tensor([[3]]) };
    await save(sd, file('layout.safetensors'));
    const buf = fs.readFileSync(file('layout.safetensors'));
    const n = Number(buf.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const text = buf.subarray(8, 8 + n).toString('utf8');
    expect(text).toBe(`{"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}`.padEnd(n, ' '));
    expect(Array.from(new Float32Array(buf.buffer.slice(buf.byteOffset + 8 + n, buf.byteOffset + buf.length)))).toEqual([1, 2, 3]);
  });

  test("kiln's save writes the Python-made reference file byte for byte (gen_safetensors.py: serialize(list(tensors.items()), metadata))", async () => {
    await save(fixtureTensors(), file('kiln.safetensors'), { metadata: fx.metadata });
    expect(fs.readFileSync(file('kiln.safetensors')).equals(Buffer.from(fx.kiln_layout, 'base64'))).toBe(true);
  });

  test('load reads a file laid out as safetensors.torch.save_file does (metadata first, names sorted)', async () => {
    fs.writeFileSync(file('python.safetensors'), Buffer.from(fx.python_style, 'base64'));
    const back = await load(file('python.safetensors'));
    expect(Object.keys(back)).toEqual(fx.python_style_order);
    for (const t of fx.tensors) {
      expect(back[t.name].shape).toEqual(t.shape);
      expect(bits(back[t.name])).toBe(Buffer.from(t.data, 'base64').toString('hex'));
    }
    expect(back['bn.num_batches_tracked'].item()).toBe(7);
    expect(back.empty.numel).toBe(0);
    expect(Object.is(back.special.data[1], -0)).toBe(true);
  });

  test('a tensor named __proto__ stays a plain entry', async () => {
    const sd: Record<string, Tensor> = {};
    Object.defineProperty(sd, '__proto__', { value: tensor([1]), enumerable: true });
    await save(sd, file('proto.safetensors'));
    const back = await load(file('proto.safetensors'));
    expect(Object.keys(back)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')!.value.data[0]).toBe(1);
  });

  test('the tensors are copied when save is called: later changes do not reach the file', async () => {
    const t = tensor([1, 2, 3]);
    const pending = save({ t }, file('snapshot.safetensors'));
    t.data.fill(9);
    await pending;
    expect(Array.from((await load(file('snapshot.safetensors'))).t.data)).toEqual([1, 2, 3]);
  });

  test('atomic: a temporary in the same folder, fsynced, then renamed over the target; no leftovers', async () => {
    const target = file('atomic.safetensors');
    await save({ w: tensor([1]) }, target);
    const events: string[] = [];
    const probe = await fs.promises.open(target, 'r');
    const handleProto = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    const realSync = handleProto.sync;
    const realRename = fs.promises.rename;
    const sync = jest.spyOn(handleProto, 'sync').mockImplementation(function (this: unknown) {
      events.push('sync');
      return realSync.call(this);
    });
    const rename = jest.spyOn(fs.promises, 'rename').mockImplementation((from, to) => {
      events.push(`rename ${path.basename(String(from))} -> ${path.basename(String(to))}`);
      return realRename(from, to);
    });
    try {
      await save({ w: tensor([2]) }, target);
    } finally {
      rename.mockRestore();
      sync.mockRestore();
    }
    expect(events[0]).toBe('sync');
    expect(events[1]).toMatch(new RegExp(`^rename \\.atomic\\.safetensors\\.tmp-${process.pid}-[0-9a-f]{12} -> atomic\\.safetensors$`));
    expect((await load(target)).w.item()).toBe(2);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  test('a save that fails midway keeps the old file and removes its temporary', async () => {
    const target = file('keep.safetensors');
    await save({ w: tensor([1]) }, target);
    const rename = jest.spyOn(fs.promises, 'rename').mockRejectedValueOnce(Object.assign(new Error('simulated crash before rename'), { code: 'EIO' }));
    try {
      await expect(save({ w: tensor([2, 3]) }, target)).rejects.toThrow('simulated crash before rename');
    } finally {
      rename.mockRestore();
    }
    expect((await load(target)).w.item()).toBe(1);
    // A rename over a folder and a missing folder fail for real; neither leaves a temporary.
    fs.mkdirSync(file('blocked.safetensors'));
    await expect(save({ w: tensor([3]) }, file('blocked.safetensors'))).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|EEXIST|ENOTEMPTY|EPERM/) });
    await expect(save({ w: tensor([3]) }, path.join(dir, 'missing', 'x.safetensors'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  test('save errors: wrong types, reserved name, bad metadata', async () => {
    await rejects(save(null as unknown as Record<string, Tensor>, file('e')), 'TypeError', /save: expected a state dict \(an object of Tensors\) for stateDict, got null/);
    await rejects(save(tensor([1]) as unknown as Record<string, Tensor>, file('e')), 'TypeError', /for stateDict, got a Tensor of shape \[1\]/);
    await rejects(save({ w: [1, 2] as unknown as Tensor }, file('e')), 'TypeError', /save: expected a Tensor for stateDict\['w'\], got \[1, 2\]/);
    await rejects(save({ __metadata__: tensor([1]) }, file('e')), 'RangeError', /tensor name other than '__metadata__'/);
    await rejects(save({ w: tensor([1]) }, 42 as unknown as string), 'TypeError', /save: expected a file path \(a non-empty string\) for file, got 42/);
    await rejects(save({ w: tensor([1]) }, file('e'), { metadata: { epoch: 3 as unknown as string } }), 'TypeError', /save: expected a string for metadata\['epoch'\], got 3/);
    expect(fs.existsSync(file('e'))).toBe(false);
  });
});

// ---- hostile files -----------------------------------------------------------------------

/** A file from a header (an object, serialized, or raw text) and a data section. */
function build(header: unknown, data: Uint8Array | number = 0, { length }: { length?: bigint } = {}): Buffer {
  const text = Buffer.isBuffer(header) ? header : Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length ?? BigInt(text.length));
  return Buffer.concat([prefix, text, typeof data === 'number' ? Buffer.alloc(data) : Buffer.from(data)]);
}

const entry = (shape: unknown, offsets: unknown, dtype: unknown = 'F32') => ({ dtype, shape, data_offsets: offsets });

const hostile: [string, Buffer, 'TypeError' | 'RangeError', RegExp][] = [
  ['shorter than the length prefix', Buffer.alloc(5), 'RangeError', /expected at least 8 bytes \(the header length\) for the file .*, got 5 bytes/],
  ['a header length of 2^63', build('{}', 0, { length: 2n ** 63n }), 'RangeError', /expected at most 100000000 bytes for the header length .*, got 9223372036854775808/],
  ['a header length of 2^64 - 1', build('{}', 0, { length: 2n ** 64n - 1n }), 'RangeError', /got 18446744073709551615/],
  ['a header length past the end of the file', build('{}', 0, { length: 1000n }), 'RangeError', /expected at most 2 bytes \(the file's size less 8\) for the header length .*, got 1000/],
  ['a zero-length header', build('', 0), 'TypeError', /expected a JSON object starting with '\{' for the header/],
  ['invalid UTF-8', build(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 'TypeError', /expected a UTF-8 header .*, got bytes that are not valid UTF-8/],
  ['invalid JSON', build('{"a": {'), 'TypeError', /expected a JSON object for the header .*, got invalid JSON/],
  ['leading whitespace', build(' {}'), 'TypeError', /starting with '\{' for the header .*, got text starting ' \{\}'/],
  ['a JSON array', build('[1, 2]'), 'TypeError', /starting with '\{'/],
  ['NUL padding', build('{}\0\0\0\0\0\0'), 'TypeError', /invalid JSON/],
  ['duplicate tensor names', build('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), 'RangeError', /expected unique keys for the header .*, got the key 'w' twice/],
  ['duplicate names spelled differently', build('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\\u0077":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), 'RangeError', /the key 'w' twice/],
  ['a duplicate field inside an entry', build('{"w":{"dtype":"F16","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), 'RangeError', /the key 'dtype' twice/],
  ['an entry that is not an object', build({ w: [1, 2] }), 'TypeError', /expected an object with dtype, shape and data_offsets for tensor 'w'/],
  // Byte lengths are checked per dtype: numel times the dtype's size.
  ['F16 with the byte length of F32', build({ w: entry([2], [0, 8], 'F16') }, 8), 'RangeError', /expected 4 bytes \(shape \[2\] of F16\) for the data_offsets of tensor 'w' .*, got \[0, 8\), 8 bytes/],
  ['BF16 with the byte length of F32', build({ w: entry([2], [0, 8], 'BF16') }, 8), 'RangeError', /expected 4 bytes \(shape \[2\] of BF16\)/],
  ['I64 with the byte length of F32', build({ w: entry([1], [0, 4], 'I64') }, 4), 'RangeError', /expected 8 bytes \(shape \[1\] of I64\)/],
  ['an unknown dtype', build({ w: entry([1], [0, 4], 'XYZ') }, 4), 'TypeError', /expected one of 'F32', 'F16', 'BF16', 'F64', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL' \(the dtypes PyTorch writes\) for the dtype of tensor 'w' .*, got 'XYZ'/],
  ['a missing dtype', build({ w: { shape: [1], data_offsets: [0, 4] } }, 4), 'TypeError', /expected a dtype string for the dtype of tensor 'w' .*, got undefined/],
  ['a shape that is not an array', build({ w: entry(4, [0, 16]) }, 16), 'TypeError', /expected an array of sizes for the shape of tensor 'w'/],
  ['a negative size', build({ w: entry([-1], [0, 4]) }, 4), 'RangeError', /expected non-negative integer sizes of at most 2147483647 for the shape of tensor 'w' .*, got \[-1\]/],
  ['a fractional size', build({ w: entry([1.5], [0, 6]) }, 6), 'RangeError', /non-negative integer sizes .*, got \[1.5\]/],
  ['a string size', build({ w: entry(['1'], [0, 4]) }, 4), 'TypeError', /an array of sizes for the shape/],
  ['a size past 2^53', build('{"w":{"dtype":"F32","shape":[1e300],"data_offsets":[0,4]}}', 4), 'RangeError', /non-negative integer sizes/],
  ['more elements than a tensor can hold', build({ w: entry([65536, 65536], [0, 4]) }, 4), 'RangeError', /expected at most 2147483647 elements for the shape of tensor 'w'/],
  ['a shape that disagrees with the byte range', build({ w: entry([3], [0, 8]) }, 8), 'RangeError', /expected 12 bytes \(shape \[3\] of F32\) for the data_offsets of tensor 'w' .*, got \[0, 8\), 8 bytes/],
  ['offsets of the wrong length', build({ w: entry([1], [0, 4, 8]) }, 8), 'TypeError', /expected \[begin, end\] for the data_offsets of tensor 'w'/],
  ['string offsets', build({ w: entry([1], ['0', '4']) }, 4), 'TypeError', /\[begin, end\] as integers/],
  ['negative offsets', build({ w: entry([1], [-4, 0]) }, 4), 'RangeError', /expected integers with 0 <= begin <= end <= 4 .* for the data_offsets of tensor 'w' .*, got \[-4, 0\]/],
  ['begin after end', build({ w: entry([0], [4, 0]) }, 4), 'RangeError', /0 <= begin <= end/],
  ['offsets past the data section', build({ w: entry([2], [0, 8]) }, 4), 'RangeError', /end <= 4 \(the data section's size\)/],
  ['fractional offsets', build({ w: entry([1], [0.5, 4.5]) }, 5), 'RangeError', /0 <= begin <= end/],
  ['overlapping tensors', build({ a: entry([2], [0, 8]), b: entry([2], [4, 12]) }, 12), 'RangeError', /tile the data section for tensor 'b' .*, got \[4, 12\), which overlaps tensor 'a' ending at 8/],
  ['the same bytes for two tensors', build({ a: entry([2], [0, 8]), b: entry([2], [0, 8]) }, 8), 'RangeError', /overlaps tensor 'a'/],
  ['a gap between tensors', build({ a: entry([1], [0, 4]), b: entry([1], [8, 12]) }, 12), 'RangeError', /got \[8, 12\), leaving bytes \[4, 8\) unused/],
  ['trailing bytes after the last tensor', build({ a: entry([1], [0, 4]) }, 8), 'RangeError', /expected a data section of 4 bytes \(the end of the last tensor\) for the file .*, got 8 bytes/],
  ['data but no tensors', build({}, 4), 'RangeError', /a data section of 0 bytes/],
  ['metadata that is not an object', build({ __metadata__: 'pt' }), 'TypeError', /expected an object of strings for __metadata__/],
  ['F64 with the byte length of F32', build({ w: entry([1], [0, 4], 'F64') }, 4), 'RangeError', /expected 8 bytes \(shape \[1\] of F64\)/],
  ['I32 with the byte length of I64', build({ w: entry([1], [0, 8], 'I32') }, 8), 'RangeError', /expected 4 bytes \(shape \[1\] of I32\)/],
  ['I16 with the byte length of F32', build({ w: entry([2], [0, 8], 'I16') }, 8), 'RangeError', /expected 4 bytes \(shape \[2\] of I16\)/],
  ['U8 with the byte length of F32', build({ w: entry([4], [0, 16], 'U8') }, 16), 'RangeError', /expected 4 bytes \(shape \[4\] of U8\)/],
  ['BOOL with the byte length of F32', build({ w: entry([4], [0, 16], 'BOOL') }, 16), 'RangeError', /expected 4 bytes \(shape \[4\] of BOOL\)/],
  ['I8 offsets that disagree with the next tensor', build({ a: entry([3], [0, 3], 'I8'), b: entry([1], [4, 12], 'I64') }, 12), 'RangeError', /got \[4, 12\), leaving bytes \[3, 4\) unused/],
  ['dtype F8_E4M3 (not one PyTorch checkpoints hold)', build({ w: entry([4], [0, 4], 'F8_E4M3') }, 4), 'TypeError', /for the dtype of tensor 'w' .*, got 'F8_E4M3'/],
  ['dtype U16', build({ w: entry([2], [0, 4], 'U16') }, 4), 'TypeError', /got 'U16'/],
  ['dtype f32 in lower case', build({ w: entry([1], [0, 4], 'f32') }, 4), 'TypeError', /got 'f32'/],
  ['a 1e12-element tensor', build({ w: entry([1e6, 1e6], [0, 4e12]) }, 4), 'RangeError', /expected at most 2147483647 elements for the shape of tensor 'w'/],
  ['a size of 1e12', build({ w: entry([1e12], [0, 4e12]) }, 4), 'RangeError', /sizes of at most 2147483647 for the shape of tensor 'w' .*, got \[1000000000000\]/],
  ['a shape product past 2^53', build({ w: entry([2 ** 30, 2 ** 30, 2 ** 30], [0, 4]) }, 4), 'RangeError', /expected at most 2147483647 elements/],
  ['an empty tensor with a size past 2^31', build({ w: entry([2 ** 40, 0], [0, 0]) }), 'RangeError', /sizes of at most 2147483647 .*, got \[1099511627776, 0\]/],
  ['an 8 GB tensor in a tiny file', build({ w: entry([2 ** 31 - 1], [0, 4 * (2 ** 31 - 1)]) }, 4), 'RangeError', /end <= 4 \(the data section's size\)/],
  ['a header length of 99,999,999 in a small file', build('{}', 0, { length: 99_999_999n }), 'RangeError', /expected at most 2 bytes \(the file's size less 8\) for the header length/],
  ['a byte-order mark', build(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')])), 'TypeError', /expected a JSON object starting with '\{' for the header/],
  ['JSON nested 100,000 deep', build(`{"w":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), 'TypeError', /expected (a JSON object for the header|an object with dtype, shape and data_offsets for tensor 'w')/],
  ['a metadata value that is not a string', build({ __metadata__: { epoch: 3 } }), 'TypeError', /expected a string for __metadata__\['epoch'\] .*, got 3/],
];

describe('load rejects hostile files with the file and the reason', () => {
  test.each(hostile)('%s', async (name, bytes, kind, message) => {
    const p = file(`hostile-${name.replace(/\W+/g, '-')}.safetensors`);
    fs.writeFileSync(p, bytes);
    await rejects(load(p), kind, message, p);
  });

  test('an empty header with no data is a valid empty file; padding spaces are allowed', async () => {
    fs.writeFileSync(file('empty.safetensors'), build('{}      '));
    expect(await load(file('empty.safetensors'))).toEqual({});
  });

  test('allocation stays bounded: hostile headers are rejected before their tensors are allocated, 200 times over', async () => {
    // An 8 GB tensor claimed in a 40-byte file, and a 1e12-element one: each would show in
    // arrayBuffers at once (V8 counts a backing store when it is made, committed or not).
    const files = [
      build({ w: entry([2 ** 31 - 1], [0, 4 * (2 ** 31 - 1)]) }, 4),
      build({ w: entry([1e6, 1e6], [0, 4e12]) }, 4),
      build('{}', 0, { length: 99_999_999n }),
    ].map((bytes, i) => {
      const p = file(`bounded-${i}.safetensors`);
      fs.writeFileSync(p, bytes);
      return p;
    });
    const before = process.memoryUsage().arrayBuffers;
    let rejected = 0;
    for (let k = 0; k < 200; k++) {
      await load(files[k % files.length]).catch((e: Error) => {
        expect(e.name).toBe('RangeError');
        rejected++;
      });
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
    }
    expect(rejected).toBe(200);
  });

  test('nothing leaks from failed loads and saves: file descriptors and temporaries', async () => {
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const hostileFile = file('fd-hostile.safetensors');
    fs.writeFileSync(hostileFile, build({ w: entry([3], [0, 8]) }, 8));
    fs.mkdirSync(file('fd-target'), { recursive: true });
    fs.writeFileSync(path.join(file('fd-target'), 'keep'), 'x');
    const open = fds();
    for (let k = 0; k < 100; k++) {
      await expect(load(hostileFile)).rejects.toMatchObject({ name: 'RangeError' });
      // Saving to a folder is refused before anything is written; a folder that appears at the
      // rename, after the temporary was written, is covered in save-paths.test.ts.
      await expect(save({ w: tensor([1, 2]) }, file('fd-target'))).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    }
    expect(fds()).toBe(open);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  test('a path that is not a regular file is rejected at once: a FIFO (which would block open), a device, a directory', async () => {
    const fifo = file('fifo');
    execFileSync('mkfifo', [fifo]);
    await rejects(load(fifo), 'TypeError', /^load: expected a regular file for file in '.*fifo', got a FIFO$/, fifo);
    if (fs.existsSync('/dev/zero')) await rejects(load('/dev/zero'), 'TypeError', /expected a regular file for file in '\/dev\/zero', got a character device/, '/dev/zero');
    await rejects(load(dir), 'TypeError', /expected a regular file for file in '.*', got a directory/, dir);
  });

  test('load errors: a bad path argument, a missing file', async () => {
    await rejects(load(7 as unknown as string), 'TypeError', /load: expected a file path \(a non-empty string\) for file, got 7/);
    await expect(load(file('nope.safetensors'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('random mutations of a valid file: load never crashes, only resolves or rejects with TypeError/RangeError', async () => {
    // mulberry32: a seeded stream, so a failure replays.
    let s = 12345;
    const rand = () => {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const base = Buffer.from(fx.python_style, 'base64');
    const headerEnd = 8 + Number(base.readBigUInt64LE(0));
    const p = file('fuzz.safetensors');
    const outcomes: Record<string, number> = {};
    for (let k = 0; k < 400; k++) {
      let b = Buffer.from(base);
      const kind = k % 5;
      const at = () => Math.floor(rand() * (kind < 3 ? headerEnd : b.length));
      if (kind === 0 || kind === 3) for (let m = 1 + Math.floor(rand() * 4); m > 0; m--) b[at()] = Math.floor(rand() * 256);
      if (kind === 1) b[at()] = '{}[],:"0123456789-.e '.charCodeAt(Math.floor(rand() * 21));
      if (kind === 2) b = Buffer.concat([b.subarray(0, at()), b.subarray(at())]);
      if (kind === 4) b = b.subarray(0, at());
      fs.writeFileSync(p, b);
      try {
        const back = await load(p);
        for (const t of Object.values(back)) expect(t).toBeInstanceOf(Tensor);
        outcomes.ok = (outcomes.ok ?? 0) + 1;
      } catch (e) {
        const name = (e as Error).name;
        if (name !== 'TypeError' && name !== 'RangeError') throw new Error(`mutation ${k}: ${name}: ${(e as Error).message}`);
        expect((e as Error).message).toContain(p);
        outcomes[name] = (outcomes[name] ?? 0) + 1;
      }
    }
    // Both kinds of rejection occur, and some mutations (in the data bytes) still load.
    expect(outcomes.TypeError).toBeGreaterThan(0);
    expect(outcomes.RangeError).toBeGreaterThan(0);
    expect(outcomes.ok).toBeGreaterThan(0);
  });
});

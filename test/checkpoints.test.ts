// PyTorch checkpoints into kiln: every dtype PyTorch writes, BatchNorm's I64
// num_batches_tracked, models trained in PyTorch 1.13 (test/fixtures/gen_checkpoints.py) and
// files PyTorch 2.11 wrote with the safetensors package (../shared/fixtures/pytorch-2.11/),
// pickles recognised for what they are, and the warning for a .pt name on save.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tensor, load, nn, save, tensor } from '../lib';
import { expectClose, loadFixture } from './helpers';

interface Fixture {
  bn_float32: string;
  bn_float16: string;
  bn_bfloat16: string;
  bn_io: string;
  bn_keys: string[];
  dtypes: string;
  dtypes_expected: { name: string; dtype: string; shape: number[]; data: string }[];
  f16_all_sha256: string;
  bf16_all_sha256: string;
  pickle_zip: string;
  pickle_legacy: string;
}
const fx = loadFixture<Fixture>('checkpoints');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-ckpt-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes fixture bytes (base64) or a buffer to a file in the temporary folder; returns its path. */
function put(name: string, bytes: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof bytes === 'string' ? Buffer.from(bytes, 'base64') : bytes);
  return p;
}

/** The header of a safetensors file, parsed. */
function header(p: string): Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> {
  const buf = fs.readFileSync(p);
  const n = Number(buf.readBigUInt64LE(0));
  const h = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  delete h.__metadata__;
  return h;
}

/** A safetensors file from [name, dtype, shape, raw bytes] in order. */
function build(items: [string, string, number[], Buffer][]): Buffer {
  const h: Record<string, unknown> = {};
  let at = 0;
  for (const [name, dtype, shape, data] of items) {
    h[name] = { dtype, shape, data_offsets: [at, at + data.length] };
    at += data.length;
  }
  const text = Buffer.from(JSON.stringify(h));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([prefix, text, ...items.map((i) => i[3])]);
}

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
/** Float32 bit patterns, NaN as 0x7fc00000 (payloads are not part of the contract). */
const canonicalBits = (a: Float32Array) => bitsOf(a).map((b, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : b));

// Mirrors gen_checkpoints.py's model:
//   nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(64, 16),
//     nn.BatchNorm1d(16), nn.GELU(), nn.Dropout(0.1), nn.Linear(16, 8), nn.LayerNorm(8), nn.Tanh(), nn.Linear(8, 3))
const bnModel = () =>
  new nn.Sequential(
    new nn.Conv2d(1, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Flatten(), new nn.Linear(64, 16),
    new nn.BatchNorm1d(16), new nn.GELU(), new nn.Dropout(0.1), new nn.Linear(16, 8), new nn.LayerNorm(8), new nn.Tanh(), new nn.Linear(8, 3),
  );

describe('every dtype PyTorch writes converts to float32 as torch\'s t.float() does', () => {
  test('the hand-made dtypes file: values bit for bit, at unaligned offsets', async () => {
    const p = put('dtypes.safetensors', fx.dtypes);
    const h = header(p);
    // Most tensors sit at offsets that are not a multiple of their element size.
    const sizes: Record<string, number> = { F16: 2, BF16: 2, I16: 2, I32: 4, F32: 4, I64: 8, F64: 8 };
    const unaligned = Object.values(h).filter((e) => sizes[e.dtype] && e.data_offsets[0] % sizes[e.dtype] !== 0);
    expect(unaligned.length).toBeGreaterThanOrEqual(5);
    const back = await load(p);
    expect(Object.keys(back)).toEqual(fx.dtypes_expected.map((e) => e.name));
    for (const e of fx.dtypes_expected) {
      expect([e.name, h[e.name].dtype]).toEqual([e.name, e.dtype]);
      expect(back[e.name].shape).toEqual(e.shape);
      const b = Buffer.from(e.data, 'base64');
      const want = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
      expect([e.name, canonicalBits(back[e.name].data)]).toEqual([e.name, canonicalBits(want)]);
    }
  });

  test('named cases: F16 subnormals and specials, BF16, I8 negative, U8 255, BOOL, I64 large and negative, F64', async () => {
    const back = await load(put('dtypes2.safetensors', fx.dtypes));
    const f16 = Array.from(back.f16.data);
    expect(f16.slice(0, 10)).toEqual([0, -0, 2 ** -24, -(2 ** -24), 1023 * 2 ** -24, 2 ** -14, 1, 0.333251953125, 65504, -65504]);
    expect(Object.is(f16[1], -0)).toBe(true);
    expect(f16.slice(10, 12)).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(f16[12]) && Number.isNaN(f16[13])).toBe(true);
    expect(Array.from(back.bf16.data).slice(0, 7)).toEqual([0, -0, 2 ** -133, 127 * 2 ** -133, 2 ** -126, 1, 0.333984375]);
    expect(back.i8.data[0]).toBe(-128);
    expect(back.i8.data[127]).toBe(-1);
    expect(back.u8.data[255]).toBe(255);
    expect(Array.from(back.bool.data)).toEqual([1, 0, 1, 1, 0]);
    const i64 = Array.from(back.i64.data);
    expect(i64.slice(0, 7)).toEqual([0, 1, -1, 5, 2 ** 24, -(2 ** 24), 2 ** 31]);
    // Past 2^53, one rounding to float32 (ties to even); Math.fround(Number(v)) would get the third wrong.
    expect(i64.slice(9, 12)).toEqual([2 ** 60, 2 ** 60 + 2 ** 38, 2 ** 60 + 2 ** 37]);
    expect(Math.fround(Number(2n ** 60n + 2n ** 36n + 1n))).toBe(2 ** 60); // the double rounding avoided
    expect(i64.slice(13, 15)).toEqual([2 ** 63, -(2 ** 63)]);
    expect(back.scalar_i64.shape).toEqual([]);
    expect(back.scalar_i64.item()).toBe(7);
    expect(Array.from(back.i16.data)).toEqual([0, 1, -1, 32767, -32768, 12345]);
    expect(Array.from(back.i32.data).slice(4, 6)).toEqual([2 ** 31, -(2 ** 31)]);
    const f64 = Array.from(back.f64.data);
    expect(f64.slice(4, 6)).toEqual([0, 2 ** -149]); // 1e-46 underflows, 1.4e-45 is the least subnormal
    expect(f64[8]).toBe(Infinity); // 3.5e38 overflows float32
    expect(f64.slice(12, 14)).toEqual([1, 1 + 2 ** -23]); // a tie to even, and just past it
    expect(back.empty_f16.shape).toEqual([0, 3]);
  });

  test.each([
    ['F16', 'f16_all_sha256'],
    ['BF16', 'bf16_all_sha256'],
  ] as const)('all 65,536 %s bit patterns match torch (sha256 of the float32 bits)', async (dtype, key) => {
    const raw = Buffer.alloc(2 * 65536);
    for (let i = 0; i < 65536; i++) raw.writeUInt16LE(i, 2 * i);
    // One byte of U8 first, so the 16-bit data starts at an odd offset.
    const back = await load(put(`all-${dtype}.safetensors`, build([['pad', 'U8', [1], Buffer.from([9])], ['all', dtype, [65536], raw]])));
    const bits = Uint32Array.from(canonicalBits(back.all.data));
    expect(createHash('sha256').update(Buffer.from(bits.buffer)).digest('hex')).toBe(fx[key]);
  });

  test('BOOL takes any non-zero byte as true', async () => {
    const back = await load(put('bool.safetensors', build([['b', 'BOOL', [4], Buffer.from([0, 1, 2, 255])]])));
    expect(Array.from(back.b.data)).toEqual([0, 1, 1, 1]);
  });
});

describe('a BatchNorm model trained in PyTorch 1.13 loads into kiln and gives its eval output', () => {
  test.each([
    ['float32', 'F32', 'y', 1e-5],
    ['float16', 'F16', 'y_from_float16', 1e-5],
    ['bfloat16', 'BF16', 'y_from_bfloat16', 1e-5],
  ] as const)('%s weights, num_batches_tracked as I64', async (tag, dtype, yKey, rtol) => {
    const p = put(`bn_${tag}.safetensors`, fx[`bn_${tag}`]);
    const h = header(p);
    for (const [k, e] of Object.entries(h)) expect([k, e.dtype]).toEqual([k, k.endsWith('num_batches_tracked') ? 'I64' : dtype]);
    const sd = await load(p);
    const io = await load(put('bn_io.safetensors', fx.bn_io));
    const model = bnModel();
    expect(Object.keys(model.stateDict()).sort()).toEqual([...fx.bn_keys].sort());
    model.loadStateDict(sd);
    model.eval();
    expect((model.get(1) as nn.BatchNorm2d).numBatchesTracked!.data[0]).toBe(5);
    expect((model.get(5) as nn.BatchNorm1d).numBatchesTracked!.data[0]).toBe(5);
    expectClose(model.forward(io.x) as Tensor, io[yKey], { rtol, atol: 1e-6, label: `${tag} eval output` });
  });

  test('save writes num_batches_tracked as I64 and the rest as F32; load(save(x)) gives x back', async () => {
    const model = bnModel();
    model.loadStateDict(await load(put('bn32.safetensors', fx.bn_float32)));
    const out = path.join(dir, 'kiln-bn.safetensors');
    await save(model.stateDict(), out);
    const h = header(out);
    expect(Object.keys(h)).toEqual(Object.keys(model.stateDict()));
    for (const [k, e] of Object.entries(h)) {
      const int64 = k.endsWith('.num_batches_tracked');
      expect([k, e.dtype, e.data_offsets[1] - e.data_offsets[0]]).toEqual([k, int64 ? 'I64' : 'F32', model.stateDict()[k].numel * (int64 ? 8 : 4)]);
    }
    const buf = fs.readFileSync(out);
    const dataStart = 8 + Number(buf.readBigUInt64LE(0));
    expect(buf.readBigInt64LE(dataStart + h['1.num_batches_tracked'].data_offsets[0])).toBe(5n);
    const back = await load(out);
    for (const [k, t] of Object.entries(model.stateDict())) expect([k, bitsOf(back[k].data)]).toEqual([k, bitsOf(t.data)]);
    // And into a fresh model, F32 counter or I64 alike.
    const fresh = bnModel();
    fresh.loadStateDict(back);
    expect((fresh.get(1) as nn.BatchNorm2d).numBatchesTracked!.data[0]).toBe(5);
  });

  test('a num_batches_tracked that is not an integer cannot be written as I64', async () => {
    const bad = save({ 'bn.num_batches_tracked': tensor(1.5) }, path.join(dir, 'bad.safetensors'));
    await expect(bad).rejects.toMatchObject({ name: 'RangeError' });
    await expect(save({ num_batches_tracked: tensor(NaN) }, path.join(dir, 'bad.safetensors'))).rejects.toThrow(
      /^save: expected integers \(a num_batches_tracked buffer is written as I64, as PyTorch keeps it\) for stateDict\['num_batches_tracked'\], got NaN$/,
    );
    expect(fs.existsSync(path.join(dir, 'bad.safetensors'))).toBe(false);
  });
});

// ---- files PyTorch 2.11 wrote with the safetensors package --------------------------------

const shared = path.resolve(__dirname, '..', '..', 'shared', 'fixtures', 'pytorch-2.11');
const sharedFile = (name: string) => {
  const p = path.join(shared, name);
  if (!fs.existsSync(p)) throw new Error(`missing ${p}: the PyTorch 2.11 fixtures live in ../shared/fixtures/pytorch-2.11/ beside the repository`);
  return p;
};

describe('checkpoints written by PyTorch 2.11 (../shared/fixtures/pytorch-2.11)', () => {
  // Mirrors the README's model:
  //   nn.Sequential(nn.Linear(784, 64, bias=False), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.2),
  //     nn.Linear(64, 32), nn.LayerNorm(32), nn.GELU(), nn.Linear(32, 16), nn.RMSNorm(16), nn.Tanh(), nn.Linear(16, 10))
  const mlpBn = () =>
    new nn.Sequential(
      new nn.Linear(784, 64, { bias: false }), new nn.BatchNorm1d(64), new nn.ReLU(), new nn.Dropout(0.2),
      new nn.Linear(64, 32), new nn.LayerNorm(32), new nn.GELU(), new nn.Linear(32, 16), new nn.RMSNorm(16), new nn.Tanh(), new nn.Linear(16, 10),
    );

  test.each([
    ['mlp_bn.safetensors', 'y'],
    ['mlp_bn_float16.safetensors', 'y_from_float16'],
  ])('%s loads into the kiln model and matches PyTorch (%s)', async (name, yKey) => {
    const sd = await load(sharedFile(name));
    expect(header(sharedFile(name))['1.num_batches_tracked'].dtype).toBe('I64');
    const io = await load(sharedFile('mlp_bn_io.safetensors'));
    const model = mlpBn();
    model.loadStateDict(sd);
    model.eval();
    expect((model.get(1) as nn.BatchNorm1d).numBatchesTracked!.data[0]).toBe(sd['1.num_batches_tracked'].item());
    expect(sd['1.num_batches_tracked'].item()).toBeGreaterThan(0);
    expectClose(model.forward(io.x) as Tensor, io[yKey], { rtol: 1e-5, atol: 1e-6, label: name });
  });

  test('the LSTM files load with their dtypes, shapes and values (BF16 weights, I64 token ids)', async () => {
    const p = sharedFile('lstm_lm_bfloat16.safetensors');
    const h = header(p);
    const sd = await load(p);
    const buf = fs.readFileSync(p);
    const dataStart = 8 + Number(buf.readBigUInt64LE(0));
    expect(Object.keys(sd).sort()).toEqual(Object.keys(h).sort());
    expect(sd['rnn.weight_ih_l0'].shape).toEqual([128, 16]);
    expect(sd['emb.weight'].shape).toEqual([50, 16]);
    for (const [k, e] of Object.entries(h)) {
      expect([k, e.dtype]).toEqual([k, 'BF16']);
      expect([k, sd[k].shape]).toEqual([k, e.shape]);
      // Each float32 is the BF16 pattern in its top half, the low half zero.
      const bits = bitsOf(sd[k].data);
      for (let i = 0; i < bits.length; i++) {
        const want = buf.readUInt16LE(dataStart + e.data_offsets[0] + 2 * i) * 65536;
        if (bits[i] !== want) throw new Error(`${k}[${i}]: bits ${bits[i].toString(16)}, expected ${want.toString(16)}`);
      }
    }
    const io = await load(sharedFile('lstm_lm_io.safetensors'));
    expect(header(sharedFile('lstm_lm_io.safetensors')).ids_i64.dtype).toBe('I64');
    expect(io.ids_i64.shape).toEqual([4, 10]);
    expect(Array.from(io.ids_i64.data)).toEqual(Array.from(io.ids_f32.data));
    expect(Array.from(io.ids_i64.data).every((v) => Number.isInteger(v) && v >= 0 && v < 50)).toBe(true);
    expect(io.y.shape).toEqual([4, 10, 50]);
  });

  test('the bfloat16 LSTM language model runs in kiln and matches PyTorch (y_from_bfloat16)', async () => {
    // The README's LM: Embedding(50, 16, padding_idx=0) -> LSTM(16, 32, num_layers=2, batch_first) -> LayerNorm(32) -> Linear(32, 50).
    class LM extends nn.Module {
      emb = new nn.Embedding(50, 16, { paddingIdx: 0 });
      rnn = new nn.LSTM(16, 32, { numLayers: 2, batchFirst: true });
      norm = new nn.LayerNorm(32);
      head = new nn.Linear(32, 50);
      override forward(ids: Tensor): Tensor {
        const [y] = this.rnn.forward(this.emb.forward(ids) as Tensor);
        return this.head.forward(this.norm.forward(y) as Tensor) as Tensor;
      }
    }
    const sd = await load(sharedFile('lstm_lm_bfloat16.safetensors'));
    const io = await load(sharedFile('lstm_lm_io.safetensors'));
    const model = new LM();
    expect(Object.keys(model.stateDict()).sort()).toEqual(Object.keys(sd).sort());
    model.loadStateDict(sd);
    model.eval();
    const y = model.forward(io.ids_f32);
    expect(y.shape).toEqual([4, 10, 50]);
    expectClose(y, io.y_from_bfloat16, { rtol: 1e-5, atol: 1e-5, label: 'lstm_lm bfloat16 eval output' });
  });
});

// ---- other file formats ---------------------------------------------------------------------

describe('load names the other formats it is given', () => {
  async function rejection(p: string): Promise<Error> {
    try {
      await load(p);
    } catch (e) {
      return e as Error;
    }
    throw new Error(`load('${p}') resolved`);
  }

  test.each([
    ['a torch.save zip archive (.pt)', 'model.pt', 'pickle_zip', /^load: expected a safetensors file for the file in '.*model\.pt', got a PyTorch pickle checkpoint \(torch\.save's zip format\), not safetensors; convert it in Python with safetensors\.torch\.save_file\(model\.state_dict\(\), 'model\.safetensors'\) \(pip install safetensors; for a saved state dict, save_file\(torch\.load\('.*model\.pt', map_location='cpu'\), 'model\.safetensors'\)\)$/],
    ['a legacy torch.save pickle (.pth)', 'legacy.pth', 'pickle_legacy', /^load: expected a safetensors file for the file in '.*legacy\.pth', got a Python pickle \(protocol 2; torch\.save's legacy format writes one\), not safetensors; if it is a PyTorch checkpoint, convert it in Python with safetensors\.torch\.save_file/],
  ] as const)('%s', async (_, name, key, message) => {
    const e = await rejection(put(name, fx[key]));
    expect(e.name).toBe('TypeError');
    expect(e.message).toMatch(message);
  });

  test('a pickle of protocol 4 and a zip that is not from torch.save', async () => {
    const pickle4 = Buffer.from('80049510000000000000007d948c0161944b01732e', 'hex'); // pickle.dumps({'a': 1}, protocol=4)
    const e1 = await rejection(put('obj.pkl', pickle4));
    expect([e1.name, e1.message]).toEqual(['TypeError', expect.stringMatching(/got a Python pickle \(protocol 4; /)]);
    const zip = Buffer.concat([Buffer.from('504b0304140000000000', 'hex'), Buffer.alloc(16), Buffer.from([5, 0, 0, 0]), Buffer.from('x.npy'), Buffer.alloc(40)]);
    const e2 = await rejection(put('arrays.npz', zip));
    expect([e2.name, e2.message]).toEqual(['TypeError', expect.stringMatching(/^load: expected a safetensors file for the file in '.*arrays\.npz', got a zip archive \(its first entry 'x\.npy'\), not safetensors$/)]);
  });

  test('a valid safetensors file whose header length starts 0x80 0x02 is not taken for a pickle', async () => {
    // A 640-byte header: its length reads 80 02 00 00 ..., a pickle's first two bytes.
    const text = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, __metadata__: { pad: 'x'.repeat(560) } }));
    expect(text.length).toBe(640);
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(640n);
    expect(prefix.subarray(0, 2)).toEqual(Buffer.from([0x80, 0x02]));
    const back = await load(put('looks-like-pickle.safetensors', Buffer.concat([prefix, text, Buffer.from(new Float32Array([2.5]).buffer)])));
    expect(back.w.item()).toBe(2.5);
  });
});

describe("save to a '.pt', '.pth' or '.bin' name", () => {
  test('writes safetensors and warns once (KILN_SAVE_EXTENSION); a .safetensors name does not warn', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await save({ w: tensor([1, 2]) }, path.join(dir, 'plain.safetensors'));
      expect(warn).not.toHaveBeenCalled();
      // A save refused for its arguments does not warn either.
      await expect(save({ w: tensor([1]) }, path.join(dir, 'x.pt'), { metadata: { a: 1 as unknown as string } })).rejects.toMatchObject({ name: 'TypeError' });
      expect(warn).not.toHaveBeenCalled();
      await save({ w: tensor([1, 2]) }, path.join(dir, 'model.pt'));
      await save({ w: tensor([3]) }, path.join(dir, 'model.pth'));
      await save({ w: tensor([4]) }, path.join(dir, 'model.BIN'));
      expect(warn).toHaveBeenCalledTimes(1);
      const [message, opts] = warn.mock.calls[0] as [string, { code: string }];
      expect(opts.code).toBe('KILN_SAVE_EXTENSION');
      expect(message).toMatch(/^save: '.*model\.pt' is written in the safetensors format despite its '\.pt' extension, which PyTorch uses for pickles: torch\.load cannot read it; read it in Python with safetensors\.torch\.load_file, or name it '\.safetensors'$/);
    } finally {
      warn.mockRestore();
    }
    expect(Array.from((await load(path.join(dir, 'model.pt'))).w.data)).toEqual([1, 2]);
    expect((await load(path.join(dir, 'model.pth'))).w.item()).toBe(3);
    expect((await load(path.join(dir, 'model.BIN'))).w.item()).toBe(4);
  });
});

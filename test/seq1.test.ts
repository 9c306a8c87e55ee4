// Issue 11's sequence pieces against PyTorch (test/fixtures/gen_seq1.py): Embedding, Conv1d,
// MaxPool1d, AvgPool1d, NLLLoss and CrossEntropy's ignoreIndex; finite differences for each
// native backward; bad input.
import { Tensor, tensor, nn, Generator, manualSeed } from '../lib';
import { native } from '../lib/native';
import { expectClose, expectError, expectSameOnTwoThreads, gradCheck, loadFixture, seeded } from './helpers';

const F = nn.functional;

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface T {
  shape: number[];
  data: Num[];
}
type Nested = number | Nested[];
interface Fixture {
  embedding: Record<string, { ids: Nested[]; idsShape: number[]; weight: T; opts: { paddingIdx?: number }; out: T; w: T; dweight: T }>;
  conv1d: Record<string, { x: T; weight: T; bias: T | null; opts: { stride: number; padding: number }; out: T; w: T; dx: T; dweight: T; dbias: T | null }>;
  pool1d: Record<string, { kind: 'max' | 'avg'; k: number; opts: Record<string, unknown>; x: T; out: T; w: T; dx: T }>;
  losses: Record<string, { kind: 'nllLoss' | 'crossEntropy'; input: T; target: Nested[]; opts: Record<string, unknown>; weight: T | null; out: T; w: T; dinput: T }>;
}
const fx = loadFixture<Fixture>('seq1');
const nums = (d: Num[]) => d.map((v) => (typeof v === 'number' ? v : Number(v)));
const t = (x: T, requiresGrad = false) => tensor(new Float32Array(nums(x.data)), { shape: x.shape, requiresGrad });
const flatIds = (ids: Nested[]) => (ids as unknown[]).flat(Infinity as 1) as number[];

/** sum(y * w).backward(), or y.backward() for a scalar, as the generator does. */
function backward(y: Tensor, w: T): void {
  if (y.ndim === 0) y.backward();
  else y.mul(t(w)).sum().backward();
}

describe('Embedding matches PyTorch', () => {
  for (const [name, c] of Object.entries(fx.embedding)) {
    // y = F.embedding(ids, weight, padding_idx=p); (y * w).sum().backward()
    const forms: [string, (ids: Nested[]) => Parameters<typeof F.embedding>[0]][] = [
      ['number[]', (ids) => ids],
      ['Tensor', (ids) => tensor(new Float32Array(flatIds(ids)), { shape: c.idsShape })],
      ...(c.idsShape.length === 1 ? [['Int32Array', (ids: Nested[]) => Int32Array.from(ids as number[])] as [string, (ids: Nested[]) => Int32Array]] : []),
    ];
    for (const [form, make] of forms) {
      test(`${name} (ids as ${form})`, () => {
        const weight = t(c.weight, true);
        const y = F.embedding(make(c.ids), weight, c.opts);
        expect(y.shape).toEqual(c.out.shape);
        expectClose(y, nums(c.out.data), { rtol: 0, atol: 0, label: 'out' });
        backward(y, c.w);
        expectClose(weight.grad!, nums(c.dweight.data), { rtol: 1e-5, atol: 1e-6, label: 'dweight' });
      });
    }
  }

  test('the paddingIdx row gets no gradient and stays put through an optimiser step', () => {
    const c = fx.embedding['2d ids with paddingIdx'];
    const emb = new nn.Embedding(6, 4, { paddingIdx: 0 });
    emb.weight.data.set(t(c.weight).data);
    const before = emb.weight.data.slice(0, 4);
    const y = emb.forward(c.ids);
    backward(y, c.w);
    expect(Array.from(emb.weight.grad!.data.slice(0, 4))).toEqual([0, 0, 0, 0]);
    for (let i = 0; i < emb.weight.numel; i++) emb.weight.data[i] -= 0.5 * emb.weight.grad!.data[i];
    expect(emb.weight.data.slice(0, 4)).toEqual(before);
  });

  test('init: weight N(0, 1) with the paddingIdx row zero; negative paddingIdx counts from the end; key weight', () => {
    manualSeed(3);
    const emb = new nn.Embedding(400, 50, { paddingIdx: -2 });
    expect(emb.paddingIdx).toBe(398);
    expect(Object.keys(emb.stateDict())).toEqual(['weight']);
    expect(emb.weight.shape).toEqual([400, 50]);
    const d = emb.weight.data;
    expect(Array.from(d.slice(398 * 50, 399 * 50)).every((v) => v === 0)).toBe(true);
    let s = 0;
    let s2 = 0;
    for (const v of d) {
      s += v;
      s2 += v * v;
    }
    const n = d.length - 50;
    // 19950 draws: the mean's standard error is 0.007, the variance's 0.01.
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
    expect(emb.extraRepr()).toBe('400, 50, padding_idx=398');
    const g1 = new nn.Embedding(5, 3, { generator: new Generator(1) });
    const g2 = new nn.Embedding(5, 3, { generator: new Generator(1) });
    expect(g1.weight.data).toEqual(g2.weight.data);
  });

  test('forward of any shape gives [...ids.shape, embeddingDim], an empty batch included', () => {
    const emb = new nn.Embedding(4, 3);
    expect(emb.forward(tensor([[[1], [2]]])).shape).toEqual([1, 2, 1, 3]);
    expect(emb.forward(tensor(2)).shape).toEqual([3]);
    expect(emb.forward([]).shape).toEqual([0, 3]);
  });

  test('fromPretrained shares the weights, frozen by default (PyTorch from_pretrained)', () => {
    const w = tensor([[1, 2], [3, 4], [5, 6]]);
    const frozen = nn.Embedding.fromPretrained(w);
    expect(frozen.weight.requiresGrad).toBe(false);
    expect(frozen.weight.data).toBe(w.data);
    expect([frozen.numEmbeddings, frozen.embeddingDim]).toEqual([3, 2]);
    expect(frozen.forward([2, 0]).toArray()).toEqual([[5, 6], [1, 2]]);
    const live = nn.Embedding.fromPretrained(w, { freeze: false, paddingIdx: 1 });
    expect(live.weight.requiresGrad).toBe(true);
    expect(live.weight.data[2]).toBe(3); // the padding row keeps its values
    live.forward([1, 1, 2]).sum().backward();
    expect(Array.from(live.weight.grad!.data)).toEqual([0, 0, 0, 0, 1, 1]);
  });

  test('maxNorm renormalises the looked-up rows in place, as PyTorch embedding_renorm_', () => {
    // PyTorch: emb = nn.Embedding(3, 2, max_norm=1.0); emb.weight = [[3, 4], [0.3, 0.4], [6, 8]]; emb(tensor([0, 1, 0]))
    // -> rows 0 scaled by 1 / (5 + 1e-7); row 1 kept; row 2 untouched (not looked up).
    const emb = nn.Embedding.fromPretrained(tensor([[3, 4], [0.3, 0.4], [6, 8]]), { maxNorm: 1 });
    const y = emb.forward([0, 1, 0]);
    expectClose(y, [0.6, 0.8, 0.3, 0.4, 0.6, 0.8], { rtol: 1e-6, atol: 1e-7 });
    expectClose(emb.weight, [0.6, 0.8, 0.3, 0.4, 6, 8], { rtol: 1e-6, atol: 1e-7 });
  });

  test('finite differences through the native scatter-add (repeated ids)', () => {
    const w = tensor(seeded(30, 1), { shape: [6, 5], requiresGrad: true });
    // (The paddingIdx row's gradient is 0 by definition, not by the derivative: the fixtures check it.)
    gradCheck((a) => F.embedding([[1, 4, 1], [5, 1, 2]], a, { paddingIdx: 3 }), [w]);
    gradCheck((a) => F.embedding([0, 0, 0, 3], a), [w]);
  });

  test('the scatter-add is deterministic: 1 and 2 threads give the same bits', () => {
    const V = 50;
    const E = 96;
    const ids = Int32Array.from({ length: 3000 }, (_, i) => (i * 7919) % V);
    const dout = seeded(ids.length * E, 2);
    expectSameOnTwoThreads(() => {
      const dw = new Float32Array(V * E);
      native.embeddingBackward(dw, dout, ids, ids.length, V, E, 3);
      return [dw];
    });
  });

  test('bad input: out-of-range or non-integer ids name the id; bad sizes and options', () => {
    const emb = new nn.Embedding(10, 3);
    expectError(() => emb.forward([1, 10]), 'RangeError', /^Embedding\.forward: expected ids in \[0, 10\) for ids\[1\], got 10$/);
    expectError(() => emb.forward(tensor([[1, -1]])), 'RangeError', /^Embedding\.forward: expected ids in \[0, 10\) for ids\[1\], got -1$/);
    expectError(() => emb.forward(tensor([1.5])), 'RangeError', /^Embedding\.forward: expected integer ids for ids\[0\], got 1\.5$/);
    expectError(() => emb.forward(Int32Array.from([3, 12])), 'RangeError', /ids in \[0, 10\) for ids\[1\], got 12/);
    expectError(() => emb.forward([[1, 2], [3]]), 'RangeError', /^Embedding\.forward: expected a rectangular nested array of shape \[2, 2\] for ids, got length 1 at ids\[1\]$/);
    expectError(() => emb.forward(['1'] as unknown as number[]), 'TypeError', /^Embedding\.forward: expected an id \(a number\) for ids\[0\], got '1'$/);
    expectError(() => emb.forward('abc' as unknown as number[]), 'TypeError', /^Embedding\.forward: expected integer ids \(a Tensor, an Int32Array or a nested array of numbers\) for ids, got 'abc'$/);
    expectError(() => new nn.Embedding(10, 3, { paddingIdx: 10 }), 'RangeError', /^Embedding: expected paddingIdx in \[-10, 10\) \(numEmbeddings 10\) for paddingIdx, got 10$/);
    expectError(() => new nn.Embedding(10, 3, { paddingIdx: -11 }), 'RangeError', /paddingIdx, got -11$/);
    expectError(() => new nn.Embedding(0, 3), 'RangeError', /^Embedding: expected an integer in \[1, 2147483647\] for numEmbeddings, got 0$/);
    expectError(() => new nn.Embedding(10, 3, { scaleGradByFreq: true }), 'RangeError', /^Embedding: expected scaleGradByFreq false \(not implemented in kiln\) for scaleGradByFreq, got true$/);
    expectError(() => new nn.Embedding(10, 3, { sparse: true }), 'RangeError', /sparse false \(not implemented in kiln\)/);
    expectError(() => new nn.Embedding(10, 3, { maxNorm: 0 }), 'RangeError', /^Embedding: expected a positive number for maxNorm, got 0$/);
    expectError(() => new nn.Embedding(10, 3, { padding_idx: 0 } as {}), 'TypeError', /did you mean paddingIdx/);
    expectError(() => new nn.Embedding(10, 3, 0 as unknown as {}), 'TypeError', /PyTorch's 3rd argument is paddingIdx: pass \{ paddingIdx: 0 \}/);
    expectError(() => F.embedding([0], tensor([1, 2])), 'RangeError', /^embedding: expected a 2-D weight \(numEmbeddings, embeddingDim\) for weight, got \[2\]$/);
    expectError(() => nn.Embedding.fromPretrained(tensor([1, 2])), 'RangeError', /^Embedding\.fromPretrained: expected a 2-D tensor/);
    // Found by the API fuzz: a table with no rows blamed numEmbeddings, which the caller never passed.
    expectError(() => nn.Embedding.fromPretrained(tensor(new Float32Array(0), { shape: [0, 2] })), 'RangeError', /^Embedding\.fromPretrained: expected a 2-D tensor with at least one row \(numEmbeddings >= 1\) for embeddings, got \[0, 2\]$/);
    expectError(() => native.embeddingForward(new Float32Array(3), new Float32Array(30), Int32Array.from([10]), 1, 10, 3), 'RangeError', /^embeddingForward: expected ids in \[0, 10\) for ids, got 10 at index 0$/);
  });
});

describe('Conv1d matches PyTorch', () => {
  for (const [name, c] of Object.entries(fx.conv1d)) {
    test(name, () => {
      // y = F.conv1d(x, w, b, stride=s, padding=p); (y * w).sum().backward()
      const x = t(c.x, true);
      const weight = t(c.weight, true);
      const bias = c.bias ? t(c.bias, true) : null;
      const y = F.conv1d(x, weight, { bias, ...c.opts });
      expect(y.shape).toEqual(c.out.shape);
      expectClose(y, nums(c.out.data), { rtol: 1e-5, atol: 1e-5, label: 'out' });
      backward(y, c.w);
      expectClose(x.grad!, nums(c.dx.data), { rtol: 1e-4, atol: 1e-5, label: 'dx' });
      expectClose(weight.grad!, nums(c.dweight.data), { rtol: 1e-4, atol: 1e-5, label: 'dweight' });
      if (bias) expectClose(bias.grad!, nums(c.dbias!.data), { rtol: 1e-4, atol: 1e-5, label: 'dbias' });
    });
  }

  test('the module: PyTorch init bounds, keys, shapes, repr, unbatched input', () => {
    const conv = new nn.Conv1d(4, 6, 3, { padding: 1, generator: new Generator(2) });
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    expect(conv.weight.shape).toEqual([6, 4, 3]);
    const bound = 1 / Math.sqrt(4 * 3);
    for (const v of conv.weight.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    for (const v of conv.bias!.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    expect(conv.forward(tensor(seeded(2 * 4 * 7, 1), { shape: [2, 4, 7] })).shape).toEqual([2, 6, 7]);
    expect(conv.forward(tensor(seeded(4 * 7, 1), { shape: [4, 7] })).shape).toEqual([6, 7]);
    expect(conv.extraRepr()).toBe('4, 6, kernel_size=(3,), stride=(1,), padding=(1,)');
    expect(new nn.Conv1d(2, 3, [5], { bias: false, stride: 2 }).extraRepr()).toBe('2, 3, kernel_size=(5,), stride=(2,), bias=False');
  });

  test('finite differences for input, weight and bias', () => {
    const x = tensor(seeded(2 * 3 * 7, 1), { shape: [2, 3, 7], requiresGrad: true });
    const w = tensor(seeded(4 * 3 * 3, 2), { shape: [4, 3, 3], requiresGrad: true });
    const b = tensor(seeded(4, 3), { shape: [4], requiresGrad: true });
    gradCheck((a, ww, bb) => F.conv1d(a, ww, { bias: bb, stride: 2, padding: 1 }), [x, w, b]);
  });

  test('bad input: channel mismatch names both shapes; sizes; options', () => {
    const conv = new nn.Conv1d(3, 4, 2, { generator: new Generator(1) });
    expectError(() => conv.forward(tensor(seeded(2 * 5 * 7, 1), { shape: [2, 5, 7] })), 'RangeError', /^Conv1d\.forward: expected an input with 3 channels \(weight \[4, 3, 2\]\) for input, got \[2, 5, 7\]$/);
    expectError(() => conv.forward(tensor(seeded(6, 1), { shape: [1, 1, 3, 2] })), 'RangeError', /^Conv1d\.forward: expected a 3-D input \(N, C, L\) or a 2-D input \(C, L\) for input, got \[1, 1, 3, 2\]$/);
    expectError(() => conv.forward(tensor(seeded(3, 1), { shape: [1, 3, 1] })), 'RangeError', /^Conv1d\.forward: expected the kernel to fit the padded input for weight, got input length 1, kernel 2, stride 1, padding 0 \(output length 0\)$/);
    expectError(() => new nn.Conv1d(3, 4, 0), 'RangeError', /^Conv1d: expected an integer in \[1, 2147483647\] for kernelSize, got 0$/);
    expectError(() => new nn.Conv1d(3, 4, [2, 2]), 'RangeError', /^Conv1d: expected a number or a one-element array for kernelSize, got \[2, 2\]$/);
    expectError(() => new nn.Conv1d(3, 4, 2, { stride: 1.5 }), 'RangeError', /for stride, got 1\.5$/);
    expectError(() => new nn.Conv1d(3, 4, 2, 2 as unknown as {}), 'TypeError', /PyTorch's 4th argument is stride: pass \{ stride: 2 \}/);
    expectError(() => F.conv1d(tensor(seeded(6, 1), { shape: [1, 3, 2] }), tensor(seeded(6, 1), { shape: [2, 3, 1] }), { bias: tensor([1]) }), 'RangeError', /^conv1d: expected a bias of shape \[2\] \(weight \[2, 3, 1\]\) for bias, got \[1\]$/);
  });
});

describe('MaxPool1d and AvgPool1d match PyTorch', () => {
  for (const [name, c] of Object.entries(fx.pool1d)) {
    test(name, () => {
      // y = F.max_pool1d(x, k, stride=s, padding=p) / F.avg_pool1d(x, k, stride=s, padding=p, count_include_pad=c)
      const x = t(c.x, true);
      const y = c.kind === 'max' ? F.maxPool1d(x, c.k, c.opts) : F.avgPool1d(x, c.k, c.opts);
      expect(y.shape).toEqual(c.out.shape);
      expectClose(y, nums(c.out.data), { rtol: 1e-6, atol: 1e-6, label: 'out' });
      backward(y, c.w);
      expectClose(x.grad!, nums(c.dx.data), { rtol: 1e-5, atol: 1e-6, label: 'dx' });
      // The module gives the same.
      const o = c.opts as { stride: number | null; padding: number; countIncludePad?: boolean };
      const m = c.kind === 'max' ? new nn.MaxPool1d(c.k, { stride: o.stride, padding: o.padding }) : new nn.AvgPool1d(c.k, o);
      expectClose(m.forward(t(c.x)), nums(c.out.data), { rtol: 0, atol: 0, label: 'module out' });
    });
  }

  test('finite differences', () => {
    const x = tensor(seeded(2 * 2 * 9, 4), { shape: [2, 2, 9], requiresGrad: true });
    gradCheck((a) => F.maxPool1d(a, 3, { stride: 2, padding: 1 }), [x], { eps: 1e-3 });
    gradCheck((a) => F.avgPool1d(a, 3, { stride: 2, padding: 1, countIncludePad: false }), [x]);
  });

  test('repr and bad input', () => {
    expect(new nn.MaxPool1d(2).extraRepr()).toBe('kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False');
    expect(new nn.AvgPool1d(3, { stride: 1, padding: 1 }).extraRepr()).toBe('kernel_size=(3,), stride=(1,), padding=(1,)');
    expectError(() => new nn.MaxPool1d(2, { padding: 2 }), 'RangeError', /^MaxPool1d: expected at most half the kernelSize 2 for padding, got 2$/);
    expectError(() => F.avgPool1d(tensor(seeded(6, 1), { shape: [1, 2, 3] }), 4), 'RangeError', /^avgPool1d: expected the kernel to fit the padded input for kernelSize, got input length 3, kernel 4/);
    expectError(() => F.maxPool1d(tensor(seeded(6, 1), { shape: [6] }), 2), 'RangeError', /^maxPool1d: expected a 3-D input \(N, C, L\) or a 2-D input \(C, L\) for input, got \[6\]$/);
    expectError(() => new nn.AvgPool1d(2, { ceilMode: true } as {}), 'TypeError', /^AvgPool1d: expected an option among stride, padding, countIncludePad for option name, got 'ceilMode'/);
  });
});

describe('NLLLoss and CrossEntropy ignoreIndex match PyTorch', () => {
  for (const [name, c] of Object.entries(fx.losses)) {
    test(name, () => {
      // y = F.nll_loss(lp, t, weight=w, ignore_index=i, reduction=r) / F.cross_entropy(x, t, weight=w, ignore_index=i, reduction=r, label_smoothing=ls)
      const x = t(c.input, true);
      const opts = { ...c.opts, ...(c.weight ? { weight: t(c.weight) } : {}) };
      const y = c.kind === 'nllLoss' ? F.nllLoss(x, c.target as number[], opts) : F.crossEntropy(x, c.target as number[], opts);
      expect(y.shape).toEqual(c.out.shape);
      expectClose(y, nums(c.out.data), { rtol: 1e-5, atol: 1e-6, label: 'out' });
      backward(y, c.w);
      expectClose(x.grad!, nums(c.dinput.data), { rtol: 1e-4, atol: 1e-6, label: 'dinput' });
      // The module, with targets as a Tensor, gives the same.
      const tt = tensor(new Float32Array(flatIds(c.target)), { shape: [c.input.shape[0], ...c.input.shape.slice(2)] });
      const { reduction, ignoreIndex, labelSmoothing } = c.opts as { reduction: 'mean'; ignoreIndex?: number; labelSmoothing?: number };
      const weight = c.weight ? t(c.weight) : null;
      const m = c.kind === 'nllLoss' ? new nn.NLLLoss({ reduction, ignoreIndex, weight }) : new nn.CrossEntropyLoss({ reduction, ignoreIndex, weight, labelSmoothing });
      expectClose(m.forward(t(c.input), tt), nums(c.out.data), { rtol: 1e-5, atol: 1e-6, label: 'module out' });
    });
  }

  test('NLL after logSoftmax equals crossEntropy (and its gradient)', () => {
    const x1 = tensor(seeded(24, 5), { shape: [6, 4], requiresGrad: true });
    const x2 = tensor(seeded(24, 5), { shape: [6, 4], requiresGrad: true });
    const target = [1, -100, 3, 0, 0, 2];
    const a = F.nllLoss(x1.logSoftmax(1), target);
    const b = F.crossEntropy(x2, target);
    expectClose(a, b, { rtol: 1e-6, atol: 1e-6 });
    a.backward();
    b.backward();
    expectClose(x1.grad!, x2.grad!, { rtol: 1e-5, atol: 1e-6 });
  });

  test('finite differences with ignored rows (CE native kernel, both layouts, and NLL)', () => {
    const x = tensor(seeded(2 * 3 * 4, 6), { shape: [2, 3, 4], requiresGrad: true });
    const tgt = [[0, 2, -100, 1], [-100, 1, 1, 2]];
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradCheck((a) => F.crossEntropy(a, tgt, { reduction, labelSmoothing: 0.1 }), [x]);
      gradCheck((a) => F.crossEntropy(a, tgt, { reduction, weight: tensor([0.5, 2, 1]) }), [x]);
      gradCheck((a) => F.nllLoss(a, tgt, { reduction, weight: tensor([0.5, 2, 1]) }), [x]);
    }
    const x2 = tensor(seeded(15, 7), { shape: [5, 3], requiresGrad: true });
    gradCheck((a) => F.crossEntropy(a, [2, 7, 0, 7, 1], { ignoreIndex: 7 }), [x2]);
  });

  test('an all-ignored batch: mean is NaN, sum 0, gradients 0 (as PyTorch)', () => {
    const x = tensor(seeded(6, 1), { shape: [2, 3], requiresGrad: true });
    const m = F.crossEntropy(x, [-100, -100]);
    expect(Number.isNaN(m.item())).toBe(true);
    m.backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(F.nllLoss(x, [-100, -100], { reduction: 'sum' }).item()).toBe(0);
  });

  test('bad input: a target that is neither ignoreIndex nor a class; options', () => {
    const x = tensor(seeded(6, 1), { shape: [2, 3] });
    expectError(() => F.nllLoss(x, [0, 3]), 'RangeError', /^nllLoss: expected a class index in \[0, 3\) for target\[1\], got 3$/);
    expectError(() => F.nllLoss(x, [0, -1]), 'RangeError', /^nllLoss: expected a class index in \[0, 3\) for target\[1\], got -1$/);
    expectError(() => F.crossEntropy(x, [0, -100], { ignoreIndex: -1 }), 'RangeError', /^crossEntropy: expected a class index in \[0, 3\) for target\[1\], got -100$/);
    expectError(() => new nn.NLLLoss().forward(x, [0.5, 1]), 'RangeError', /^NLLLoss\.forward: expected an integer class index for target\[0\], got 0\.5$/);
    expectError(() => new nn.CrossEntropyLoss({ ignoreIndex: 0.5 }), 'RangeError', /^CrossEntropyLoss: expected an integer >= -9007199254740991 for ignoreIndex, got 0\.5$/);
    expectError(() => new nn.NLLLoss({ ignore_index: 0 } as {}), 'TypeError', /did you mean ignoreIndex/);
    expectError(() => new nn.NLLLoss({ weight: tensor([1, 2]) }).forward(x, [0, 1]), 'RangeError', /^NLLLoss\.forward: expected shape \[3\] \(one per class\) for weight, got \[2\]$/);
    expectError(() => F.nllLoss(tensor([1, 2, 3]), [0]), 'RangeError', /^nllLoss: expected shape \(N, C\) or \(N, C, d1, \.\.\.\) for input, got \[3\]$/);
    expectError(() => F.nllLoss(tensor(seeded(12, 1), { shape: [2, 3, 2] }), [[0, 1]]), 'RangeError', /^nllLoss: expected shape \[2, 2\] \(the input's is \[2, 3, 2\]\) for target, got \[1, 2\]$/);
    expectError(() => native.crossentropyForward(new Float32Array(1), new Float32Array(1), new Float32Array(3), Int32Array.from([-1]), 1, 3, 1, 0, -100), 'RangeError', /^crossentropyForward: expected class indices in \[0, 3\) or ignoreIndex for targets, got -1 at index 0$/);
  });
});

// Issue 17's tensor ops against PyTorch 1.13 (test/fixtures/gen_ops2.py writes ops2.json):
// forward values and indices, and the input gradients of sum(out * w) for a fixed w, per case;
// then finite-difference checks and one error test per kind of bad input.
import * as kiln from '../lib';
import { Tensor, tensor, nn } from '../lib';
import { expectClose, gradCheck, loadFixture } from './helpers';

type Num = number | string;
interface FT { shape: number[]; data: Num[] }
interface Case { inputs: FT[]; requiresGrad: boolean[]; out: FT[]; w: (FT | null)[]; grads: (FT | null)[] }

const fixtures = loadFixture<Record<string, Case>>('ops2');
const num = (v: Num) => (typeof v === 'number' ? v : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : NaN);
const toT = (f: FT, requiresGrad = false) => tensor(new Float32Array(f.data.map(num)), { shape: f.shape, requiresGrad });

type Out = Tensor | Tensor[] | { values: Tensor; indices: Tensor };
const pair = (r: { values: Tensor; indices: Tensor }) => [r.values, r.indices];

// Each entry repeats the PyTorch call of gen_ops2.py with the same name.
const CALLS: Record<string, (...x: Tensor[]) => Out> = {
  where_broadcast: (c, x, y) => kiln.where(c, x, y), // torch.where(c > 0, x, y)
  where_scalar_other: (c, x) => kiln.where(c, x, 0.5),
  where_method: (x, c, y) => x.where(c, y),
  clamp_both: (x) => x.clamp(-0.5, 0.5),
  clamp_min: (x) => x.clamp(0),
  clamp_max: (x) => x.clamp(undefined, 0.3),
  clamp_min_gt_max: (x) => x.clamp(1, -1),
  clamp_tensors: (x, lo, hi) => x.clamp(lo, hi),
  clamp_tensor_min: (x, lo) => kiln.clamp(x, lo),
  maximum_broadcast: (x, y) => kiln.maximum(x, y),
  minimum_broadcast: (x, y) => kiln.minimum(x, y),
  maximum_method: (x, y) => x.maximum(y),
  min_dim: (x) => pair(x.min(1)),
  min_dim_keep: (x) => pair(x.min(-1, true)),
  max_dim_neg: (x) => pair(x.max(-2)),
  min_all_ties: (x) => x.min(),
  amax_dims: (x) => x.amax([0, 2]),
  amin_keep: (x) => x.amin(1, true),
  amax_all: (x) => kiln.amax(x),
  var_all: (x) => x.var(),
  var_dim: (x) => x.var(1),
  var_dims_keep_c0: (x) => x.var([0, 2], { correction: 0, keepDim: true }),
  var_unbiased_false: (x) => x.var(-1, { unbiased: false }),
  var_c2: (x) => kiln.var(x, 0, { correction: 2 }),
  std_all: (x) => x.std(),
  std_dim_keep: (x) => x.std(-1, { keepDim: true }),
  std_c0: (x) => kiln.std(x, [0, 1], { correction: 0 }),
  norm_2: (x) => x.norm(),
  norm_1_dim: (x) => x.norm(1, 1),
  norm_3_keep: (x) => x.norm(3, -1, true),
  norm_half: (x) => x.norm(0.5, 0),
  norm_inf: (x) => x.norm(Infinity, 1),
  norm_neginf: (x) => x.norm(-Infinity, 1),
  norm_fro_dims: (x) => kiln.norm(x, 'fro', [0, 2]),
  norm_0: (x) => x.norm(0, 1),
  cumsum_0: (x) => x.cumsum(0),
  cumsum_neg: (x) => kiln.cumsum(x, -1),
  sort_last: (x) => pair(x.sort()),
  sort_desc_dim0: (x) => pair(x.sort({ dim: 0, descending: true })),
  sort_stable_desc: (x) => pair(kiln.sort(x, { dim: -1, descending: true, stable: true })),
  argsort: (x) => x.argsort({ dim: 1 }),
  argsort_desc: (x) => kiln.argsort(x, { dim: 0, descending: true }),
  topk_last: (x) => pair(x.topk(3)),
  topk_smallest_dim0: (x) => pair(kiln.topk(x, 2, { dim: 0, largest: false })),
  cat_dim1: (x, y, z) => kiln.cat([x, y, z], 1),
  cat_neg_dim: (x, y) => kiln.cat([x, y], -3),
  stack_dim1: (x, y) => kiln.stack([x, y], 1),
  stack_neg: (x, y, z) => kiln.stack([x, y, z], -1),
  split_int: (x) => x.split(2, 1),
  split_sizes: (x) => kiln.split(x, [1, 3, 1], -1),
  chunk_3: (x) => x.chunk(3, 0),
  chunk_fewer: (x) => kiln.chunk(x, 4, 1),
  narrow_neg: (x) => x.narrow(1, -3, 2),
  slice_step: (x) => x.slice(1, 1, 5, 2), // t[:, 1:5:2]
  slice_neg_clamped: (x) => x.slice(0, -10, -1), // t[-10:-1]
  select_neg: (x) => x.select(1, -2),
  select_0: (x) => kiln.select(x, 0, 2),
  index_select_dup: (x, i) => x.indexSelect(1, i),
  gather_1: (x, i) => x.gather(1, i),
  gather_0_smaller: (x, i) => kiln.gather(x, 0, i),
  scatter_src: (x, i, s) => x.scatter(1, i, s),
  scatter_value: (x, i) => kiln.scatter(x, 0, i, 2.5),
  scatter_add_dup: (x, i, s) => x.scatterAdd(0, i, s),
  masked_fill_broadcast: (x, m) => x.maskedFill(m, -1.5),
  masked_fill_grow: (x, m) => kiln.maskedFill(x, m, 0.25),
  expand: (x) => x.expand(2, 3, -1),
  expand_ones: (x) => x.expand([2, -1, 4]),
  repeat: (x) => x.repeat(2, 1, 3),
  repeat_same: (x) => x.repeat([2, 2]),
  one_hot: (i) => nn.functional.oneHot(i, 5),
  one_hot_infer: (i) => nn.functional.oneHot(i),
};
for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) {
  CALLS[`${op}_broadcast`] = (x, y) => (op === 'eq' ? kiln.eq(x, y) : x[op](y));
  CALLS[`${op}_scalar`] = (x) => x[op](1);
}

test('every fixture case has a kiln call, and every call a fixture', () => {
  expect(Object.keys(fixtures).sort()).toEqual(Object.keys(CALLS).sort());
});

describe.each(Object.keys(fixtures))('%s matches PyTorch', (name) => {
  test('forward and backward', () => {
    const c = fixtures[name];
    const xs = c.inputs.map((f, k) => toT(f, c.requiresGrad[k]));
    const r = CALLS[name](...xs);
    const outs = Array.isArray(r) ? r : r instanceof Tensor ? [r] : pair(r);
    expect(outs.length).toBe(c.out.length);
    outs.forEach((o, k) => {
      expect(o.shape).toEqual(c.out[k].shape);
      expectClose(o, c.out[k].data.map(num), { rtol: 1e-5, atol: 1e-5, label: `${name} out[${k}]` });
    });
    let loss: Tensor | null = null;
    outs.forEach((o, k) => {
      const w = c.w[k];
      if (!w) return;
      expect(o.requiresGrad).toBe(true);
      const term = o.mul(toT(w)).sum();
      loss = loss ? loss.add(term) : term;
    });
    if (loss) (loss as Tensor).backward();
    xs.forEach((x, k) => {
      const g = c.grads[k];
      // PyTorch leaves no gradient where the op's backward is zero (norm with p = 0).
      if (g) expectClose(x.grad!, g.data.map(num), { rtol: 1e-4, atol: 1e-5, label: `${name} grad[${k}]` });
      else if (x.grad) expect(Array.from(x.grad.data).every((v) => v === 0)).toBe(true);
    });
  });
});

// ---- finite differences: every backward, on inputs without ties (where the derivative exists) ----

const r = (shape: number[], seed: number, requiresGrad = true) => {
  const n = shape.reduce((a, b) => a * b, 1);
  // Distinct values (no ties, none at a clamp bound) so that every op is differentiable there.
  const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 2.3 + seed) * 2 + i * 0.01);
  return tensor(data, { shape, requiresGrad });
};

describe('gradient checks (central differences)', () => {
  const cases: [string, (...x: Tensor[]) => Tensor, Tensor[]][] = [
    ['where', (x, y) => kiln.where(tensor([1, 0, 1]), x, y), [r([2, 3], 1), r([3], 2)]],
    ['clamp numbers', (x) => x.clamp(-0.7, 0.9), [r([3, 4], 3)]],
    ['clamp tensors', (x, lo, hi) => x.clamp(lo, hi), [r([3, 4], 4), r([4], 5).mul(0.3).sub(1).detach().requiresGrad_(), r([3, 1], 6).mul(0.3).add(1).detach().requiresGrad_()]],
    ['maximum', (x, y) => kiln.maximum(x, y), [tensor([[1.3, 0.2, -1.1], [-0.4, 2.1, 0.9]], { requiresGrad: true }), tensor([0.5, -1.2, 2.5], { requiresGrad: true })]],
    ['minimum', (x, y) => x.minimum(y), [tensor([[1.3, 0.2, -1.1], [-0.4, 2.1, 0.9]], { requiresGrad: true }), tensor([[0.5], [0.1]], { requiresGrad: true })]],
    ['min(dim)', (x) => x.min(1), [r([3, 4], 11)]],
    ['amax', (x) => x.amax([0, 2], true), [r([2, 3, 4], 12)]],
    ['amin', (x) => x.amin(), [r([2, 3], 13)]],
    ['var', (x) => x.var(1, { correction: 0 }), [r([3, 5], 14)]],
    ['std', (x) => x.std([0, 1], { keepDim: true }), [r([3, 4, 2], 15)]],
    ['norm 2', (x) => x.norm(2, 1), [r([3, 4], 16)]],
    ['norm 3', (x) => x.norm(3), [r([3, 4], 17)]],
    ['norm inf', (x) => x.norm(Infinity, 0), [r([3, 4], 18)]],
    ['norm -inf', (x) => x.norm(-Infinity, -1), [r([3, 4], 19)]],
    ['cumsum', (x) => x.cumsum(-2), [r([2, 3, 4], 20)]],
    ['sort', (x) => x.sort({ dim: 0, descending: true }).values, [r([4, 3], 21)]],
    ['topk', (x) => x.topk(2, { dim: 1 }).values, [r([3, 5], 22)]],
    ['cat', (x, y) => kiln.cat([x, y], -1), [r([2, 3], 23), r([2, 2], 24)]],
    ['stack', (x, y) => kiln.stack([x, y], 2), [r([2, 3], 25), r([2, 3], 26)]],
    ['split', (x) => x.split(2, 1)[1], [r([3, 5], 27)]],
    ['chunk', (x) => x.chunk(3)[2], [r([7, 2], 28)]],
    ['narrow', (x) => x.narrow(0, 1, 2), [r([4, 3], 29)]],
    ['slice', (x) => x.slice(1, -4, undefined, 3), [r([2, 7], 30)]],
    ['select', (x) => x.select(-1, 1), [r([2, 3, 4], 31)]],
    ['indexSelect', (x) => x.indexSelect(0, [2, 2, 0]), [r([3, 4], 32)]],
    ['gather', (x) => x.gather(1, tensor([[0, 0], [2, 1]])), [r([2, 3], 33)]],
    ['scatter', (x, s) => x.scatter(0, [[1, 0, 2]], s), [r([3, 3], 34), r([2, 4], 35)]],
    ['scatterAdd', (x, s) => x.scatterAdd(1, [[0, 0], [1, 1]], s), [r([2, 3], 36), r([2, 2], 37)]],
    ['maskedFill', (x) => x.maskedFill(tensor([1, 0, 0, 1]), 0), [r([3, 4], 38)]],
    ['expand', (x) => x.expand(2, -1, 3), [r([4, 1], 39)]],
    ['repeat', (x) => x.repeat(3, 2), [r([2], 40)]],
  ];
  test.each(cases)('%s', (_name, f, inputs) => gradCheck(f, inputs, { label: _name }));
});

// ---- behaviour beyond the fixtures ----

test('the comparison result is 0/1 float32 with no gradient, and numbers compare at float32 precision', () => {
  const x = tensor([0.1, 0.2], { requiresGrad: true });
  const y = x.eq(0.1); // torch: tensor([0.1, 0.2]) == 0.1 -> [True, False]
  expect(Array.from(y.data)).toEqual([1, 0]);
  expect(y.requiresGrad).toBe(false);
});

test('topk orders tied elements by index; sorted: false still returns them sorted', () => {
  const { values, indices } = tensor([1, 3, 1, 3, 2]).topk(3, { sorted: false });
  expect(Array.from(values.data)).toEqual([3, 3, 2]);
  expect(Array.from(indices.data)).toEqual([1, 3, 4]);
});

test('scatter: src larger than index gets zero gradient outside index (torch 1.13 errors there)', () => {
  const x = kiln.zeros([2, 3]).requiresGrad_();
  const src = kiln.ones([2, 3]).requiresGrad_();
  x.scatter(1, [[2], [0]], src).sum().backward();
  expect(Array.from(src.grad!.data)).toEqual([1, 0, 0, 1, 0, 0]);
  expect(Array.from(x.grad!.data)).toEqual([1, 1, 0, 0, 1, 1]);
});

test('cat skips legacy 1-D empty tensors, as PyTorch; chunk of an empty dimension gives `chunks` pieces', () => {
  expect(kiln.cat([kiln.zeros([0]), kiln.ones([2, 2])], 1).shape).toEqual([2, 2]);
  expect(kiln.zeros([0]).chunk(3).map((t) => t.shape)).toEqual([[0], [0], [0]]);
});

test('index arguments: Tensor, Int32Array and number[] give the same result', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  const a = x.indexSelect(1, tensor([2, 0]));
  expect(x.indexSelect(1, new Int32Array([2, 0])).toArray()).toEqual(a.toArray());
  expect(x.indexSelect(1, [2, 0]).toArray()).toEqual([[3, 1], [6, 4]]);
});

test('function forms: squeeze, unsqueeze and permute as torch.X', () => {
  const x = kiln.zeros([2, 1, 3]);
  expect(kiln.squeeze(x).shape).toEqual([2, 3]);
  expect(kiln.unsqueeze(x, -1).shape).toEqual([2, 1, 3, 1]);
  expect(kiln.permute(x, [2, 0, 1]).shape).toEqual([3, 2, 1]);
  expect(kiln.max(tensor([[1, 5], [7, 2]]), 1).indices.toArray()).toEqual([1, 0]);
});

// ---- errors: one per kind of bad input ----

const expectErr = (f: () => unknown, name: 'TypeError' | 'RangeError', re: RegExp) => {
  let err: Error | null = null;
  try {
    f();
  } catch (e) {
    err = e as Error;
  }
  expect(err).not.toBeNull();
  expect(err!.name).toBe(name);
  expect(err!.message).toMatch(re);
};

describe('bad input', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  test('bad dim', () => {
    expectErr(() => x.cumsum(2), 'RangeError', /^Tensor\.cumsum: expected an integer in \[-2, 1\] for dim, got 2$/);
    expectErr(() => x.sort({ dim: -3 }), 'RangeError', /^Tensor\.sort: expected an integer in \[-2, 1\] for dim, got -3$/);
    expectErr(() => kiln.cat([x, x], 1.5), 'RangeError', /^cat: expected an integer in \[-2, 1\] for dim, got 1\.5$/);
    expectErr(() => x.amax([0, 0]), 'RangeError', /^Tensor\.amax: expected distinct dimensions for dim, got \[0, 0\]$/);
    expectErr(() => tensor(3).narrow(0, 0, 1), 'RangeError', /^Tensor\.narrow: expected a tensor with at least 1 dimension for input, got shape \[\]$/);
  });
  test('index out of range', () => {
    expectErr(() => x.gather(1, [[0, 3], [1, 1]]), 'RangeError', /^Tensor\.gather: expected integers in \[0, 2\] \(positions along dim 1 of input \[2, 3\]\) for index, got 3 at flat position 1 of shape \[2, 2\]$/);
    expectErr(() => x.indexSelect(0, [-1]), 'RangeError', /^Tensor\.indexSelect: expected integers in \[0, 1\] \(positions along dim 0 of input \[2, 3\]\) for index, got -1 at flat position 0$/);
    expectErr(() => x.select(1, 3), 'RangeError', /^Tensor\.select: expected an integer in \[-3, 2\] for index, got 3$/);
    expectErr(() => x.narrow(1, 2, 2), 'RangeError', /^Tensor\.narrow: expected a length of at most 1 .* for length, got 2$/);
    expectErr(() => nn.functional.oneHot([0, 3], 3), 'RangeError', /^oneHot: expected integers in \[0, 2\] for input, got 3 at flat position 1$/);
  });
  test('non-integer index', () => {
    expectErr(() => x.gather(0, tensor([[0.5, 0, 0]])), 'RangeError', /^Tensor\.gather: expected integers in \[0, 1\] .* for index, got 0\.5 at flat position 0/);
    expectErr(() => x.scatter(0, [[NaN, 0, 0]], 1), 'RangeError', /for index, got NaN at flat position 0/);
    expectErr(() => x.indexSelect(0, 'abc' as unknown as number[]), 'TypeError', /^Tensor\.indexSelect: expected a Tensor, an Int32Array or nested arrays of integers for index, got 'abc'$/);
  });
  test('shape mismatch in cat, stack, gather, scatter, where, split', () => {
    expectErr(() => kiln.cat([x, kiln.zeros([3, 3])], 1), 'RangeError', /^cat: expected a Tensor of shape \[2, \*\] \(as tensors\[0\] outside dim 1\) for tensors\[1\], got a Tensor of shape \[3, 3\]$/);
    expectErr(() => kiln.cat([x, kiln.zeros([2])], 0), 'RangeError', /for tensors\[1\], got a Tensor of shape \[2\]$/);
    expectErr(() => kiln.cat([], 0), 'RangeError', /^cat: expected a non-empty array of Tensors for tensors, got \[\]$/);
    expectErr(() => kiln.stack([x, x.t()]), 'RangeError', /^stack: expected a Tensor of shape \[2, 3\] \(as tensors\[0\]\) for tensors\[1\], got a Tensor of shape \[3, 2\]$/);
    expectErr(() => x.gather(1, [0, 1]), 'RangeError', /^Tensor\.gather: expected an index with as many dimensions as input \(2\) for index/);
    expectErr(() => x.gather(1, [[0], [1], [0]]), 'RangeError', /^Tensor\.gather: expected index no larger than input \[2, 3\] outside dim 1 for index, got shape \[3, 1\]$/);
    expectErr(() => x.scatter(0, [[0, 1]], kiln.zeros([1, 1])), 'RangeError', /^Tensor\.scatter: expected index no larger than src \[1, 1\] in any dimension for index, got shape \[1, 2\]$/);
    expectErr(() => kiln.where(kiln.ones([4]), x, 0), 'RangeError', /^where: expected shapes that broadcast together for condition and input, got \[4\] and \[2, 3\]$/);
    expectErr(() => x.split([1, 1], 1), 'RangeError', /^Tensor\.split: expected sizes that sum to 3 \(the size of dim 1\) for splitSizeOrSections, got \[1, 1\]$/);
    expectErr(() => x.expand(3, 3), 'RangeError', /^Tensor\.expand: expected size 2 \(or -1\) at dimension 0 for sizes, got 3/);
    expectErr(() => x.repeat(2), 'RangeError', /^Tensor\.repeat: expected at least 2 sizes .* for sizes, got \[2\]$/);
  });
  test('k > size in topk', () => {
    expectErr(() => x.topk(4), 'RangeError', /^Tensor\.topk: expected an integer in \[0, 3\] \(the size of dim 1 of shape \[2, 3\]\) for k, got 4$/);
    expectErr(() => x.topk(-1), 'RangeError', /^Tensor\.topk: expected an integer in \[0, 2147483647\] for k, got -1$/);
  });
  test('wrong types and options', () => {
    expectErr(() => x.eq('1' as unknown as number), 'TypeError', /^Tensor\.eq: expected a Tensor or a number for other, got '1'$/);
    expectErr(() => x.clamp(), 'TypeError', /^Tensor\.clamp: expected a number or a Tensor for at least one of min and max .* for min, got undefined$/);
    expectErr(() => x.maximum(2 as unknown as Tensor), 'TypeError', /^Tensor\.maximum: expected a Tensor for other, got 2$/);
    expectErr(() => x.var(0, { corection: 0 } as object), 'TypeError', /^Tensor\.var: expected an option among correction, unbiased, keepDim for option name, got 'corection' \(did you mean correction\?\)$/);
    expectErr(() => x.var(0, { correction: 1, unbiased: true }), 'RangeError', /^Tensor\.var: expected correction or unbiased, not both/);
    expectErr(() => x.norm('nuc' as unknown as number), 'TypeError', /^Tensor\.norm: expected a number, Infinity, -Infinity or 'fro' for p, got 'nuc'$/);
    expectErr(() => x.sort({ descending: 1 as unknown as boolean }), 'TypeError', /^Tensor\.sort: expected a boolean for descending, got 1$/);
    expectErr(() => x.maskedFill(x, 1e39), 'RangeError', /for value, got 1e\+39$/);
    expectErr(() => x.slice(0, 0, 2, 0), 'RangeError', /^Tensor\.slice: expected an integer in \[1, 2147483647\] for step, got 0$/);
    expectErr(() => x.chunk(0), 'RangeError', /^Tensor\.chunk: expected an integer in \[1, 2147483647\] for chunks, got 0$/);
    expectErr(() => x.scatterAdd(0, [[0]], 1 as unknown as Tensor), 'TypeError', /^Tensor\.scatterAdd: expected a Tensor for src, got 1$/);
    expectErr(() => kiln.cat('ab' as unknown as Tensor[]), 'TypeError', /^cat: expected an array of Tensors for tensors, got 'ab'$/);
  });
});

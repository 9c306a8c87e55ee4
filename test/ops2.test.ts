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

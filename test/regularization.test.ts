// nn.regularization: L1 and L2 penalties, their gradients, and what they do to a fit.
import { Tensor, Generator, tensor, zeros, randn, nn, noGrad } from '../lib';
import { expectClose, expectError, gradCheck } from './helpers';

const { l1, l2 } = nn.regularization;

describe('values and gradients', () => {
  const make = () => [
    tensor([[1.5, -2, 0.25], [0, -0.5, 3]], { requiresGrad: true }),
    tensor([-1, 4], { requiresGrad: true }),
  ];

  test('l1 = sum |w| over all tensors, with gradient sign(w) (0 at 0)', () => {
    // PyTorch: sum(p.abs().sum() for p in params)
    const [a, b] = make();
    const pen = l1([a, b]);
    expect(pen.shape).toEqual([]);
    expect(pen.item()).toBeCloseTo(1.5 + 2 + 0.25 + 0 + 0.5 + 3 + 1 + 4, 6);
    pen.backward();
    expect(a.grad!.toArray()).toEqual([[1, -1, 1], [0, -1, 1]]);
    expect(b.grad!.toArray()).toEqual([-1, 1]);
  });

  test('l2 = sum w^2 over all tensors, with gradient 2w', () => {
    // PyTorch: sum(p.pow(2).sum() for p in params)
    const [a, b] = make();
    const pen = l2([a, b]);
    expect(pen.item()).toBeCloseTo(2.25 + 4 + 0.0625 + 0 + 0.25 + 9 + 1 + 16, 5);
    pen.mul(3).backward();
    expectClose(a.grad!, [[9, -12, 1.5], [0, -3, 18]], { label: 'l2 grad a' });
    expectClose(b.grad!, [-6, 24], { label: 'l2 grad b' });
  });

  test('match the same penalties built from abs/pow and sum', () => {
    const [a, b] = make();
    const [c, d] = make();
    l1([a, b]).add(l2([a, b])).backward();
    c.abs().sum().add(d.abs().sum()).add(c.pow(2).sum()).add(d.pow(2).sum()).backward();
    expectClose(a.grad!, c.grad!, { label: 'a' });
    expectClose(b.grad!, d.grad!, { label: 'b' });
  });

  test('finite differences', () => {
    const g = new Generator(3);
    const x = randn([4, 3], { generator: g, requiresGrad: true });
    const y = randn([5], { generator: g, requiresGrad: true });
    gradCheck((p, q) => l2([p, q]), [x, y], { label: 'l2' });
    gradCheck((p, q) => l1([p, q]).add(l2([q])), [x, y], { label: 'l1 + l2' });
  });

  test('takes any iterable (a model\'s parameters, a Set, a generator); empty is 0', () => {
    const lin = new nn.Linear(3, 2);
    const manual = lin.parameters().reduce((s, p) => s + p.data.reduce((t, v) => t + v * v, 0), 0);
    expect(l2(lin.parameters()).item()).toBeCloseTo(manual, 5);
    expect(l1(new Set([tensor([-2])])).item()).toBe(2);
    function* gen(): IterableIterator<Tensor> {
      yield tensor([3]);
      yield tensor([-4]);
    }
    expect(l2(gen()).item()).toBe(25);
    const empty = l1([]);
    expect(empty.item()).toBe(0);
    expect(empty.requiresGrad).toBe(false);
  });

  test('tensors that do not require grad get none; under noGrad nothing is recorded', () => {
    const a = tensor([1, -1], { requiresGrad: true });
    const frozen = tensor([5]);
    l1([a, frozen]).backward();
    expect(frozen.grad).toBeNull();
    expect(noGrad(() => l2([a])).gradFn).toBeNull();
  });

  test('errors', () => {
    expectError(() => l1(5 as never), 'TypeError', /^regularization\.l1: expected an array or iterable of Tensors for parameters, got 5$/);
    expectError(() => l2(null as never), 'TypeError', /^regularization\.l2: expected an array or iterable of Tensors for parameters, got null$/);
    expectError(() => l2([tensor([1]), [2] as never]), 'TypeError', /^regularization\.l2: expected a Tensor for parameters\[1\], got \[2\]$/);
  });
});

describe('an over-parameterised regression: 40 samples, 50 features, 5 informative', () => {
  // y = X w* + 0.1 noise with w* = [3, -2, 1.5, 2.5, -1, 0, ..., 0]. More features than
  // samples: least squares alone fits the noise with every weight. Plain gradient descent
  // (written here: optimisers live elsewhere), lr 0.01, 3000 steps, from zero.
  const n = 40;
  const p = 50;
  const g = new Generator(0);
  const X = randn([n, p], { generator: g });
  const wTrue = new Float32Array(p);
  [3, -2, 1.5, 2.5, -1].forEach((v, i) => (wTrue[i] = v));
  const y = X.matmul(tensor(wTrue)).add(randn([n], { generator: g }).mul(0.1));

  function fit(penalty: ((ps: Tensor[]) => Tensor) | null, lambda: number): Float32Array {
    const w = zeros([p]).requiresGrad_();
    for (let step = 0; step < 3000; step++) {
      w.grad = null;
      let loss = X.matmul(w).sub(y).pow(2).mean();
      if (penalty) loss = loss.add(penalty([w]).mul(lambda));
      loss.backward();
      for (let i = 0; i < p; i++) w.data[i] -= 0.01 * w.grad!.data[i];
    }
    return w.data;
  }
  const irrelevant = (w: Float32Array) => Array.from(w.subarray(5), Math.abs).sort((a, b) => a - b);
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

  const plain = fit(null, 0);
  const lasso = fit(l1, 0.05);
  const ridge = fit(l2, 0.05);

  test('without a penalty the irrelevant weights soak up the noise', () => {
    const irr = irrelevant(plain);
    expect(irr[Math.floor(irr.length / 2)]).toBeGreaterThan(0.1);
  });

  test('L1 drives most irrelevant weights to near zero and keeps the informative ones', () => {
    const irr = irrelevant(lasso);
    // Subgradient descent leaves zeros jittering by about lr * lambda = 5e-4.
    expect(irr.filter((v) => v < 0.01).length).toBeGreaterThanOrEqual(40);
    expectClose(lasso.subarray(0, 5), [3, -2, 1.5, 2.5, -1], { atol: 0.1, rtol: 0, label: 'informative weights under L1' });
  });

  test('L2 only shrinks them: smaller than without a penalty, but hardly any near zero', () => {
    const irr = irrelevant(ridge);
    expect(irr.filter((v) => v < 0.01).length).toBeLessThanOrEqual(5);
    expect(irr[Math.floor(irr.length / 2)]).toBeGreaterThan(0.05);
    expect(norm(irr)).toBeLessThan(norm(irrelevant(plain)));
    expect(norm(Array.from(ridge))).toBeLessThan(norm(Array.from(plain)));
  });
});

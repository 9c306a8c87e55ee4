// nn.utils.clipGradNorm against torch.nn.utils.clip_grad_norm_ (test/fixtures/gen_train.py).
import { tensor, nn } from '../lib';
import { expectClose, expectError, loadFixture } from './helpers';

interface T {
  shape: number[];
  data: number[];
}
interface ClipCase {
  maxNorm: number;
  normType: number | 'inf';
  grads: T[];
  total: number;
  after: number[][];
}
const cases = loadFixture<{ clip: Record<string, ClipCase> }>('train').clip;

describe('clipGradNorm matches torch.nn.utils.clip_grad_norm_', () => {
  for (const [name, c] of Object.entries(cases)) {
    test(name, () => {
      const params = c.grads.map((g) => tensor(new Float32Array(g.data.length), { shape: g.shape, requiresGrad: true }));
      params.forEach((p, i) => (p.grad = tensor(new Float32Array(c.grads[i].data), { shape: c.grads[i].shape })));
      const noGrad = tensor([0, 0], { requiresGrad: true });
      const normType = c.normType === 'inf' ? Infinity : c.normType;
      // total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
      const total = nn.utils.clipGradNorm([...params, noGrad], c.maxNorm, { normType });
      expectClose([total], [c.total], { rtol: 1e-6, label: `${name} total` });
      params.forEach((p, i) => expectClose(p.grad!, c.after[i], { rtol: 1e-6, atol: 1e-7, label: `${name} grad ${i}` }));
      expect(noGrad.grad).toBeNull();
    });
  }

  test('no gradients: returns 0 and changes nothing', () => {
    expect(nn.utils.clipGradNorm(new nn.Linear(3, 2).parameters(), 1)).toBe(0);
  });

  test('non-finite norms behave as torch: inf zeroes the gradients, NaN spreads', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    a.grad = tensor([Infinity, 1]);
    b.grad = tensor([2]);
    expect(nn.utils.clipGradNorm([a, b], 1)).toBe(Infinity);
    // max_norm / (inf + 1e-6) = 0; inf * 0 = NaN, as in torch.
    expect(Array.from(a.grad.data)).toEqual([NaN, 0]);
    expect(Array.from(b.grad.data)).toEqual([0]);
    a.grad = tensor([NaN, 1]);
    b.grad = tensor([2]);
    expect(nn.utils.clipGradNorm([a, b], 1)).toBeNaN();
    expect(Array.from(b.grad.data)).toEqual([NaN]);
  });

  test('a single tensor is accepted', () => {
    const p = tensor([3, 4], { requiresGrad: true });
    p.grad = tensor([3, 4]);
    expect(nn.utils.clipGradNorm(p, 1)).toBeCloseTo(5, 6);
    expectClose(p.grad, [3 / (5 + 1e-6), 4 / (5 + 1e-6)], { rtol: 1e-6 });
  });

  test('bad input', () => {
    const p = [tensor([1], { requiresGrad: true })];
    expectError(() => nn.utils.clipGradNorm(p, -1), 'RangeError', /clipGradNorm: expected a non-negative number for maxNorm, got -1/);
    expectError(() => nn.utils.clipGradNorm(p, NaN), 'RangeError', /expected a finite number for maxNorm, got NaN/);
    expectError(() => nn.utils.clipGradNorm(p, 1, { normType: 0 }), 'RangeError', /expected a positive number or Infinity for normType, got 0/);
    expectError(() => nn.utils.clipGradNorm(p, 1, { normType: '2' as never }), 'TypeError', /expected a number for normType, got '2'/);
    expectError(() => nn.utils.clipGradNorm(5 as never, 1), 'TypeError', /expected a Tensor or an iterable of Tensors for parameters, got 5/);
    expectError(() => nn.utils.clipGradNorm([p[0], 'w'] as never, 1), 'TypeError', /expected a Tensor for parameters\[1\], got 'w'/);
    const k = (require('../lib/native') as { native: Record<string, (...a: unknown[]) => unknown> }).native;
    expectError(() => k.sumAbsPow([1, 2], 2), 'TypeError', /sumAbsPow: expected a Float32Array for x, got an array/);
    expectError(() => k.sumAbsPow(new Float32Array(2), -1), 'RangeError', /sumAbsPow: expected a non-negative number for p, got -1/);
    expectError(() => k.scaleInPlace(new Float32Array(2), NaN), 'RangeError', /scaleInPlace: expected a finite number for c, got NaN/);
    p[0].grad = tensor([Infinity]);
    expectError(() => nn.utils.clipGradNorm(p, 1, { errorIfNonfinite: true }), 'RangeError', /expected a finite total norm of order 2 for the gradients, got Infinity/);
  });
});

// In-place ops, the version counter, leaf rules and tensor hooks, against PyTorch
// (test/fixtures/gen_inplace.py -> inplace.json).
import * as kiln from '../lib';
import { Tensor, tensor, noGrad, nn } from '../lib';
import { expectClose, gradCheck, loadFixture } from './helpers';

interface Case { shapes: number[][]; inputs: number[][]; out: number[]; outShape: number[]; grads: (number[] | null)[] }
interface Fixture {
  cases: Record<string, Case>;
  errors: Record<string, string | null>;
  sgd: { w0: number[]; x: number[]; t: number[]; losses: number[]; w: number[]; version: number };
  hooks: { log: [string, number[]][]; grad: number[]; x: number[] };
}
const fx = loadFixture<Fixture>('inplace');

function vals(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + seed) * 2), { shape });
}

// The same graphs as gen_inplace.py's case(...) lines, name for name.
const graphs: Record<string, (...xs: Tensor[]) => Tensor> = {
  add_tensor: (x, y) => x.mul(2).add_(y), // (x * 2).add_(y)
  add_broadcast_alpha: (x, y) => x.mul(1).add_(y, { alpha: -0.5 }), // (x * 1).add_(y, alpha=-0.5)
  sub_broadcast: (x, y) => x.add(0).sub_(y), // (x + 0).sub_(y)
  mul_scalar_chain: (x) => x.mul(2).mul_(3).add_(1), // (x * 2).mul_(3).add_(1)
  mul_tensor: (x, y) => x.mul(1).mul_(y), // (x * 1).mul_(y)
  mul_broadcast: (x, y) => x.abs().mul_(y), // x.abs().mul_(y)
  div_tensor: (x, y) => x.mul(1).div_(y.exp()), // (x * 1).div_(y.exp())
  div_scalar: (x) => x.mul(1).div_(4), // (x * 1).div_(4)
  clamp_both: (x) => x.mul(1).clamp_(-1, 1), // (x * 1).clamp_(-1, 1)
  clamp_min: (x) => x.mul(1).clamp_(0.5), // (x * 1).clamp_(min=0.5)
  clamp_max: (x) => x.mul(1).clamp_(null, -0.25), // (x * 1).clamp_(max=-0.25)
  copy_broadcast: (x, y) => x.mul(1).copy_(y).mul(x), // (x * 1).copy_(y).mul(x)
  zero_: (x, y) => x.mul(2).zero_().add_(y), // (x * 2).zero_().add_(y)
  fill_: (x) => x.mul(2).fill_(1.5).mul(x), // (x * 2).fill_(1.5).mul(x)
  chain_all: (x, y) => x.mul(1).add_(y).mul_(y).div_(2).clamp_(-2, 2).sub_(y),
  view_inplace_base: (x) => {
    const y = x.mul(2); // y = x * 2; y.view(6).mul_(3); y
    y.view(6).mul_(3);
    return y;
  },
  base_inplace_view: (x) => {
    const y = x.mul(2); // y = x * 2; v = y.view(3, 2); y.add_(x); v * v
    const v = y.view(3, 2);
    y.add_(x);
    return v.mul(v);
  },
  uses_before_and_after: (x) => {
    const y = x.mul(2); // y = x * 2; z = y + 1; y.mul_(3); z + y
    const z = y.add(1);
    y.mul_(3);
    return z.add(y);
  },
  matmul_then_add_: (x, w, b) => x.matmul(w).add_(b).sigmoid(), // x.matmul(w).add_(b).sigmoid()
};

function errorOf(f: () => unknown): Error | null {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  return null;
}

describe('in-place ops against PyTorch (forward and backward)', () => {
  for (const [name, c] of Object.entries(fx.cases)) {
    test(name, () => {
      const xs = c.inputs.map((v, k) => tensor(v, { shape: c.shapes[k], requiresGrad: true }));
      const out = graphs[name](...xs);
      expect(out.shape).toEqual(c.outShape);
      expectClose(out, c.out, { rtol: 1e-5, atol: 1e-5, label: `${name} forward` });
      out.mul(vals(c.outShape, 7)).sum().backward();
      c.grads.forEach((g, k) => {
        if (g === null) expect(xs[k].grad).toBeNull();
        else expectClose(xs[k].grad!, g, { rtol: 1e-4, atol: 1e-5, label: `${name} grad ${k}` });
      });
    });
  }
  test('every fixture case has a graph', () => {
    expect(Object.keys(graphs).sort()).toEqual(Object.keys(fx.cases).sort());
  });
});

describe('finite differences through in-place ops', () => {
  const a = () => vals([2, 3], 1).requiresGrad_();
  const b = () => vals([3], 2).requiresGrad_();
  test.each([
    ['add_', (x: Tensor, y: Tensor) => x.mul(1).add_(y, { alpha: 2 })],
    ['sub_', (x: Tensor, y: Tensor) => x.mul(1).sub_(y)],
    ['mul_', (x: Tensor, y: Tensor) => x.mul(1).mul_(y)],
    ['div_', (x: Tensor, y: Tensor) => x.mul(1).div_(y.mul(y).add(1))],
    ['copy_', (x: Tensor, y: Tensor) => x.mul(1).copy_(y).mul(x)],
    ['clamp_', (x: Tensor, y: Tensor) => x.mul(1).clamp_(-1, 1).add(y)],
    ['zero_ and fill_', (x: Tensor, y: Tensor) => x.mul(1).zero_().add(x.mul(2).fill_(3)).add_(y)],
    // h.mul_(h): the operand is copied before the write, so the gradient is 2h (PyTorch refuses it).
    ['self mul_', (x: Tensor, y: Tensor) => x.add(y).mul_(x.add(y).mul(1)).add(x.mul(1).mul_(x.mul(1)))],
  ])('%s', (_name, f) => gradCheck(f, [a(), b()], { label: _name }));
  test('self-aliasing x.mul_(x) gives d(h^2)/dh = 2h', () => {
    const x = vals([4], 3).requiresGrad_();
    const h = x.mul(1);
    h.mul_(h);
    h.sum().backward();
    expectClose(x.grad!, x.data.map((v) => 2 * v));
  });
});

describe('version counter', () => {
  test('every in-place op bumps the version; views and detach share it', () => {
    const x = tensor([1, 2, 3, 4, 5, 6]);
    const v = x.reshape([2, 3]);
    const d = x.detach();
    expect(x.version).toBe(0);
    x.add_(1).sub_(1).mul_(2).div_(2).clamp_(0).fill_(1).zero_().copy_(tensor([1, 2, 3, 4, 5, 6]));
    expect(x.version).toBe(8);
    v.add_(1);
    expect([x.version, v.version, d.version, v.flatten().unsqueeze(0).version]).toEqual([9, 9, 9, 9]);
    expect(x.clone().version).toBe(0);
  });

  // The RuntimeError PyTorch raises for each: "... is at version 1; expected version 0 instead".
  const x = () => vals([2, 3], 1).requiresGrad_();
  test.each([
    ['mul_input', 'mul', 'input 0', () => { const X = x(); const a = X.mul(1); const o = a.mul(X); a.add_(1); o.sum().backward(); }],
    ['exp_result', 'exp', 'its result', () => { const o = x().mul(1).exp(); o.add_(1); o.sum().backward(); }],
    ['sigmoid_result', 'sigmoid', 'its result', () => { const o = x().mul(1).sigmoid(); o.mul_(2); o.sum().backward(); }],
    ['matmul_input', 'matmul', 'input 0', () => { const X = x(); const a = X.mul(1); const o = a.matmul(X.t()); a.mul_(2); o.sum().backward(); }],
  ])('%s: modified after use is an error naming the op', (key, op, what, run) => {
    expect(fx.errors[key]).toMatch(/is at version 1; expected version 0 instead/);
    const e = errorOf(run as () => void);
    expect(e?.name).toBe('RangeError');
    expect(e?.message).toBe(`${op}.backward: expected version 0 (as saved for the gradient) for ${what} (shape [2, 3]), got version 1 (modified by an in-place op after it was used; clone it before modifying it)`);
  });

  test('the input of add, exp or a view modified after use is fine, as PyTorch', () => {
    expect(fx.errors.add_input_ok).toBeNull();
    expect(fx.errors.exp_input_ok).toBeNull();
    const X = vals([2, 3], 1).requiresGrad_();
    const a = X.mul(1);
    const o = a.add(X).add(a.exp()).add(a.reshape([3, 2]).sum()).add(a.neg()).add(a.mean());
    a.mul_(2);
    o.sum().backward();
    // d/dX of sum(a + X + exp(a_old) + sum(a) - a + mean(a)) with a = X (the scalars are
    // broadcast over 6 elements): 1 + 1 + exp(X) + 6 - 1 + 1.
    expectClose(X.grad!, X.data.map((v) => 8 + Math.exp(v)), { rtol: 1e-5 });
  });

  test('a modified operand of an in-place op is caught too', () => {
    const X = vals([3], 1).requiresGrad_();
    const w = X.mul(1);
    const h = X.mul(2);
    h.mul_(w);
    w.add_(1);
    expect(errorOf(() => h.sum().backward())?.message).toMatch(/^mul_\.backward: expected version 0 \(as saved for the gradient\) for input 1 \(shape \[3\]\)/);
  });
});

describe('autograd rules of in-place ops', () => {
  test('y = x * 2; y.mul_(3) gives x.grad = 6 and rebases gradFn', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const before = y.gradFn;
    expect(y.mul_(3)).toBe(y);
    expect(y.gradFn?.name).toBe('mul_');
    expect(y.gradFn?.inputs[0].gradFn).toBe(before);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([6, 6]);
  });

  test('a leaf that requires grad (or its view) is refused outside noGrad, as PyTorch', () => {
    expect(fx.errors.leaf).toMatch(/a leaf Variable that requires grad/);
    const w = tensor([1, 2, 3, 4, 5, 6], { requiresGrad: true });
    for (const f of [() => w.add_(1), () => w.zero_(), () => w.copy_(w), () => w.clamp_(0)]) {
      const e = errorOf(f);
      expect(e?.name).toBe('RangeError');
      expect(e?.message).toMatch(/^Tensor\.\w+_: expected a tensor that is not a leaf requiring grad .*for input, got a leaf that requires grad/);
    }
    expect(fx.errors.leaf_view).toMatch(/a view of a leaf Variable/);
    const e = errorOf(() => w.view(2, 3).mul_(2));
    expect(e?.name).toBe('RangeError');
    expect(e?.message).toMatch(/^Tensor\.mul_: expected a tensor that is not a view of a leaf requiring grad/);
    expect(Array.from(w.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(w.version).toBe(0);
  });

  test('noGrad SGD with w.sub_(w.grad * lr): 5 steps as PyTorch, not recorded', () => {
    const s = fx.sgd;
    const w = tensor(s.w0, { shape: [3, 2], requiresGrad: true });
    const x = tensor(s.x, { shape: [4, 3] });
    const t = tensor(s.t, { shape: [4, 2] });
    const losses: number[] = [];
    for (let k = 0; k < 5; k++) {
      w.grad = null;
      const loss = x.matmul(w).sub(t).pow(2).sum();
      losses.push(loss.item());
      loss.backward();
      noGrad(() => w.sub_(w.grad!.mul(0.01)));
      expect(w.isLeaf).toBe(true);
      expect(w.requiresGrad).toBe(true);
    }
    expectClose(losses, s.losses, { rtol: 1e-5 });
    expectClose(w, s.w, { rtol: 1e-5 });
    expect(w.version).toBe(s.version);
  });

  test('an in-place op with a grad operand on a plain tensor makes it a non-leaf', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const a = tensor([0, 0, 0]);
    const z = w.mul(a.add(1)); // uses a = 0 before the write: dz/dw = a + 1 = 1, nothing flows to a
    a.add_(w);
    expect(a.requiresGrad).toBe(true);
    expect(a.gradFn?.name).toBe('add_');
    z.add(a).sum().backward();
    expect(Array.from(w.grad!.data)).toEqual([2, 2, 2]);
  });

  test('zero_ and fill_ set values and pass a zero gradient to the previous ones', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(5);
    expect(Array.from(y.zero_().data)).toEqual([0, 0, 0]);
    expect(y.gradFn?.name).toBe('zero_');
    expect(Array.from(tensor([1, 2]).fill_(0.1).data)).toEqual([Math.fround(0.1), Math.fround(0.1)]);
    y.fill_(2).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0]);
  });

  test('clamp_ as torch.clamp: max wins when min > max, NaN stays', () => {
    expect(Array.from(tensor([1, 5, -3]).clamp_(2, 1).data)).toEqual([1, 1, 1]);
    const n = tensor([NaN, -5, 5]).clamp_(-1, 1);
    expect(Number.isNaN(n.data[0])).toBe(true);
    expect(Array.from(n.data.subarray(1))).toEqual([-1, 1]);
  });

  test('requiresGrad_ changes only leaves; detach_ cuts in place and refuses views', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(y.requiresGrad_(true)).toBe(y);
    const e = errorOf(() => y.requiresGrad_(false));
    expect(e?.name).toBe('RangeError');
    expect(e?.message).toBe('Tensor.requiresGrad_: expected a leaf tensor (only leaves\' requiresGrad can change; use detach()) for input, got one computed by mul');
    expect(errorOf(() => x.requiresGrad_('yes' as unknown as boolean))?.name).toBe('TypeError');
    expect(x.requiresGrad_(false).requiresGrad).toBe(false);
    const v = y.view(2, 1);
    expect(errorOf(() => v.detach_())?.message).toMatch(/^Tensor\.detach_: expected a tensor that is not a view \(use detach\(\) for a view\) for input/);
    expect(y.detach_()).toBe(y);
    expect([y.gradFn, y.requiresGrad, y.isLeaf]).toEqual([null, false, true]);
  });

  test('bad operands: type, shape that does not broadcast to this one, options', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const cases: [() => unknown, string, RegExp][] = [
      [() => x.add_('1' as unknown as number), 'TypeError', /^Tensor\.add_: expected a Tensor or a number for other, got '1'/],
      [() => x.mul_(tensor([1, 2, 3])), 'RangeError', /^Tensor\.mul_: /],
      [() => x.div_(tensor([[[1, 2]]])), 'RangeError', /^Tensor\.div_: expected a tensor broadcastable to input's shape \[2, 2\] for other, got shape \[1, 1, 2\]/],
      [() => x.copy_(3 as unknown as Tensor), 'TypeError', /^Tensor\.copy_: expected a Tensor for src, got 3/],
      [() => x.add_(1, { alhpa: 2 } as unknown as { alpha: number }), 'TypeError', /alhpa/],
      [() => x.sub_(1, { alpha: '2' as unknown as number }), 'TypeError', /^Tensor\.sub_: expected a number for alpha/],
      [() => x.clamp_(), 'RangeError', /^Tensor\.clamp_: expected at least one of min and max/],
      [() => x.clamp_('0' as unknown as number), 'TypeError', /^Tensor\.clamp_: expected a number for min/],
      [() => x.fill_(undefined as unknown as number), 'TypeError', /^Tensor\.fill_: expected a number for value/],
      [() => x.registerHook(3 as unknown as () => void), 'TypeError', /^Tensor\.registerHook: expected a function for hook, got 3/],
      [() => x.registerHook(() => undefined), 'RangeError', /^Tensor\.registerHook: expected a tensor that requires grad for input/],
    ];
    for (const [f, name, re] of cases) {
      const e = errorOf(f);
      expect(e?.name).toBe(name);
      expect(e?.message).toMatch(re);
    }
    expect(x.version).toBe(0);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4]);
  });
});

describe('registerHook', () => {
  test('order, scaling, replacement and removal on a leaf and an intermediate, as PyTorch', () => {
    const x = vals([2, 3], 1).requiresGrad_();
    expectClose(x, fx.hooks.x);
    const log: [string, Float32Array][] = [];
    x.registerHook((g) => { log.push(['x1', g.data.slice()]); return g.mul(2); });
    x.registerHook((g) => { log.push(['x2', g.data.slice()]); });
    const h = x.mul(3);
    h.registerHook((g) => { log.push(['h1', g.data.slice()]); return g.add(1); });
    const h2 = h.registerHook((g) => { log.push(['h2', g.data.slice()]); return g.mul(100); });
    h2.remove();
    h2.remove();
    h.mul(h).sum().backward();
    expect(log.map((l) => l[0])).toEqual(fx.hooks.log.map((l) => l[0]));
    log.forEach(([name, g], i) => expectClose(g, fx.hooks.log[i][1], { rtol: 1e-5, label: name }));
    expectClose(x.grad!, fx.hooks.grad, { rtol: 1e-5 });
  });

  test('a hook runs on every backward; a hook that changes the shape is an error', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let calls = 0;
    x.registerHook(() => { calls++; });
    x.mul(2).sum().backward();
    x.mul(2).sum().backward();
    expect(calls).toBe(2);
    expect(Array.from(x.grad!.data)).toEqual([4, 4]);
    const y = x.mul(1);
    y.registerHook(() => tensor([1, 2, 3]));
    const e = errorOf(() => y.sum().backward());
    expect(e?.name).toBe('RangeError');
    expect(e?.message).toBe('Tensor.registerHook: expected shape [2] (the gradient\'s) for hook result, got [3]');
  });
});

describe('optimiser steps are in-place updates', () => {
  // PyTorch: loss = (w * x).sum(); opt.step(); loss.backward() raises "modified by an inplace
  // operation": the step changed w, which mul saved for its backward.
  test.each(['SGD', 'Adam', 'AdamW', 'RMSprop'] as const)('%s: a backward through a graph made before step() fails', (name) => {
    const w = new nn.Parameter(kiln.tensor([1, 2, 3]));
    const x = kiln.tensor([0.5, -1, 2], { requiresGrad: true });
    const opt = new (kiln.optim[name] as unknown as new (p: Tensor[], o: object) => { step(): void })([w], { lr: 0.1 });
    w.mul(x).sum().backward();
    const stale = w.mul(x).sum();
    const v = w.version;
    opt.step();
    expect(w.version).toBeGreaterThan(v);
    const e = errorOf(() => stale.backward());
    expect(e?.name).toBe('RangeError');
    expect(e?.message).toMatch(/^mul\.backward: expected version \d+ \(as saved for the gradient\) for input 0 \(shape \[3\]\), got version \d+/);
  });

  test('a frozen parameter (no gradient) keeps its version', () => {
    const w = new nn.Parameter(kiln.tensor([1, 2]));
    const opt = new kiln.optim.SGD([w], { lr: 0.1 });
    const v = w.version;
    opt.step();
    expect(w.version).toBe(v);
  });
});

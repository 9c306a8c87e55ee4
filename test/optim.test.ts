// Optimisers against PyTorch 1.13 trajectories (test/fixtures/gen_train.py), state dicts,
// parameter groups and bad settings.
import { Tensor, tensor, nn, optim } from '../lib';
import { expectClose, expectError, loadFixture } from './helpers';

interface T {
  shape: number[];
  data: number[];
}
interface GroupCfg {
  params: ('W' | 'b' | 'frozen')[];
  options?: Record<string, unknown>;
}
interface Cfg {
  opt: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  groups?: GroupCfg[];
  stepLR?: { stepSize: number; gamma: number };
}
interface Trajectory {
  loss: number[];
  W: number[][];
  b: number[][];
  frozen: number[][];
  lr: number[][];
}
interface Fixture {
  optim_setup: Record<'x' | 't' | 'W' | 'b' | 'frozen', T>;
  optim: Record<string, Cfg & Trajectory>;
  state: Record<string, Cfg & { state_dict: { state: Record<string, Record<string, T | null>>; param_groups: Record<string, unknown>[] }; first: Trajectory; rest: Trajectory }>;
}
const fx = loadFixture<Fixture>('train');
const setup = fx.optim_setup;
const t = (x: T, requiresGrad = false) => tensor(new Float32Array(x.data), { shape: x.shape, requiresGrad });
const x = t(setup.x);
const target = t(setup.t);

type P = Record<'W' | 'b' | 'frozen', Tensor>;
const makeParams = (): P => ({ W: t(setup.W, true), b: t(setup.b, true), frozen: t(setup.frozen, true) });

function makeOpt(cfg: Cfg, p: P): optim.Optimizer {
  const Cls = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW }[cfg.opt] as unknown as new (params: unknown, opts: unknown) => optim.Optimizer;
  const params = cfg.groups ? cfg.groups.map((g) => ({ params: g.params.map((n) => p[n]), ...g.options })) : [p.W, p.b, p.frozen];
  return new Cls(params, cfg.options);
}

function lossOf(p: P): Tensor {
  const d = x.matmul(p.W).add(p.b).sub(target); // d = x @ W + b - t
  return d.mul(d).mean(); // (d * d).mean()
}

function follow(label: string, p: P, opt: optim.Optimizer, ref: Trajectory, sched?: optim.lrScheduler.LRScheduler): void {
  for (let s = 0; s < ref.loss.length; s++) {
    opt.zeroGrad();
    const loss = lossOf(p);
    loss.backward();
    opt.step(); // opt.step()
    sched?.step();
    expectClose([loss.item()], [ref.loss[s]], { rtol: 1e-5, atol: 1e-6, label: `${label} loss ${s}` });
    expectClose(p.W, ref.W[s], { rtol: 1e-6, atol: 1e-7, label: `${label} W after step ${s + 1}` });
    expectClose(p.b, ref.b[s], { rtol: 1e-6, atol: 1e-7, label: `${label} b after step ${s + 1}` });
    // `frozen` never has a gradient: skipped, exactly unchanged.
    expect(Array.from(p.frozen.data)).toEqual(Array.from(new Float32Array(ref.frozen[s])));
    expectClose(opt.paramGroups.map((g) => g.lr), ref.lr[s], { rtol: 1e-12, label: `${label} lr after step ${s + 1}` });
  }
}

describe('5-step trajectories match PyTorch 1.13', () => {
  for (const [name, ref] of Object.entries(fx.optim)) {
    test(name, () => {
      const p = makeParams();
      const opt = makeOpt(ref, p);
      const sched = ref.stepLR ? new optim.lrScheduler.StepLR(opt, ref.stepLR) : undefined;
      follow(name, p, opt, ref, sched);
      expect(opt.state.has(p.frozen)).toBe(false);
    });
  }

  test('a changed paramGroups[i].lr takes effect at the next step', () => {
    const p = makeParams();
    const opt = new optim.SGD([p.W], { lr: 0.1 });
    lossOf(p).backward();
    const g = Float32Array.from(p.W.grad!.data);
    const before = Float32Array.from(p.W.data);
    opt.paramGroups[0].lr = 0.5;
    opt.step();
    for (let i = 0; i < g.length; i++) expect(p.W.data[i]).toBeCloseTo(before[i] - 0.5 * g[i], 6);
  });

  test('step(closure) evaluates the closure and returns its loss', () => {
    const p = makeParams();
    const opt = new optim.Adam([p.W, p.b], { lr: 0.01 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = lossOf(p);
      l.backward();
      return l.item();
    });
    expectClose([loss as number], [fx.optim['adam_plain'].loss[0]], { rtol: 1e-6 });
    expectClose(p.W, fx.optim['adam_plain'].W[0], { rtol: 1e-5, atol: 1e-6 });
  });
});

describe('state dicts', () => {
  for (const [name, ref] of Object.entries(fx.state)) {
    test(`${name}: stateDict after 3 steps has PyTorch's keys and values`, () => {
      const p = makeParams();
      const opt = makeOpt(ref, p);
      follow(`${name} first`, p, opt, ref.first);
      const sd = opt.stateDict();
      const want = ref.state_dict;
      expect(Object.keys(sd.state).map(String)).toEqual(Object.keys(want.state));
      for (const [i, s] of Object.entries(want.state)) {
        const mine = sd.state[Number(i)];
        expect(Object.keys(mine)).toEqual(Object.keys(s));
        for (const [key, v] of Object.entries(s)) {
          if (v === null) expect(mine[key]).toBeNull();
          else {
            expect(mine[key]!.shape).toEqual(v.shape);
            expectClose(mine[key]!, v.data, { rtol: 1e-5, atol: 1e-7, label: `state[${i}].${key}` });
          }
        }
      }
      expect(sd.param_groups.length).toBe(want.param_groups.length);
      sd.param_groups.forEach((g, i) => {
        // Every option kiln has is PyTorch's, by PyTorch's name and value.
        for (const [key, v] of Object.entries(g)) expect([key, want.param_groups[i][key]]).toEqual([key, v]);
      });
    });

    test(`${name}: loading PyTorch's state dict resumes PyTorch's trajectory`, () => {
      const p = makeParams();
      p.W.data.set(ref.first.W[2]);
      p.b.data.set(ref.first.b[2]);
      const opt = makeOpt(ref, p);
      const sd = ref.state_dict;
      const state: Record<number, Record<string, Tensor | null>> = {};
      for (const [i, s] of Object.entries(sd.state)) {
        state[Number(i)] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v === null ? null : t(v)]));
      }
      opt.loadStateDict({ state, param_groups: sd.param_groups });
      follow(`${name} resumed`, p, opt, ref.rest);
    });

    test(`${name}: stateDict -> loadStateDict round trip continues identically`, () => {
      const a = makeParams();
      const optA = makeOpt(ref, a);
      follow(`${name} a`, a, optA, ref.first);
      const b = makeParams();
      b.W.data.set(a.W.data);
      b.b.data.set(a.b.data);
      const optB = makeOpt({ ...ref, options: { ...ref.options, lr: 123 } }, b);
      optB.loadStateDict(optA.stateDict());
      expect(optB.paramGroups[0].lr).toBe(ref.options.lr as number);
      // Loaded tensors are copies: stepping A must not move B's state.
      follow(`${name} a rest`, a, optA, ref.rest);
      follow(`${name} b rest`, b, optB, ref.rest);
    });
  }

  test('loadStateDict rejects a state dict of another shape', () => {
    const p = makeParams();
    const opt = new optim.Adam([p.W, p.b], { amsgrad: true });
    lossOf(p).backward();
    opt.step();
    const sd = opt.stateDict();
    const other = new optim.Adam([{ params: [p.W] }, { params: [p.b] }]);
    expectError(() => other.loadStateDict(sd), 'RangeError', /Adam.loadStateDict: expected 2 parameter groups \(as this optimizer has\) for param_groups, got 1/);
    const fewer = new optim.Adam([p.W]);
    expectError(() => fewer.loadStateDict(sd), 'RangeError', /expected 1 parameters \(as this optimizer's group has\) for param_groups\[0\]\.params, got 2/);
    const swapped = new optim.Adam([p.b, p.W]);
    expectError(() => swapped.loadStateDict(sd), 'RangeError', /expected its parameter's shape \[4\] for state\[0\]\.exp_avg, got \[3, 4\]/);
    expectError(() => opt.loadStateDict({ state: {} } as never), 'TypeError', /expected a state dict/);
    const maximizing = { ...sd, param_groups: [{ ...sd.param_groups[0], maximize: true }] };
    expectError(() => opt.loadStateDict(maximizing), 'RangeError', /Adam.loadStateDict: expected false \(kiln does not implement it\) for param_groups\[0\]\.maximize, got true/);
  });
});

describe('parameter groups and zeroGrad', () => {
  test('groups take their own options and the defaults for the rest', () => {
    const p = makeParams();
    const opt = new optim.AdamW([{ params: [p.W], lr: 0.1 }, { params: [p.b], weightDecay: 0 }], { lr: 0.01, betas: [0.8, 0.9] });
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay, g.betas])).toEqual([
      [0.1, 0.01, [0.8, 0.9]],
      [0.01, 0, [0.8, 0.9]],
    ]);
    // Groups do not share the defaults' arrays.
    opt.paramGroups[0].betas[0] = 0.5;
    expect(opt.paramGroups[1].betas[0]).toBe(0.8);
  });

  test('addParamGroup adds a group with the defaults filled in', () => {
    const p = makeParams();
    const opt = new optim.Adam([p.W], { lr: 0.01 });
    opt.addParamGroup({ params: p.b, lr: 0.5 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, eps: 1e-8, weightDecay: 0, amsgrad: false });
    expect(opt.paramGroups[1].params).toEqual([p.b]);
    expectError(() => opt.addParamGroup({ params: [p.W] }), 'RangeError', /Adam: expected each parameter once \(in one group only\) for paramGroups\[2\]\.params\[0\], got one given before/);
    expectError(() => opt.addParamGroup({ params: [p.frozen], eps: -1 }), 'RangeError', /Adam: expected a non-negative number for paramGroups\[2\].eps, got -1/);
  });

  test('paramGroupsWithDecay: matrices decay, biases and norm weights do not', () => {
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
    const [decay, noDecay] = optim.paramGroupsWithDecay(model, 0.1);
    const named = new Map(model.namedParameters().map(([n, q]) => [q, n]));
    expect(decay.params.map((q) => named.get(q))).toEqual(['0.weight', '2.weight']);
    expect(noDecay.params.map((q) => named.get(q))).toEqual(['0.bias', '2.bias']);
    expect([decay.weightDecay, noDecay.weightDecay]).toEqual([0.1, 0]);
    const opt = new optim.AdamW(optim.paramGroupsWithDecay(model, 0.1), { lr: 1e-3 });
    expect(opt.paramGroups.map((g) => g.weightDecay)).toEqual([0.1, 0]);
    expectError(() => optim.paramGroupsWithDecay(model, -1), 'RangeError', /paramGroupsWithDecay: expected a non-negative number for weightDecay, got -1/);
    expectError(() => optim.paramGroupsWithDecay(3 as never, 0.1), 'TypeError', /expected a Module or an iterable of Tensors for model, got 3/);
  });

  test('zeroGrad sets gradients to null (or zeros them on request)', () => {
    const p = makeParams();
    const opt = new optim.SGD([p.W, p.b], { lr: 0.1 });
    lossOf(p).backward();
    opt.zeroGrad({ setToNone: false });
    expect(Array.from(p.W.grad!.data).every((v) => v === 0)).toBe(true);
    opt.zeroGrad();
    expect(p.W.grad).toBeNull();
    expect(p.b.grad).toBeNull();
  });

  test('SGD with momentum 0 keeps no buffer, as PyTorch', () => {
    const p = makeParams();
    const opt = new optim.SGD([p.W], { lr: 0.1 });
    lossOf(p).backward();
    opt.step();
    expect(opt.stateDict().state[0]).toEqual({ momentum_buffer: null });
  });
});

describe('bad settings', () => {
  const p = () => [tensor([1, 2], { requiresGrad: true })];
  test('lr: required for SGD, non-negative, finite', () => {
    expectError(() => new optim.SGD(p(), {} as never), 'TypeError', /SGD: expected a number \(SGD has no default learning rate\) for lr, got undefined/);
    expectError(() => new optim.SGD(p(), { lr: -0.1 }), 'RangeError', /SGD: expected a non-negative number for lr, got -0.1/);
    expectError(() => new optim.Adam(p(), { lr: NaN }), 'RangeError', /Adam: expected a finite number for lr, got NaN/);
    expectError(() => new optim.AdamW(p(), { lr: '1e-3' as never }), 'TypeError', /AdamW: expected a number for lr, got '1e-3'/);
    expectError(() => new optim.Adam([{ params: p(), lr: -1 }]), 'RangeError', /Adam: expected a non-negative number for paramGroups\[0\].lr, got -1/);
  });
  test("SGD's lr may be given per group instead, as torch's `required`", () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([2], { requiresGrad: true });
    const opt = new optim.SGD([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.2 }]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.2]);
    expectError(() => new optim.SGD([{ params: [a], lr: 0.1 }, { params: [b] }]), 'TypeError', /SGD: expected a number \(SGD has no default learning rate\) for paramGroups\[1\].lr, got undefined/);
  });
  test('betas outside [0, 1)', () => {
    expectError(() => new optim.Adam(p(), { betas: [1, 0.999] }), 'RangeError', /Adam: expected a number in \[0, 1\) for betas\[0\], got 1/);
    expectError(() => new optim.AdamW(p(), { betas: [0.9, -0.1] }), 'RangeError', /AdamW: expected a number in \[0, 1\) for betas\[1\], got -0.1/);
    expectError(() => new optim.Adam(p(), { betas: [0.9] as never }), 'TypeError', /expected an array of two numbers for betas, got \[0.9\]/);
  });
  test('eps, weightDecay and momentum must be non-negative', () => {
    expectError(() => new optim.Adam(p(), { eps: -1e-8 }), 'RangeError', /Adam: expected a non-negative number for eps, got -1e-8/);
    expectError(() => new optim.AdamW(p(), { weightDecay: -0.01 }), 'RangeError', /for weightDecay, got -0.01/);
    expectError(() => new optim.SGD(p(), { lr: 0.1, momentum: -0.9 }), 'RangeError', /SGD: expected a non-negative number for momentum, got -0.9/);
    expectError(() => new optim.Adam(p(), { amsgrad: 1 as never }), 'TypeError', /Adam: expected a boolean for amsgrad, got 1/);
  });
  test('nesterov needs momentum > 0 and dampening 0', () => {
    expectError(() => new optim.SGD(p(), { lr: 0.1, nesterov: true }), 'RangeError', /SGD: expected momentum > 0 and dampening 0 \(Nesterov momentum requires a momentum and zero dampening\) for nesterov, got momentum 0 and dampening 0/);
    expectError(() => new optim.SGD(p(), { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), 'RangeError', /got momentum 0.9 and dampening 0.1/);
  });
  test('params: tensors or groups, not empty, each once, leaves only', () => {
    expectError(() => new optim.SGD([], { lr: 0.1 }), 'RangeError', /SGD: expected at least one parameter for params, got an empty list/);
    expectError(() => new optim.SGD(new nn.Linear(2, 2) as never, { lr: 0.1 }), 'TypeError', /expected an iterable of Tensors \(such as model.parameters\(\)\) or an array of parameter groups for params, got a Linear/);
    expectError(() => new optim.SGD([1, 2] as never, { lr: 0.1 }), 'TypeError', /SGD: expected a Tensor for params\[0\], got 1/);
    expectError(() => new optim.SGD([{ params: [tensor([1])] }, { params: 'w' }] as never, { lr: 0.1 }), 'TypeError', /expected a Tensor for paramGroups\[1\].params\[0\], got 'w'/);
    const w = tensor([1], { requiresGrad: true });
    expectError(() => new optim.SGD([{ params: [w] }, { params: [w] }], { lr: 0.1 }), 'RangeError', /expected each parameter once \(in one group only\) for paramGroups\[1\]\.params\[0\], got one given before/);
    expectError(() => new optim.SGD([w, w], { lr: 0.1 }), 'RangeError', /for params\[1\], got one given before/);
    expectError(() => new optim.SGD([w.mul(2)], { lr: 0.1 }), 'RangeError', /expected a leaf tensor .* got one computed by mul/);
  });
  test('a setting made invalid after construction is caught at step', () => {
    const q = p();
    const opt = new optim.Adam(q);
    q[0].grad = tensor([1, 1]);
    opt.paramGroups[0].lr = -1;
    expectError(() => opt.step(), 'RangeError', /Adam.step: expected a non-negative number for paramGroups\[0\].lr, got -1/);
  });
  test('a gradient of the wrong size is caught before the kernel', () => {
    const q = p();
    const opt = new optim.SGD(q, { lr: 0.1 });
    q[0].grad = tensor([1, 2, 3]);
    expectError(() => opt.step(), 'RangeError', /SGD.step: expected its parameter's shape \[2\] for a parameter's grad, got \[3\]/);
  });
  test('the native kernels are a backstop', () => {
    const k = (require('../lib/native') as { native: Record<string, (...a: unknown[]) => unknown> }).native;
    const f = (n: number) => new Float32Array(n);
    expectError(() => k.adamStep(f(4), f(4), f(3), null, f(4), 1, 0.1, 0.9, 0.999, 1e-8, 0, false), 'RangeError', /adamStep: expected expAvgSq to hold 4 elements, got 3/);
    expectError(() => k.adamStep(f(4), f(4), f(4), null, f(4), 0, 0.1, 0.9, 0.999, 1e-8, 0, false), 'RangeError', /adamStep: expected an integer in \[1, .*\] for step, got 0/);
    expectError(() => k.adamStep(f(4), f(4), f(4), null, f(4), 1, 0.1, 1, 0.999, 1e-8, 0, false), 'RangeError', /expected a number in \[0, 1\) for beta1, got 1/);
    expectError(() => k.sgdStep(f(4), f(2), f(4), 0.1, 0.9, 0, 0, false, true), 'RangeError', /sgdStep: expected momentumBuffer to hold 4 elements, got 2/);
    expectError(() => k.sgdStep(f(4), null, [1, 2, 3, 4], 0.1, 0, 0, 0, false, false), 'TypeError', /sgdStep: expected a Float32Array for grad, got an array/);
  });
});

// Adadelta, Adagrad, RMSprop, Adamax, NAdam, RAdam and LBFGS against PyTorch 1.13
// trajectories (test/fixtures/gen_optim2.py), their state dicts, bad options, and a user's
// optimiser written on the exported base class.
import { Tensor, tensor, optim } from '../lib';
import { native } from '../lib/native';
import { expectClose, expectError, loadFixture } from './helpers';

interface T {
  shape: number[];
  data: number[];
}
type Name = 'W' | 'b' | 'V' | 'frozen';
interface Case {
  opt: 'Adadelta' | 'Adagrad' | 'RMSprop' | 'Adamax' | 'NAdam' | 'RAdam';
  options: Record<string, unknown>;
  negate: boolean;
  loss: number[];
  W: number[][];
  b: number[][];
  V: (number[] | null)[];
  frozen: number[][];
  state_keys: string[][];
  group_keys: string[];
}
interface LbfgsCase {
  options: Record<string, unknown>;
  problem: 'lsq' | 'mlp';
  names: string[];
  loss: number[];
  func_evals: number[];
  n_iter: number[];
  [param: string]: unknown;
}
interface Fixture {
  setup: Record<'x' | 't' | 'u' | 's' | Name, T>;
  optim: Record<string, Case>;
  lbfgs: Record<string, LbfgsCase>;
  lbfgs_mlp_init: Record<string, T>;
}
const fx = loadFixture<Fixture>('optim2');
const t = (x: T, requiresGrad = false) => tensor(new Float32Array(x.data), { shape: x.shape, requiresGrad });
const S = fx.setup;
const [x, target, u, s] = [t(S.x), t(S.t), t(S.u), t(S.s)];
const NAMES: Name[] = ['W', 'b', 'V', 'frozen'];

type P = Record<Name, Tensor>;
const makeParams = (): P => ({ W: t(S.W, true), b: t(S.b, true), V: t(S.V, true), frozen: t(S.frozen, true) });
const CLASSES = { Adadelta: optim.Adadelta, Adagrad: optim.Adagrad, RMSprop: optim.RMSprop, Adamax: optim.Adamax, NAdam: optim.NAdam, RAdam: optim.RAdam };
type Ctor = new (params: Tensor[], opts: unknown) => optim.Optimizer;
const makeOpt = (c: Pick<Case, 'opt' | 'options'>, p: P) => new (CLASSES[c.opt] as unknown as Ctor)(NAMES.map((n) => p[n]), c.options);

function lossOf(p: P, negate = false): Tensor {
  const d = x.matmul(p.W).add(p.b).sub(target); // d = x @ W + b - t
  const e = p.V.mul(u).sub(s); // e = V * u - s
  const loss = d.mul(d).mean().add(e.mul(e).mean());
  return negate ? loss.neg() : loss;
}

/** Runs steps [from, to) of a fixture trajectory, comparing the loss and parameters. */
function follow(label: string, p: P, opt: optim.Optimizer, ref: Case, from = 0, to = ref.loss.length): void {
  for (let i = from; i < to; i++) {
    opt.zeroGrad();
    const loss = lossOf(p, ref.negate);
    loss.backward();
    opt.step();
    expectClose([loss.item()], [ref.loss[i]], { rtol: 1e-5, atol: 1e-6, label: `${label} loss ${i}` });
    for (const n of NAMES) {
      const want = ref[n][i];
      if (want !== null) expectClose(p[n], want, { rtol: 1e-5, atol: 1e-5, label: `${label} ${n} after step ${i + 1}` });
    }
  }
}

describe('optimisers against PyTorch 1.13 (20 steps)', () => {
  for (const [name, ref] of Object.entries(fx.optim)) {
    test(`${name}: trajectory, state keys and option names`, () => {
      const p = makeParams();
      const opt = makeOpt(ref, p);
      follow(name, p, opt, ref);
      expect(Array.from(p.frozen.data)).toEqual(Array.from(new Float32Array(S.frozen.data)));
      const sd = opt.stateDict();
      NAMES.forEach((n, i) => expect([n, Object.keys(sd.state[i] ?? {})]).toEqual([n, ref.state_keys[i]]));
      // PyTorch's option names, less foreach and differentiable (kiln does not keep them).
      expect(Object.keys(sd.param_groups[0]).sort()).toEqual(ref.group_keys.filter((k) => k !== 'foreach' && k !== 'differentiable').sort());
      expect(sd.state[0].step!.data[0]).toBe(ref.loss.length);
    });
  }
});

describe('stateDict round trip', () => {
  const cases: [string, Case][] = ['adadelta_options', 'adagrad_options', 'rmsprop_centered_momentum', 'adamax_options', 'nadam_options', 'radam_options'].map((n) => [n, fx.optim[n]]);
  test.each(cases)('%s: saved after 10 steps and loaded into a fresh optimiser, continues as the uninterrupted run', (name, ref) => {
    const a = makeParams();
    const optA = makeOpt(ref, a);
    follow(`${name} a`, a, optA, ref, 0, 10);
    const b = makeParams();
    for (const n of NAMES) b[n].data.set(a[n].data);
    const optB = makeOpt({ opt: ref.opt, options: { ...ref.options, lr: 123 } }, b);
    optB.loadStateDict(optA.stateDict());
    expect(optB.paramGroups[0].lr).toBe(ref.options.lr);
    follow(`${name} a rest`, a, optA, ref, 10);
    follow(`${name} b rest`, b, optB, ref, 10);
    for (const n of NAMES) expect(Array.from(b[n].data)).toEqual(Array.from(a[n].data));
  });

  test("a state dict with PyTorch's integer step (Adadelta, RMSprop) loads", () => {
    const p = makeParams();
    const opt = new optim.RMSprop([p.W]);
    lossOf(p).backward();
    opt.step();
    const sd = opt.stateDict();
    (sd.state[0] as Record<string, unknown>).step = 1;
    const fresh = new optim.RMSprop([makeParams().W]);
    fresh.loadStateDict(sd);
    expect(fresh.stateDict().state[0].step!.data[0]).toBe(1);
  });

  test('NAdam: mu_product is a scalar; a state tensor of another shape is refused', () => {
    const p = makeParams();
    const opt = new optim.NAdam([p.W]);
    lossOf(p).backward();
    opt.step();
    const sd = opt.stateDict();
    expect(sd.state[0].mu_product!.shape).toEqual([]);
    new optim.NAdam([makeParams().W]).loadStateDict(sd);
    sd.state[0].mu_product = new Tensor(new Float32Array(12), [3, 4]);
    expectError(() => new optim.NAdam([makeParams().W]).loadStateDict(sd), 'RangeError', /NAdam\.loadStateDict: expected shape \[\] for state\[0\]\.mu_product, got \[3, 4\]/);
  });

  test('Adagrad creates its state (sum = initialAccumulatorValue) at construction, as torch', () => {
    const p = makeParams();
    const sd = new optim.Adagrad([p.W, p.b], { initialAccumulatorValue: 0.25 }).stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(sd.state[0].step!.data[0]).toBe(0);
    expect(Array.from(sd.state[1].sum!.data)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  test('maximize in a loaded state dict is refused by an optimiser without it (NAdam) and taken by one with it', () => {
    const p = makeParams();
    const sd = new optim.Adamax([p.W], { maximize: true }).stateDict();
    expect(sd.param_groups[0].maximize).toBe(true);
    const other = new optim.Adamax([makeParams().W]);
    other.loadStateDict(sd);
    expect(other.paramGroups[0].maximize).toBe(true);
    const nsd = new optim.NAdam([makeParams().W]).stateDict();
    nsd.param_groups[0].maximize = true;
    expectError(() => new optim.NAdam([makeParams().W]).loadStateDict(nsd), 'RangeError', /NAdam\.loadStateDict: expected false \(kiln does not implement it\) for param_groups\[0\]\.maximize, got true/);
  });
});

describe('LBFGS against PyTorch 1.13', () => {
  for (const [name, ref] of Object.entries(fx.lbfgs)) {
    test(`${name}: loss, parameters, func_evals and n_iter after each step(closure)`, () => {
      let params: Record<string, Tensor>;
      let lossFn: () => Tensor;
      if (ref.problem === 'lsq') {
        const p = makeParams();
        params = p;
        lossFn = () => {
          const d = x.matmul(p.W).add(p.b).sub(target); // d = x @ W + b - t
          return d.mul(d).mean();
        };
      } else {
        params = Object.fromEntries(Object.entries(fx.lbfgs_mlp_init).map(([k, v]) => [k, t(v, true)]));
        const q = params;
        lossFn = () => {
          const h = x.matmul(q.W1).add(q.b1).tanh(); // tanh(x @ W1 + b1)
          const d = h.matmul(q.W2).add(q.b2).sub(target);
          return d.mul(d).mean();
        };
      }
      const opt = new optim.LBFGS(ref.names.map((n) => params[n]), ref.options);
      const closure = () => {
        opt.zeroGrad();
        const l = lossFn();
        l.backward();
        return l;
      };
      for (let i = 0; i < ref.loss.length; i++) {
        const loss = opt.step(closure) as Tensor;
        expectClose([loss.item()], [ref.loss[i]], { rtol: 1e-5, atol: 1e-6, label: `${name} loss ${i}` });
        for (const n of ref.names) {
          const want = (ref[n] as (number[] | null)[])[i];
          if (want !== null) expectClose(params[n], want, { rtol: 1e-5, atol: 1e-5, label: `${name} ${n} after step ${i + 1}` });
        }
        const st = opt.stateDict().state[0];
        expect([i, st.func_evals!.data[0], st.n_iter!.data[0]]).toEqual([i, ref.func_evals[i], ref.n_iter[i]]);
      }
    });
  }

  test('stateDict round trip: saved after 2 steps, a fresh LBFGS continues as the uninterrupted one', () => {
    const run = (p: P, opt: optim.LBFGS, steps: number) => {
      for (let i = 0; i < steps; i++) {
        opt.step(() => {
          opt.zeroGrad();
          const l = lossOf(p);
          l.backward();
          return l;
        });
      }
    };
    const opts = { maxIter: 3, historySize: 2, lineSearchFn: 'strong_wolfe' as const };
    const a = makeParams();
    const optA = new optim.LBFGS(NAMES.map((n) => a[n]), opts);
    run(a, optA, 2);
    const sd = optA.stateDict();
    expect(Object.keys(sd.state[0])).toEqual(['func_evals', 'n_iter', 'd', 't', 'old_dirs', 'old_stps', 'ro', 'H_diag', 'prev_flat_grad', 'prev_loss']);
    expect(sd.state[0].old_dirs!.shape).toEqual([2, 3 * 4 + 4 + 600 + 2]);
    expect(sd.param_groups[0]).toEqual({ lr: 1, max_iter: 3, max_eval: 3, tolerance_grad: 1e-7, tolerance_change: 1e-9, history_size: 2, line_search_fn: 'strong_wolfe', params: [0, 1, 2, 3] });
    const b = makeParams();
    for (const n of NAMES) b[n].data.set(a[n].data);
    const optB = new optim.LBFGS(NAMES.map((n) => b[n]), { ...opts, lineSearchFn: null });
    optB.loadStateDict(sd);
    expect(optB.paramGroups[0].lineSearchFn).toBe('strong_wolfe');
    run(a, optA, 3);
    run(b, optB, 3);
    for (const n of NAMES) expect(Array.from(b[n].data)).toEqual(Array.from(a[n].data));
  });

  test("defaults are PyTorch's, maxEval = floor(maxIter * 5 / 4)", () => {
    expect(new optim.LBFGS([makeParams().W]).defaults).toEqual({ lr: 1, maxIter: 20, maxEval: 25, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null });
    expect(new optim.LBFGS([makeParams().W], { maxIter: 7 }).defaults.maxEval).toBe(8);
  });

  test('step returns at once, after one evaluation, when the gradient is already below toleranceGrad', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new optim.LBFGS([w]);
    let calls = 0;
    const loss = opt.step(() => {
      calls++;
      opt.zeroGrad();
      const l = w.mul(0).sum();
      l.backward();
      return l;
    });
    expect([calls, (loss as Tensor).item(), Array.from(w.data)]).toEqual([1, 0, [1, 2]]);
  });
});

describe('bad options', () => {
  const W = () => makeParams().W;
  test.each([
    ['Adadelta', () => new optim.Adadelta([W()], { rho: 1.5 }), 'RangeError', /^Adadelta: expected a number in \[0, 1\] for rho, got 1\.5$/],
    ['Adadelta', () => new optim.Adadelta([W()], { lr: -1 }), 'RangeError', /^Adadelta: expected a non-negative number for lr, got -1$/],
    ['Adagrad', () => new optim.Adagrad([W()], { lrDecay: -0.1 }), 'RangeError', /^Adagrad: expected a non-negative number for lrDecay, got -0\.1$/],
    ['Adagrad', () => new optim.Adagrad([W()], { initialAccumulatorValue: -1 }), 'RangeError', /initialAccumulatorValue, got -1$/],
    ['Adagrad', () => new optim.Adagrad([W()], { lr_decay: 0.1 } as never), 'TypeError', /^Adagrad: expected an option among .* for option name, got 'lr_decay' \(did you mean lrDecay\?\)$/],
    ['RMSprop', () => new optim.RMSprop([W()], { alpha: -0.5 }), 'RangeError', /^RMSprop: expected a non-negative number for alpha, got -0\.5$/],
    ['RMSprop', () => new optim.RMSprop([W()], { centered: 1 } as never), 'TypeError', /RMSprop: expected a boolean for centered, got 1/],
    ['RMSprop', () => new optim.RMSprop([W()], { differentiable: true }), 'RangeError', /^RMSprop: expected false \(kiln does not implement it\) for differentiable, got true$/],
    ['Adamax', () => new optim.Adamax([W()], { betas: [0.9, 1] }), 'RangeError', /^Adamax: expected a number in \[0, 1\) for betas\[1\], got 1$/],
    ['NAdam', () => new optim.NAdam([W()], { momentumDecay: -1 }), 'RangeError', /^NAdam: expected a non-negative number for momentumDecay, got -1$/],
    ['NAdam', () => new optim.NAdam([W()], { maximize: true } as never), 'TypeError', /^NAdam: expected an option among .* for option name, got 'maximize'$/],
    ['RAdam', () => new optim.RAdam([W()], { eps: -1 }), 'RangeError', /^RAdam: expected a non-negative number for eps, got -1$/],
    ['RAdam', () => new optim.RAdam([W()], { foreach: 'yes' } as never), 'TypeError', /RAdam: expected a boolean for foreach, got 'yes'/],
    ['LBFGS', () => new optim.LBFGS([W()], { maxIter: 0 }), 'RangeError', /LBFGS: expected .* for maxIter, got 0/],
    ['LBFGS', () => new optim.LBFGS([W()], { lineSearchFn: 'backtracking' } as never), 'RangeError', /LBFGS: expected 'strong_wolfe' for lineSearchFn, got 'backtracking'/],
    ['LBFGS', () => new optim.LBFGS([{ params: [W()] }, { params: [W()] }]), 'TypeError', /LBFGS: expected parameters in one group .* for params, got '2 groups'/],
    ['LBFGS', () => new optim.LBFGS([W()]).addParamGroup({ params: [W()] }), 'TypeError', /LBFGS\.addParamGroup: expected no second group/],
    ['LBFGS', () => (new optim.LBFGS([W()]) as unknown as { step(): unknown }).step(), 'TypeError', /^LBFGS\.step: expected a function that re-evaluates the model and returns the loss for closure, got undefined$/],
    ['LBFGS', () => new optim.LBFGS([W()]).step(() => 'x'), 'TypeError', /LBFGS\.step: expected a closure returning the loss .* for closure\(\), got 'x'/],
    ['Adamax step', () => { const p = W(); const o = new optim.Adamax([p]); p.grad = tensor([1, 2]); o.step(); }, 'RangeError', /Adamax\.step: expected its parameter's shape \[3, 4\] for a parameter's grad, got \[2\]/],
    ['Adagrad step', () => { const p = W(); const o = new optim.Adagrad([p]); o.paramGroups[0].eps = -1; p.grad = tensor(new Float32Array(12), { shape: [3, 4] }); o.step(); }, 'RangeError', /Adagrad\.step: expected a non-negative number for paramGroups\[0\]\.eps, got -1/],
  ] as [string, () => unknown, 'TypeError' | 'RangeError', RegExp][])('%s: %s', (_label, fn, name, re) => expectError(fn, name, re));

  test('the native steps check their buffers', () => {
    const f = (n: number) => new Float32Array(n);
    expectError(() => native.adadeltaStep(f(4), f(3), f(4), f(4), 1, 0.9, 1e-6, 0, false), 'RangeError', /adadeltaStep: expected squareAvg to hold 4 elements, got 3/);
    expectError(() => native.rmspropStep(f(4), f(4), null, f(2), f(4), 0.01, 0.99, 1e-8, 0, 0.9, false), 'RangeError', /rmspropStep: expected momentumBuffer to hold 4 elements, got 2/);
    expectError(() => native.radamStep(f(4), f(4), f(4), f(4), 0, 0.01, 0.9, 0.999, 1e-8, 0), 'RangeError', /radamStep: expected .* for step, got 0/);
    expectError(() => native.nadamStep(f(4), f(4), f(4), f(4), 0.9, 0.999, 1e-8, 0, 0, -1, -1), 'RangeError', /nadamStep: expected a number in \(0, 1\] for biasCorrection2, got 0/);
  });
});

describe('a user optimiser on the exported base class (the Optimizer TSDoc example)', () => {
  interface MySGDOptions {
    lr: number;
    momentum: number;
  }
  class MySGD extends optim.Optimizer<MySGDOptions> {
    constructor(params: Iterable<Tensor>, opts: Partial<MySGDOptions> = {}) {
      super(params, { lr: opts.lr ?? 0.01, momentum: opts.momentum ?? 0 }, (where, o, prefix) => {
        optim.checkNonNegative(where, `${prefix}lr`, o.lr);
        optim.checkNonNegative(where, `${prefix}momentum`, o.momentum);
      });
    }
    step(closure?: () => unknown): unknown {
      const loss = optim.runClosure('MySGD.step', closure);
      this.paramGroups.forEach((group, i) => {
        this.checkGroup(group, i);
        for (const p of group.params) {
          const g = optim.gradOf('MySGD.step', p);
          if (g === null) continue;
          let state = this.state.get(p);
          if (state === undefined) this.state.set(p, (state = { momentum_buffer: new Tensor(new Float32Array(p.numel), p.shape.slice()) }));
          const b = state.momentum_buffer!.data;
          for (let j = 0; j < g.length; j++) {
            b[j] = group.momentum * b[j] + g[j];
            p.data[j] -= group.lr * b[j];
          }
        }
      });
      return loss;
    }
  }

  test('follows torch.optim.SGD(momentum) and round-trips its state dict', () => {
    const a = makeParams();
    const opt = new MySGD([a.W, a.b], { lr: 0.05, momentum: 0.9 });
    const sgdP = makeParams();
    const sgd = new optim.SGD([sgdP.W, sgdP.b], { lr: 0.05, momentum: 0.9 });
    for (let i = 0; i < 5; i++) {
      for (const [o, p] of [[opt, a], [sgd, sgdP]] as [optim.Optimizer, P][]) {
        o.zeroGrad();
        lossOf(p).backward();
        o.step();
      }
    }
    expectClose(a.W, sgdP.W, { rtol: 1e-6, atol: 1e-7, label: 'MySGD vs SGD' });
    const sd = opt.stateDict();
    expect(Object.keys(sd.state[0])).toEqual(['momentum_buffer']);
    expect(sd.param_groups[0]).toEqual({ lr: 0.05, momentum: 0.9, params: [0, 1] });
    const fresh = new MySGD([makeParams().W, makeParams().b]);
    fresh.loadStateDict(sd);
    expect(fresh.paramGroups[0].momentum).toBe(0.9);
    expectError(() => new MySGD([a.W], { lr: -1 }), 'RangeError', /^MySGD: expected a non-negative number for lr, got -1$/);
    expectError(() => fresh.addParamGroup({ params: [a.V], maximize: true }), 'RangeError', /MySGD: expected false \(kiln does not implement it\) for paramGroups\[1\]\.maximize, got true/);
  });
});

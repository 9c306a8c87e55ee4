// Learning-rate schedulers against PyTorch 1.13's printed sequences (test/fixtures/gen_train.py).
import { tensor, optim } from '../lib';
import { expectClose, expectError, loadFixture } from './helpers';

const { StepLR, CosineAnnealingLR, LinearLR } = optim.lrScheduler;

interface SchedCase {
  kind: 'StepLR' | 'CosineAnnealingLR' | 'LinearLR';
  opts: Record<string, number>;
  lrs: number[];
  seq: number[][];
}
const cases = loadFixture<{ sched: Record<string, SchedCase> }>('train').sched;

function make(c: SchedCase) {
  const groups = c.lrs.map((lr) => ({ params: [tensor([0], { requiresGrad: true })], lr }));
  const opt = new optim.SGD(groups, { lr: c.lrs[0] });
  const Cls = { StepLR, CosineAnnealingLR, LinearLR }[c.kind] as unknown as new (o: optim.Optimizer, opts: unknown) => optim.lrScheduler.LRScheduler;
  return { opt, sched: new Cls(opt, c.opts) };
}

describe('lr sequences match PyTorch', () => {
  for (const [name, c] of Object.entries(cases)) {
    test(name, () => {
      const { opt, sched } = make(c);
      // seq[0] is get_last_lr() after construction; seq[i] after the i-th sched.step()
      c.seq.forEach((want, i) => {
        if (i > 0) {
          opt.step();
          sched.step(); // sched.step()
        }
        expectClose(sched.getLastLr(), want, { rtol: 1e-12, atol: 1e-15, label: `${name} step ${i}` });
        expect(opt.paramGroups.map((g) => g.lr)).toEqual(sched.getLastLr());
      });
    });
  }

  test('stateDict / loadStateDict resumes the sequence', () => {
    const c = cases['cosine'];
    const a = make(c);
    for (let i = 0; i < 7; i++) a.sched.step();
    const sd = a.sched.stateDict();
    expect(sd).toMatchObject({ T_max: 10, eta_min: 0.001, base_lrs: [0.1, 0.01], last_epoch: 7 });
    // The schedulers are chainable (each step starts from the groups' current lr), so, as in
    // PyTorch, resuming needs the optimiser's state dict too (it holds the lrs).
    const b = make(c);
    b.opt.loadStateDict(a.opt.stateDict());
    b.sched.loadStateDict(JSON.parse(JSON.stringify(sd)));
    expect(b.sched.getLastLr()).toEqual(a.sched.getLastLr());
    for (let i = 8; i < c.seq.length; i++) {
      b.sched.step();
      expectClose(b.sched.getLastLr(), c.seq[i], { rtol: 1e-12, label: `resumed step ${i}` });
    }
  });

  test('construction records initialLr (PyTorch initial_lr), which the optimizer state dict carries', () => {
    const { opt } = make(cases['step']);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.01]);
    expect(opt.stateDict().param_groups[0]).toMatchObject({ initial_lr: 0.1, lr: 0.1 });
  });
});

describe('bad settings', () => {
  const opt = () => new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
  test('errors name the option', () => {
    expectError(() => new StepLR({} as never, { stepSize: 1 }), 'TypeError', /StepLR: expected an Optimizer for optimizer, got an object/);
    expectError(() => new StepLR(opt(), {} as never), 'TypeError', /StepLR: expected an integer for stepSize, got undefined/);
    expectError(() => new StepLR(opt(), { stepSize: 0 }), 'RangeError', /StepLR: expected an integer >= 1 for stepSize, got 0/);
    expectError(() => new StepLR(opt(), { stepSize: 2.5 }), 'RangeError', /for stepSize, got 2.5/);
    expectError(() => new StepLR(opt(), { stepSize: 2, gamma: NaN }), 'RangeError', /expected a finite number for gamma, got NaN/);
    expectError(() => new CosineAnnealingLR(opt(), { tMax: -3 }), 'RangeError', /CosineAnnealingLR: expected an integer >= 1 for tMax, got -3/);
    expectError(() => new LinearLR(opt(), { startFactor: 1.5 }), 'RangeError', /LinearLR: expected a number in \(0, 1\] for startFactor, got 1.5/);
    expectError(() => new LinearLR(opt(), { endFactor: -0.5 }), 'RangeError', /expected a number in \[0, 1\] for endFactor, got -0.5/);
  });
  test('a failed construction leaves the optimiser untouched', () => {
    const o = opt();
    expect(() => new StepLR(o, { stepSize: 0 })).toThrow();
    expect(o.paramGroups[0].initialLr).toBeUndefined();
  });
});

describe('bad options of the other schedulers', () => {
  const opt = () => new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
  const S = optim.lrScheduler;
  test('unknown options are a TypeError naming them (torch spells T_max tMax, T_0 t0)', () => {
    expectError(() => new S.StepLR(opt(), { stepSize: 2, step_size: 2 } as never), 'TypeError', /StepLR: expected an option among stepSize, gamma for option name, got 'step_size'/);
    expectError(() => new S.CosineAnnealingWarmRestarts(opt(), { T_0: 5 } as never), 'TypeError', /CosineAnnealingWarmRestarts: expected an option among t0, tMult, etaMin for option name, got 'T_0'/);
    expectError(() => new S.ReduceLROnPlateau(opt(), { min_lr: 0 } as never), 'TypeError', /ReduceLROnPlateau: expected an option among .* for option name, got 'min_lr'/);
  });
  test('ExponentialLR, MultiStepLR', () => {
    expectError(() => new S.ExponentialLR(opt(), {} as never), 'TypeError', /ExponentialLR: expected a number for gamma, got undefined/);
    expectError(() => new S.MultiStepLR(opt(), { milestones: 3 } as never), 'TypeError', /MultiStepLR: expected an array of integers for milestones, got 3/);
    expectError(() => new S.MultiStepLR(opt(), { milestones: [2, -1] }), 'RangeError', /MultiStepLR: expected a non-negative integer for milestones\[1\], got -1/);
  });
  test('LambdaLR', () => {
    expectError(() => new S.LambdaLR(opt(), { lrLambda: 0.5 } as never), 'TypeError', /LambdaLR: expected a function \(or an array of one per parameter group\) for lrLambda, got 0.5/);
    expectError(() => new S.LambdaLR(opt(), { lrLambda: [() => 1, () => 1] }), 'RangeError', /LambdaLR: expected 1 functions \(one per parameter group\) for lrLambda, got 2/);
    expectError(() => new S.LambdaLR(opt(), { lrLambda: () => 'x' as never }), 'TypeError', /LambdaLR.step: expected a number from lrLambda for lrLambda\(0\), got 'x'/);
  });
  test('CosineAnnealingWarmRestarts', () => {
    expectError(() => new S.CosineAnnealingWarmRestarts(opt(), { t0: 0 }), 'RangeError', /expected an integer >= 1 for t0, got 0/);
    expectError(() => new S.CosineAnnealingWarmRestarts(opt(), { t0: 5, tMult: 1.5 }), 'RangeError', /expected an integer >= 1 for tMult, got 1.5/);
  });
  test('OneCycleLR', () => {
    expectError(() => new S.OneCycleLR(opt(), { maxLr: 0.1 }), 'TypeError', /OneCycleLR: expected totalSteps, or epochs and stepsPerEpoch for totalSteps, got undefined/);
    expectError(() => new S.OneCycleLR(opt(), { maxLr: 0.1, epochs: 3 }), 'TypeError', /expected an integer for stepsPerEpoch, got undefined/);
    expectError(() => new S.OneCycleLR(opt(), { maxLr: -1, totalSteps: 10 }), 'RangeError', /expected a positive number for maxLr, got -1/);
    expectError(() => new S.OneCycleLR(opt(), { maxLr: [0.1, 0.2], totalSteps: 10 }), 'RangeError', /expected 1 values \(one per parameter group\) for maxLr, got 2/);
    expectError(() => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, pctStart: 1.5 }), 'RangeError', /expected a number in \[0, 1\] for pctStart, got 1.5/);
    expectError(() => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }), 'RangeError', /expected pctStart \* totalSteps other than 1 .* for pctStart, got 0.1/);
    expectError(() => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, annealStrategy: 'exp' as never }), 'RangeError', /OneCycleLR: expected 'cos' or 'linear' for annealStrategy, got 'exp'/);
    const adam = new optim.Adam([tensor([0], { requiresGrad: true })]);
    expectError(() => new S.OneCycleLR(adam, { maxLr: 0.1, totalSteps: 10, maxMomentum: 1 }), 'RangeError', /expected a number in \[0, 1\) for maxMomentum, got 1/);
    class Plain extends optim.Optimizer {
      constructor() { super([tensor([0], { requiresGrad: true })], { lr: 0.1 }, () => {}); }
      step() {}
    }
    const p = new Plain();
    expectError(() => new S.OneCycleLR(p, { maxLr: 0.1, totalSteps: 10 }), 'RangeError', /expected an optimizer with momentum or betas .* for optimizer, got a Plain/);
    expect(p.paramGroups[0].initialLr).toBeUndefined(); // a failed construction changes nothing
    new S.OneCycleLR(p, { maxLr: 0.1, totalSteps: 10, cycleMomentum: false });
    const o = opt();
    const s = new S.OneCycleLR(o, { maxLr: 0.1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) s.step();
    const lr = o.paramGroups[0].lr;
    // torch: "Tried to step 5 times. The specified number of total steps is 3"
    expectError(() => s.step(), 'RangeError', /OneCycleLR.step: expected at most 3 steps after construction for totalSteps, got 4/);
    expect([s.lastEpoch, o.paramGroups[0].lr]).toEqual([3, lr]);
  });
  test('ReduceLROnPlateau', () => {
    expectError(() => new S.ReduceLROnPlateau({} as never), 'TypeError', /ReduceLROnPlateau: expected an Optimizer for optimizer, got an object/);
    expectError(() => new S.ReduceLROnPlateau(opt(), { factor: 1 }), 'RangeError', /expected a number in \[0, 1\) for factor, got 1/);
    expectError(() => new S.ReduceLROnPlateau(opt(), { mode: 'maximum' as never }), 'RangeError', /ReduceLROnPlateau: expected 'min' or 'max' for mode, got 'maximum'/);
    expectError(() => new S.ReduceLROnPlateau(opt(), { thresholdMode: 'x' as never }), 'RangeError', /expected 'rel' or 'abs' for thresholdMode, got 'x'/);
    expectError(() => new S.ReduceLROnPlateau(opt(), { patience: -1 }), 'RangeError', /expected a non-negative integer for patience, got -1/);
    expectError(() => new S.ReduceLROnPlateau(opt(), { minLr: [0, 0] }), 'RangeError', /expected 1 values \(one per parameter group\) for minLr, got 2/);
    const s = new S.ReduceLROnPlateau(opt());
    expectError(() => s.step('0.5' as never), 'TypeError', /ReduceLROnPlateau.step: expected a number or a one-element Tensor for metric, got '0.5'/);
    expectError(() => s.step(tensor([1, 2])), 'TypeError', /for metric, got a Tensor of shape \[2\]/);
    s.step(tensor(0.5));
    expect(s.best).toBe(0.5);
    expectError(() => s.loadStateDict({ ...s.stateDict(), mode: 'x' }), 'RangeError', /ReduceLROnPlateau.loadStateDict: expected 'min' or 'max' for mode, got 'x'/);
    // JSON writes best = Infinity as null: it loads as the mode's worst value
    const fresh = new S.ReduceLROnPlateau(opt(), { mode: 'max' });
    fresh.loadStateDict(JSON.parse(JSON.stringify(fresh.stateDict())));
    expect(fresh.best).toBe(-Infinity);
  });
  test('SequentialLR and ChainedScheduler', () => {
    const o = opt();
    const a = new S.LinearLR(o, { totalIters: 3 });
    const b = new S.ExponentialLR(o, { gamma: 0.9 });
    expectError(() => new S.SequentialLR(o, { schedulers: [a, b], milestones: [] }), 'RangeError', /SequentialLR: expected 1 milestones \(one fewer than the 2 schedulers\) for milestones, got \[\]/);
    expectError(() => new S.SequentialLR(o, { schedulers: [], milestones: [] }), 'TypeError', /expected a non-empty array of schedulers for schedulers, got \[\]/);
    expectError(() => new S.SequentialLR(o, { schedulers: [a, new S.StepLR(opt(), { stepSize: 2 })], milestones: [3] }), 'RangeError', /SequentialLR: expected a scheduler of the optimizer passed in for schedulers\[1\], got a StepLR/);
    expectError(() => new S.SequentialLR(o, { schedulers: [a, new S.ReduceLROnPlateau(o) as never], milestones: [3] }), 'TypeError', /for schedulers\[1\], got a ReduceLROnPlateau/);
    expectError(() => new S.ChainedScheduler([a, new S.StepLR(opt(), { stepSize: 2 })]), 'RangeError', /ChainedScheduler: expected a scheduler of the same optimizer as schedulers\[0\] for schedulers\[1\]/);
    const seq = new S.SequentialLR(o, { schedulers: [a, b], milestones: [3] });
    const sd = seq.stateDict();
    const bad = { ...sd, _schedulers: [(sd._schedulers as object[])[0], { ...(sd._schedulers as Record<string, unknown>[])[1], gamma: 'x' }] };
    const before = JSON.stringify(seq.stateDict());
    expectError(() => seq.loadStateDict(bad), 'TypeError', /ExponentialLR.loadStateDict: expected a number for gamma, got 'x'/);
    expect(JSON.stringify(seq.stateDict())).toBe(before); // nothing half-loaded
  });
  test('MultiStepLR loads PyTorch\'s Counter form of milestones', () => {
    const o = opt();
    const s = new S.MultiStepLR(o, { milestones: [5, 2, 5] });
    expect(s.milestones).toEqual([2, 5, 5]);
    expect(s.stateDict().milestones).toEqual({ 2: 1, 5: 2 });
    s.loadStateDict({ ...s.stateDict(), milestones: { 3: 1, 7: 2 } });
    expect(s.milestones).toEqual([3, 7, 7]);
    expectError(() => s.loadStateDict({ ...s.stateDict(), milestones: { 3: -1 } }), 'RangeError', /MultiStepLR.loadStateDict: expected a non-negative integer for milestones\[3\], got -1/);
  });
});

test('OneCycleLR.loadStateDict rejects a state dict that cycles a momentum this optimiser has not', () => {
  const S = optim.lrScheduler;
  const adam = new optim.Adam([tensor([0], { requiresGrad: true })]);
  const sgd = () => new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
  const fromAdam = new S.OneCycleLR(adam, { maxLr: 0.1, totalSteps: 20 }).stateDict();
  const s = new S.OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 20 });
  expectError(() => s.loadStateDict(fromAdam), 'RangeError', /OneCycleLR.loadStateDict: expected false \(this optimizer has no betas\) for use_beta1, got true/);
  const plain = new S.OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 20, cycleMomentum: false });
  const cycling = new S.OneCycleLR(sgd(), { maxLr: 0.1, totalSteps: 20 }).stateDict();
  expectError(() => plain.loadStateDict(cycling), 'RangeError', /expected false for an optimizer whose groups have no maxMomentum\/baseMomentum \(paramGroups\[0\]\) for cycle_momentum, got true/);
  s.step();
});

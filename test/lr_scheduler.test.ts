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
    const b = make(c);
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

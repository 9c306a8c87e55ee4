// Schedulers against PyTorch 1.13 (test/fixtures/gen_sched.py): lr and momentum sequences over
// 20-60 steps with two parameter groups, lrs set by hand mid-schedule, two schedulers on one
// optimiser, SequentialLR / ChainedScheduler, ReduceLROnPlateau over metric sequences, the
// final state dicts (PyTorch's keys and values), and stateDict round trips mid-schedule.
import { tensor, optim } from '../lib';
import { expectClose, loadFixture } from './helpers';

const S = optim.lrScheduler;

interface SchedSpec { kind: string; opts: Record<string, unknown> }
interface Case {
  opt: 'SGD' | 'Adam';
  optOpts: Record<string, unknown>;
  lrs: number[];
  scheds: SchedSpec[];
  wrap: { kind: 'SequentialLR'; milestones: number[] } | { kind: 'ChainedScheduler' } | null;
  steps: number;
  manual: Record<string, (number | null)[]>;
  metrics: (number | 'NaN')[] | null;
  seq: number[][];
  momentum: number[][];
  last: number[][];
  state: Record<string, unknown>;
}
const { cases } = loadFixture<{ cases: Record<string, Case> }>('sched');

// The same functions as gen_sched.py's LAMBDAS.
const LAMBDAS: Record<string, (e: number) => number> = {
  decay: (e) => 0.9 ** e,
  warm: (e) => Math.min(1.0, (e + 1) / 5),
  steps: (e) => 0.5 ** Math.floor(e / 4),
};

type Stepper = { step(metric?: number): void; getLastLr(): number[]; stateDict(): Record<string, unknown>; loadStateDict(sd: Record<string, unknown>): void };

function build(c: Case) {
  const params = c.lrs.map(() => tensor([0], { requiresGrad: true }));
  const groups = params.map((p, i) => ({ params: [p], lr: c.lrs[i] }));
  const opt = c.opt === 'SGD' ? new optim.SGD(groups, { lr: c.lrs[0], ...c.optOpts }) : new optim.Adam(groups, { lr: c.lrs[0], ...c.optOpts });
  const made = c.scheds.map(({ kind, opts }) => {
    const o: Record<string, unknown> = { ...opts };
    if (typeof o.lrLambda === 'string') o.lrLambda = LAMBDAS[o.lrLambda];
    else if (Array.isArray(o.lrLambda)) o.lrLambda = (o.lrLambda as string[]).map((n) => LAMBDAS[n]);
    const Cls = (S as unknown as Record<string, new (opt: optim.Optimizer, o: unknown) => Stepper>)[kind];
    return new Cls(opt, o);
  }) as Stepper[];
  let driver: Stepper | null = null;
  if (c.wrap?.kind === 'SequentialLR') driver = new S.SequentialLR(opt, { schedulers: made as unknown as optim.lrScheduler.LRScheduler[], milestones: c.wrap.milestones });
  else if (c.wrap?.kind === 'ChainedScheduler') driver = new S.ChainedScheduler(made as unknown as optim.lrScheduler.LRScheduler[]);
  const metric = (i: number) => (c.metrics![i] === 'NaN' ? NaN : (c.metrics![i] as number));
  const step = (i: number) => {
    // as the generator: opt.step(); lrs set by hand; the scheduler step
    for (const p of params) p.grad = tensor([1]);
    opt.step();
    (c.manual[String(i + 1)] ?? []).forEach((lr, g) => {
      if (lr !== null) opt.paramGroups[g].lr = lr;
    });
    if (driver) driver.step();
    else for (const s of made) s instanceof S.ReduceLROnPlateau ? s.step(metric(i)) : s.step();
  };
  return { opt, made, main: driver ?? made[made.length - 1], step };
}

const lrsOf = (opt: optim.Optimizer) => opt.paramGroups.map((g) => g.lr);
const momentaOf = (opt: optim.Optimizer) => opt.paramGroups.map((g) => (Array.isArray(g['betas']) ? (g['betas'] as number[])[0] : ((g['momentum'] as number | undefined) ?? 0)));

/** JSON's view of a state dict, with ±Infinity as the generator writes them. */
function jsonState(sd: unknown): unknown {
  return JSON.parse(JSON.stringify(sd, (_k, v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v)));
}

describe('sequences match PyTorch 1.13', () => {
  for (const [name, c] of Object.entries(cases)) {
    test(name, () => {
      const { opt, main, step } = build(c);
      for (let i = 0; i <= c.steps; i++) {
        if (i > 0) step(i - 1);
        const label = `${name} after step ${i}`;
        expectClose(lrsOf(opt), c.seq[i], { rtol: 1e-12, atol: 0, label: `${label}: lr` });
        expectClose(main.getLastLr(), c.last[i], { rtol: 1e-12, atol: 0, label: `${label}: getLastLr` });
        expectClose(momentaOf(opt), c.momentum[i], { rtol: 1e-12, atol: 0, label: `${label}: momentum` });
      }
      // state_dict: the same keys, in PyTorch's order, and values
      const sd = jsonState(main.stateDict()) as Record<string, unknown>;
      expect(Object.keys(sd)).toEqual(Object.keys(c.state));
      expect(sd).toEqual(closeTo(c.state));
    });
  }
});

/** The expected state with numbers matched to 1e-12 relative (float sums may differ in the last bit). */
function closeTo(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : expect.closeTo(v, Math.max(0, -Math.floor(Math.log10(Math.abs(v) || 1)) + 12));
  if (Array.isArray(v)) return v.map(closeTo);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, closeTo(x)]));
  return v;
}

describe('stateDict round trip mid-schedule: the resumed run continues as the uninterrupted one', () => {
  for (const [name, c] of Object.entries(cases)) {
    // A LambdaLR's functions and a hand-set lr live outside the state dicts, as in PyTorch:
    // the resumed run is rebuilt with the same functions and replays the same manual changes.
    test(name, () => {
      const half = Math.floor(c.steps / 2);
      const a = build(c);
      for (let i = 0; i < half; i++) a.step(i);
      // Without a wrapper every scheduler on the optimiser is saved (two stacked ones, say).
      const own = (x: ReturnType<typeof build>) => (c.wrap ? [x.main] : x.made);
      const saved = { opt: a.opt.stateDict(), scheds: own(a).map((s) => JSON.parse(JSON.stringify(s.stateDict())) as Record<string, unknown>) };
      // best/mode_worse of a plateau scheduler may be ±Infinity: JSON writes null, which loads as the mode's worst value.
      const b = build(c);
      b.opt.loadStateDict(saved.opt);
      own(b).forEach((s, k) => s.loadStateDict(saved.scheds[k]));
      expect(b.main.getLastLr()).toEqual(a.main.getLastLr());
      for (let i = half; i < c.steps; i++) {
        b.step(i);
        expectClose(lrsOf(b.opt), c.seq[i + 1], { rtol: 1e-12, atol: 0, label: `${name} resumed, step ${i + 1}: lr` });
        expectClose(momentaOf(b.opt), c.momentum[i + 1], { rtol: 1e-12, atol: 0, label: `${name} resumed, step ${i + 1}: momentum` });
      }
    });
  }
});

// Fuzz entries for kiln.optim (optimisers, lrScheduler), kiln.data, save/load, Trainer and
// its callbacks.
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tensor, nn, optim, data, save, load, Trainer, callbacks } from '../../lib';
import { Entry } from './engine';
import { boolKind, brokenTensor, choiceKind, filled, fnKind, intKind, junk, loose, numKind, optionsKind, strict, tensorKind } from './kinds';
import { api, isFsError, modelAndOptimizer, optimizerArb, smallModel, tensorArb, withGrads } from './api-common';
import { BAD_NUMBERS, detachedF32, show } from './values';

const optional = { optional: true };
const sched = optim.lrScheduler;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-fuzz-io-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
const freshFile = () => path.join(dir, `f${fileCount++}.safetensors`);
const savedFile = path.join(dir, 'saved.safetensors');
let savedReady: Promise<void> | null = null;

/** Counts of 1 or more where a loop runs that many times: huge values would hang the case, not test it. */
const countKind = (names: string[]) => () =>
  fc.oneof(junk(false, names), fc.constantFrom(...BAD_NUMBERS.filter((v) => !(Number.isInteger(v) && v >= 1 && v < 2 ** 53))).map((v) => strict(show(v), v, names)), fc.constant(strict('0', 0, names)));

/** A file path: not a string, empty, a NUL byte, a folder, a folder that does not exist. */
const pathKind = (names: string[]) => () =>
  fc.oneof(
    junk(false, names).filter((c) => typeof c.value !== 'string'),
    fc.constantFrom<[string, string]>(["''", ''], ['a NUL byte', path.join(dir, 'a\0b')], ['a folder', dir], ['a missing folder', path.join(dir, 'missing', 'x.safetensors')]).map(([l, v]) =>
      strict(l, v, names),
    ),
  );

const paramsKind = () =>
  fc.oneof(
    junk(false, ['params']),
    fc
      .constantFrom<[string, () => unknown]>(
        ['[]', () => []],
        ['[1]', () => [1]],
        ['[{}]', () => [{}]],
        ['[{ params: 5 }]', () => [{ params: 5 }]],
        ['[{ params: [] }]', () => [{ params: [] }]],
        ['the same tensor twice', () => { const t = filled([2]); return [t, t]; }],
        ['a non-leaf tensor', () => [filled([2]).requiresGrad_().mul(2)]],
        ['[{ params: [t], lr: -1 }]', () => [{ params: [filled([2])], lr: -1 }]],
        ["[{ params: [t], betas: 'x' }]", () => [{ params: [filled([2])], betas: 'x' }]],
        ['[{ params: [t], maximize: true }]', () => [{ params: [filled([2])], maximize: true }]],
      )
      .map(([l, make]) => strict(l, make(), ['params', 'lr', 'betas', 'maximize'])),
  );

const sgdKeys = { lr: numKind({ names: ['lr'] }), momentum: numKind({ optional: true, names: ['momentum'] }), dampening: numKind({ optional: true, names: ['dampening'] }), nesterov: boolKind({ optional: true, names: ['nesterov'] }), weightDecay: numKind({ optional: true, names: ['weightDecay'] }) };
const betasKind = () => fc.oneof(junk(true, ['betas']), fc.constantFrom<unknown>([0.9], [1, 0.9], [0.9, NaN], ['0.9', 0.99], [-0.1, 0.9], [0.9, 0.99, 0.9]).map((v) => strict(show(v), v, ['betas'])));
const adamKeys = { lr: numKind({ optional: true, names: ['lr'] }), betas: betasKind, eps: numKind({ optional: true, names: ['eps'] }), weightDecay: numKind({ optional: true, names: ['weightDecay'] }), amsgrad: boolKind({ optional: true, names: ['amsgrad'] }) };

const OPT_NAMES = ['stateDict', 'param_groups', 'state', 'params', 'lr', 'betas', 'exp_avg', 'step'];
/** An optimiser state dict with one thing wrong (for an Adam over smallModel). */
const optStateKind = () =>
  fc.oneof(
    junk(false, OPT_NAMES),
    fc
      .constantFrom<[string, (sd: optim.OptimizerStateDict) => unknown]>(
        ['no param_groups', (sd) => ({ state: sd.state })],
        ['two groups', (sd) => ({ ...sd, param_groups: [...sd.param_groups, ...sd.param_groups] })],
        ['params not an array', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], params: 5 }] })],
        ['lr -1', (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], lr: -1 }] })],
        ["betas 'x'", (sd) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], betas: 'x' }] })],
        ['state for parameter 99', (sd) => ({ ...sd, state: { 99: sd.state[0] } })],
        ['state entry a number', (sd) => ({ ...sd, state: { 0: 5 } })],
        ['exp_avg of the wrong shape', (sd) => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0], exp_avg: filled([7]) } } })],
        ['exp_avg a Float32Array', (sd) => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0], exp_avg: new Float32Array(12) } } })],
        ['exp_avg with data one short', (sd) => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0], exp_avg: (brokenOf(sd.state[0].exp_avg as Tensor, 11)) } } })],
        ['exp_avg detached', (sd) => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0], exp_avg: brokenOf(sd.state[0].exp_avg as Tensor, -1) } } })],
        ['step NaN', (sd) => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0], step: new Tensor(new Float32Array([NaN]), []) } } })],
        ['step of shape [0]', (sd) => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0], step: new Tensor(new Float32Array(0), [0]) } } })],
        ['step a string', (sd) => ({ ...sd, state: { ...sd.state, 0: { ...sd.state[0], step: '3' } } })],
      )
      .map(([l, f]) => {
        const { opt } = modelAndOptimizer('Adam');
        opt.step();
        return strict(l, f(opt.stateDict()), OPT_NAMES);
      }),
  );
function brokenOf(t: Tensor, n: number): Tensor {
  const c = new Tensor(t.data.slice(), t.shape.slice());
  (c as { data: Float32Array }).data = n < 0 ? detachedF32(t.numel) : new Float32Array(n);
  return c;
}

const schedulers: [string, Record<string, (v: unknown) => fc.Arbitrary<ReturnType<typeof strict>>>, Record<string, unknown>, (o: optim.Optimizer, opts: never) => optim.lrScheduler.LRScheduler][] = [
  ['StepLR', { stepSize: intKind({ names: ['stepSize'] }), gamma: numKind({ optional: true, names: ['gamma'] }) }, { stepSize: 2, gamma: 0.5 }, (o, opts) => new sched.StepLR(o, opts)],
  ['CosineAnnealingLR', { tMax: intKind({ names: ['tMax'] }), etaMin: numKind({ optional: true, names: ['etaMin'] }) }, { tMax: 10 }, (o, opts) => new sched.CosineAnnealingLR(o, opts)],
  ['LinearLR', { startFactor: numKind({ optional: true, names: ['startFactor'] }), endFactor: numKind({ optional: true, names: ['endFactor'] }), totalIters: intKind({ optional: true, names: ['totalIters'] }) }, { startFactor: 0.5, totalIters: 3 }, (o, opts) => new sched.LinearLR(o, opts)],
  ['MultiStepLR', { milestones: () => fc.oneof(junk(false, ['milestones']), fc.constantFrom<unknown>([-1], [1.5], ['2'], [NaN]).map((v) => strict(show(v), v, ['milestones']))), gamma: numKind({ optional: true, names: ['gamma'] }) }, { milestones: [2, 4] }, (o, opts) => new sched.MultiStepLR(o, opts)],
  ['ExponentialLR', { gamma: numKind({ names: ['gamma'] }) }, { gamma: 0.9 }, (o, opts) => new sched.ExponentialLR(o, opts)],
  ['CosineAnnealingWarmRestarts', { t0: intKind({ names: ['t0'] }), tMult: intKind({ optional: true, names: ['tMult'] }), etaMin: numKind({ optional: true, names: ['etaMin'] }) }, { t0: 3, tMult: 2 }, (o, opts) => new sched.CosineAnnealingWarmRestarts(o, opts)],
  ['LambdaLR', { lrLambda: () => fc.oneof(junk(false, ['lrLambda']), fc.constantFrom<[string, unknown]>(['[]', []], ["() => 'x'", () => 'x'], ['[f, f]', [() => 1, () => 1]]).map(([l, v]) => strict(l, v, ['lrLambda']))) }, { lrLambda: (t: number) => 0.9 ** t }, (o, opts) => new sched.LambdaLR(o, opts)],
  ['OneCycleLR', {
    maxLr: numKind({ names: ['maxLr'] }), totalSteps: intKind({ optional: true, names: ['totalSteps', 'epochs', 'stepsPerEpoch'] }), epochs: intKind({ optional: true, names: ['epochs', 'totalSteps'] }), stepsPerEpoch: intKind({ optional: true, names: ['stepsPerEpoch', 'totalSteps'] }),
    pctStart: numKind({ optional: true, names: ['pctStart'] }), annealStrategy: choiceKind({ optional: true, names: ['annealStrategy'] }), cycleMomentum: boolKind({ optional: true, names: ['cycleMomentum'] }),
    baseMomentum: numKind({ optional: true, names: ['baseMomentum'] }), maxMomentum: numKind({ optional: true, names: ['maxMomentum'] }), divFactor: numKind({ optional: true, names: ['divFactor'] }),
    finalDivFactor: numKind({ optional: true, names: ['finalDivFactor'] }), threePhase: boolKind({ optional: true, names: ['threePhase'] }),
  }, { maxLr: 0.1, totalSteps: 20 }, (o, opts) => new sched.OneCycleLR(o, opts)],
];

const SCHED_NAMES = ['stateDict', 'base_lrs', 'last_epoch', 'step_size', 'gamma', 'T_max', 'eta_min', 'start_factor', 'end_factor', 'total_iters', '_step_count', '_last_lr', 'milestones', 'T_0', 'T_i', 'T_mult', 'T_cur', 'lr_lambdas', 'total_steps', '_schedule_phases', 'anneal_func', 'cycle_momentum', 'use_beta1'];
const schedStateKind = () =>
  fc.oneof(
    junk(false, SCHED_NAMES),
    fc
      .constantFrom<[string, unknown]>(
        ['base_lrs missing', { last_epoch: 0 }],
        ["base_lrs ['x']", { base_lrs: ['x'], last_epoch: 0 }],
        ['two base_lrs', { base_lrs: [0.1, 0.1], last_epoch: 0, step_size: 1, gamma: 0.1 }],
        ['last_epoch NaN', { base_lrs: [0.1], last_epoch: NaN, step_size: 1, gamma: 0.1 }],
        ['step_size 0', { base_lrs: [0.1], last_epoch: 0, step_size: 0, gamma: 0.1 }],
        ["_last_lr 'x'", { base_lrs: [0.1], last_epoch: 0, step_size: 1, gamma: 0.1, _last_lr: 'x' }],
      )
      .map(([l, v]) => strict(l, v, SCHED_NAMES)),
  );

/** A dataset of n samples: x (n, 3), y (n,) class indices in [0, 2). */
const dataset = (n: number) => new data.TensorDataset(filled([n, 3]), new Tensor(Float32Array.from({ length: n }, (_, i) => i % 2), [n]));
/** Datasets and loaders that misbehave: get() returning junk, throwing, or samples of changing shapes. */
const datasetKind = () =>
  fc.oneof(
    junk(false, ['dataset']),
    fc
      .constantFrom<[string, unknown]>(
        ['length -1', { length: -1, get: () => [filled([3]), filled([])] }],
        ['length NaN', { length: NaN, get: () => [filled([3]), filled([])] }],
        ['length 2^53', { length: 2 ** 53, get: () => [filled([3]), filled([])] }],
        ['get not a function', { length: 2, get: 5 }],
        ['get returning 5', { length: 2, get: () => 5 }],
        ['get returning [Tensor]', { length: 2, get: () => [filled([3])] }],
        ["get returning ['1', 2]", { length: 2, get: () => ['1', 2] }],
        ['samples of changing shapes', { length: 3, get: (i: number) => [filled([i + 1]), filled([])] }],
        ['samples with broken data', { length: 2, get: () => [brokenOf(filled([3]), 2), filled([])] }],
      )
      .map(([l, v]) => strict(l, v, ['dataset', 'dataset.length', 'dataset.get(0)', 'dataset.get(1)', 'dataset.get(2)'])),
  );

/** Batches for fit/evaluate: not iterable, junk batches, shapes the model rejects. */
const batchesKind = (name: string) => () =>
  fc.oneof(
    junk(false, [name, 'batch 0']),
    fc
      .constantFrom<[string, () => unknown]>(
        ['[]', () => []],
        ['[5]', () => [5]],
        ['[[x]]', () => [[filled([2, 3])]]],
        ['[[x, 5]]', () => [[filled([2, 3]), 5]]],
        ['x of the wrong width', () => [[filled([2, 5]), filled([2])]]],
        ['y of the wrong count', () => [[filled([2, 3]), filled([3])]]],
        ['y out of range', () => [[filled([2, 3]), new Tensor(new Float32Array([0, 7]), [2])]]],
        ['x with broken data', () => [[brokenOf(filled([2, 3]), 5), filled([2])]]],
        ['a generator that throws', () => ({ *[Symbol.iterator]() { throw new RangeError(`${name}: expected nothing, got a generator that throws`); } })],
      )
      .map(([l, make]) => strict(l, make(), [name, 'batch 0', 'input', 'target', 'target[0]', 'target[1]', 'loss(output, target)'])),
  );

const trainerOf = () => {
  const model = new nn.Linear(3, 2);
  return new Trainer(model, { optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: new nn.CrossEntropyLoss(), metrics: ['accuracy'] });
};
const loaderArb = fc.integer({ min: 2, max: 9 }).map((n) => new data.DataLoader(dataset(n), { batchSize: 4 }));

export const TRAIN_TABLE: Entry[] = [
  // ---- optimisers ----
  api('new SGD', [['params', paramsKind], ['options', optionsKind(sgdKeys), { names: Object.keys(sgdKeys) }]], fc.constant(0).map(() => [smallModel().parameters(), { lr: 0.1, momentum: 0.9, nesterov: true }]),
    (a) => new optim.SGD(a[0] as Tensor[], a[1] as { lr: number })),
  ...(['Adam', 'AdamW'] as const).map((k) =>
    api(`new ${k}`, [['params', paramsKind], ['options', optionsKind(adamKeys), { optional: true, names: Object.keys(adamKeys) }]], fc.boolean().map((ams) => [smallModel().parameters(), { lr: 0.01, amsgrad: ams }]),
      (a) => new optim[k](a[0] as Tensor[], a[1] as {})),
  ),
  ...([
    ['Adadelta', { lr: 'n', rho: 'n', eps: 'n', weightDecay: 'n', maximize: 'b', foreach: 'b' }, { rho: 0.8, maximize: true }],
    ['Adagrad', { lr: 'n', lrDecay: 'n', weightDecay: 'n', initialAccumulatorValue: 'n', eps: 'n', maximize: 'b', foreach: 'b' }, { lrDecay: 0.1, initialAccumulatorValue: 0.1 }],
    ['RMSprop', { lr: 'n', alpha: 'n', eps: 'n', weightDecay: 'n', momentum: 'n', centered: 'b', maximize: 'b', foreach: 'b', differentiable: 'b' }, { momentum: 0.9, centered: true }],
    ['Adamax', { lr: 'n', betas: 'betas', eps: 'n', weightDecay: 'n', maximize: 'b', foreach: 'b' }, { lr: 0.01, weightDecay: 0.1 }],
    ['NAdam', { lr: 'n', betas: 'betas', eps: 'n', weightDecay: 'n', momentumDecay: 'n', foreach: 'b' }, { momentumDecay: 0.01 }],
    ['RAdam', { lr: 'n', betas: 'betas', eps: 'n', weightDecay: 'n', foreach: 'b' }, { weightDecay: 0.1 }],
  ] as const).map(([k, spec, valid]) => {
    const keys = Object.fromEntries(Object.entries(spec).map(([n, kind]) => [n, kind === 'n' ? numKind({ optional: true, names: [n] }) : kind === 'b' ? boolKind({ optional: true, names: [n] }) : betasKind]));
    return api(`new ${k}`, [['params', paramsKind], ['options', optionsKind(keys), { optional: true, names: [...Object.keys(keys), 'option name'] }]], fc.constant(0).map(() => [smallModel().parameters(), valid]),
      (a) => {
        const opt = new optim[k](a[0] as Tensor[], a[1] as {});
        for (const p of opt.paramGroups[0].params) p.grad = p.detach();
        opt.step();
      });
  }),
  api('new LBFGS', [['params', paramsKind], ['options', optionsKind(Object.fromEntries(['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize'].map((n) => [n, numKind({ optional: true, names: [n] })]))), { optional: true, names: ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn', 'option name'] }]],
    fc.constantFrom(null, 'strong_wolfe').map((ls) => [smallModel().parameters(), { maxIter: 3, lineSearchFn: ls }]),
    (a) => new optim.LBFGS(a[0] as Tensor[], a[1] as {})),
  api('LBFGS.step', [['closure', fnKind({ names: ['closure'] })]], fc.constant([() => 1]), (a) => new optim.LBFGS(smallModel().parameters()).step(a[0] as () => number)),
  api('Optimizer.step', [['closure', fnKind(optional), optional]], fc.constant([() => 1]), (a) => modelAndOptimizer('SGD').opt.step(a[0] as () => number)),
  api('Optimizer.zeroGrad', [['options', optionsKind({ setToNone: boolKind({ optional: true, names: ['setToNone'] }) }), { optional: true, names: ['setToNone'] }]], fc.boolean().map((b) => [{ setToNone: b }]),
    (a) => modelAndOptimizer('Adam').opt.zeroGrad(a[0] as {})),
  api('Optimizer.stateDict', [], fc.constant([]), () => modelAndOptimizer('AdamW').opt.stateDict()),
  api('Optimizer.loadStateDict', [['stateDict', optStateKind, { names: OPT_NAMES }]], fc.constant(0).map(() => {
    const { opt } = modelAndOptimizer('Adam');
    opt.step();
    return [opt.stateDict()];
  }), (a) => {
    const { opt } = modelAndOptimizer('Adam');
    opt.loadStateDict(a[0] as optim.OptimizerStateDict);
    opt.step();
  }),
  api('Optimizer.addParamGroup', [['group', () => fc.oneof(junk(false, ['paramGroups[1]', 'params']), paramsKind().map((c) => ({ ...c, value: { params: c.value } })))]],
    fc.constant(0).map(() => [{ params: [filled([2])], lr: 0.5 }]), (a) => modelAndOptimizer('SGD').opt.addParamGroup(a[0] as { params: Tensor[] })),
  api('paramGroupsWithDecay', [['model', () => junk(false, ['model'])], ['weightDecay', numKind()]], fc.constant(0).map(() => [smallModel(), 0.1]), (a) => optim.paramGroupsWithDecay(a[0] as nn.Module, a[1] as number)),
  // ---- schedulers ----
  ...schedulers.flatMap(([n, keys, valid, make]) => [
    api(`new ${n}`, [['optimizer', () => junk(false, ['optimizer'])], ['options', optionsKind(keys), { names: Object.keys(keys) }]], fc.tuple(optimizerArb, fc.constant(valid)), (a) => make(a[0] as optim.Optimizer, a[1] as never).step()),
    api(`${n}.loadStateDict`, [['stateDict', schedStateKind]], fc.constant(0).map(() => [make(modelAndOptimizer('SGD').opt, valid as never).stateDict()]), (a) => {
      const s = make(modelAndOptimizer('SGD').opt, valid as never);
      s.loadStateDict(a[0] as Record<string, unknown>);
      s.step();
    }),
  ]),
  api('new ReduceLROnPlateau', [['optimizer', () => junk(false, ['optimizer'])], ['options', optionsKind({
    mode: choiceKind({ optional: true, names: ['mode'] }), factor: numKind({ optional: true, names: ['factor'] }), patience: intKind({ optional: true, names: ['patience'] }), threshold: numKind({ optional: true, names: ['threshold'] }),
    thresholdMode: choiceKind({ optional: true, names: ['thresholdMode'] }), cooldown: intKind({ optional: true, names: ['cooldown'] }), minLr: numKind({ optional: true, names: ['minLr'] }), eps: numKind({ optional: true, names: ['eps'] }),
  }), { optional: true, names: ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps', 'option name'] }]], fc.tuple(optimizerArb, fc.constant({ patience: 1 })), (a) => new sched.ReduceLROnPlateau(a[0] as optim.Optimizer, a[1] as {}).step(1)),
  api('ReduceLROnPlateau.step', [['metric', () => junk(false, ['metric'])]], fc.double({ min: -10, max: 10, noNaN: true }).map((m) => [m]), (a) => new sched.ReduceLROnPlateau(modelAndOptimizer('SGD').opt).step(a[0] as number)),
  api('ReduceLROnPlateau.loadStateDict', [['stateDict', () => junk(false, ['stateDict', 'mode', 'factor', 'min_lrs', 'patience', 'cooldown', 'cooldown_counter', 'threshold', 'threshold_mode', 'best', 'num_bad_epochs', 'eps', 'last_epoch'])]],
    optimizerArb.map((o) => [new sched.ReduceLROnPlateau(o).stateDict()]), (a) => {
      const s = new sched.ReduceLROnPlateau(modelAndOptimizer('SGD').opt);
      s.loadStateDict(a[0] as Record<string, unknown>);
      s.step(1);
    }),
  api('new SequentialLR', [['optimizer', () => junk(false, ['optimizer', 'schedulers'])], ['options', optionsKind({ schedulers: () => junk(false, ['schedulers']), milestones: () => fc.oneof(junk(false, ['milestones']), fc.constantFrom<unknown>([], [1, 2], [-1], [1.5]).map((v) => strict(show(v), v, ['milestones']))) }), { names: ['schedulers', 'milestones', 'option name'] }]],
    optimizerArb.map((o) => [o, { schedulers: [new sched.LinearLR(o, { totalIters: 2 }), new sched.ExponentialLR(o, { gamma: 0.9 })], milestones: [2] }]), (a) => new sched.SequentialLR(a[0] as optim.Optimizer, a[1] as never).step()),
  api('new ChainedScheduler', [['schedulers', () => fc.oneof(junk(false, ['schedulers']), fc.constantFrom<unknown>([], [1]).map((v) => strict(show(v), v, ['schedulers'])))]],
    optimizerArb.map((o) => [[new sched.ExponentialLR(o, { gamma: 0.9 }), new sched.StepLR(o, { stepSize: 2 })]]), (a) => new sched.ChainedScheduler(a[0] as never).step()),
  // ---- data ----
  api('new TensorDataset', [['x', tensorKind()], ['y', tensorKind()]], fc.integer({ min: 1, max: 6 }).map((n) => [filled([n, 3]), filled([n])]), (a) => new data.TensorDataset(a[0] as Tensor, a[1] as Tensor)),
  api('TensorDataset.get', [['i', intKind()]], fc.integer({ min: -4, max: 3 }).map((i) => [i]), (a) => dataset(4).get(a[0] as number)),
  api('new DataLoader', [['dataset', datasetKind], ['options', optionsKind({ batchSize: intKind({ optional: true, names: ['batchSize'] }), shuffle: boolKind({ optional: true, names: ['shuffle'] }), dropLast: boolKind({ optional: true, names: ['dropLast'] }), generator: () => junk(true, ['generator']) }), { optional: true, names: ['batchSize', 'shuffle', 'dropLast', 'generator', 'option name'] }]],
    fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 5 }), fc.boolean()).map(([n, b, s]) => [dataset(Math.max(n, 1)), { batchSize: b, shuffle: s }]),
    (a) => Array.from(new data.DataLoader(a[0] as data.Dataset, a[1] as {}))),
  api('new Subset', [['dataset', datasetKind], ['indices', () => fc.oneof(junk(false, ['indices']), fc.constantFrom<[string, unknown]>(['[0, 9]', [0, 9]], ['[0.5, 0]', [0.5, 0]], ["['0', 0]", ['0', 0]], ['[-9, 0]', [-9, 0]]).map(([l, v]) => strict(l, v, ['indices[0]', 'indices[1]'])))]],
    fc.constant(0).map(() => [dataset(4), [1, 0]]), (a) => Array.from(new data.DataLoader(new data.Subset(a[0] as data.Dataset, a[1] as number[]), { batchSize: 2 }))),
  api('Subset.get', [['i', intKind()]], fc.integer({ min: -3, max: 2 }).map((i) => [i]), (a) => new data.Subset(dataset(4), [3, 1, 0]).get(a[0] as number)),
  api('new ConcatDataset', [['datasets', () => fc.oneof(junk(false, ['datasets']), datasetKind().map((c) => ({ ...c, value: [dataset(2), c.value], names: (c.names ?? []).flatMap((n) => [n, n.replace('dataset', 'datasets[1]')]).concat('datasets[1]') })))]],
    fc.constant(0).map(() => [[dataset(2), dataset(3)]]), (a) => Array.from(new data.DataLoader(new data.ConcatDataset(a[0] as data.Dataset[]), { batchSize: 2 }))),
  api('ConcatDataset.get', [['i', intKind()]], fc.integer({ min: -5, max: 4 }).map((i) => [i]), (a) => new data.ConcatDataset([dataset(2), dataset(3)]).get(a[0] as number)),
  api('data.randomSplit', [['dataset', datasetKind], ['lengths', () => fc.oneof(junk(false, ['lengths']), fc.constantFrom<[string, unknown]>(['[2, 3]', [2, 3]], ['[0.5, 0.6]', [0.5, 0.6]], ['[1.5, -0.5]', [1.5, -0.5]], ["['2', 2]", ['2', 2]], ['[NaN, 4]', [NaN, 4]]).map(([l, v]) => strict(l, v, ['lengths', 'lengths[0]', 'lengths[1]'])))],
    ['options', optionsKind({ generator: () => junk(true, ['generator']) }), { optional: true, names: ['generator', 'option name'] }]],
    fc.constantFrom<unknown>([2, 2], [0.5, 0.5], [0.3, 0.7]).map((l) => [dataset(4), l, {}]),
    (a) => data.randomSplit(a[0] as data.Dataset, a[1] as number[], a[2] as {}).map((s) => Array.from(new data.DataLoader(s, { batchSize: 2 })))),
  api('data.defaultCollate', [['samples', () => fc.oneof(junk(false, ['samples', 'samples[0]']), fc.constantFrom<[string, unknown]>(['[[x]]', [[filled([2])]]], ["[['a', 1]]", [['a', 1]]], ['ragged', [[filled([2]), 1], [filled([3]), 1]]]).map(([l, v]) => strict(l, v, ['samples[0]', 'samples[1]'])))]],
    fc.constant(0).map(() => [[[filled([2]), 1], [filled([2]), 0]]]), (a) => data.defaultCollate(a[0] as data.Sample[])),
  api('new AsyncDataLoader', [['source', () => junk(false, ['source', 'source()'])], ['options', optionsKind({ batchSize: intKind({ optional: true, names: ['batchSize'] }), dropLast: boolKind({ optional: true, names: ['dropLast'] }), collateFn: () => junk(true, ['collateFn']) }), { optional: true, names: ['batchSize', 'dropLast', 'collateFn', 'option name'] }]],
    fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 })).map(([n, b]) => [dataset(n), { batchSize: b }]),
    async (a) => {
      const out: unknown[] = [];
      for await (const b of new data.AsyncDataLoader(a[0] as data.Dataset, a[1] as {})) out.push(b);
      return out;
    }),
  api('new Normalize', [['mean', numKind()], ['std', numKind()]], fc.constant([0.5, 0.25]), (a) => new data.transforms.Normalize(a[0] as number, a[1] as number).forward(filled([1, 2, 2]))),
  api('Normalize.forward', [['x', tensorKind({ names: ['x'] })]], fc.constant(0).map(() => [filled([3, 2, 2])]), (a) => new data.transforms.Normalize([0, 1, 2], [1, 2, 3]).forward(a[0] as Tensor)),
  api('new Compose', [['transforms', () => fc.oneof(junk(false, ['transforms']), fc.constantFrom<[string, unknown]>(['[5]', [5]], ['[null]', [null]], ['[{}]', [{}]]).map(([l, v]) => strict(l, v, ['transforms[0]'])))]],
    fc.constant(0).map(() => [[new data.transforms.Normalize(0, 2), (x: Tensor) => x]]), (a) => new data.transforms.Compose(a[0] as data.transforms.Transform[]).forward(filled([2, 2]))),
  api('new RandomCrop', [['size', intKind({ names: ['size'] })], ['options', optionsKind({ padding: intKind({ optional: true, names: ['padding'] }), generator: () => junk(true, ['generator']) }), { optional: true, names: ['padding', 'generator', 'option name'] }]],
    fc.integer({ min: 1, max: 4 }).map((s) => [s, { padding: 1 }]), (a) => new data.transforms.RandomCrop(a[0] as number, a[1] as {}).forward(filled([1, 4, 4])), { allowError: (e: unknown) => e instanceof Error && e.name === 'RangeError' && /RandomCrop.forward: expected a crop size/.test(e.message) }),
  api('RandomCrop.forward', [['x', tensorKind({ names: ['x'] })]], fc.constant(0).map(() => [filled([2, 4, 4])]), (a) => new data.transforms.RandomCrop(3, { padding: 1 }).forward(a[0] as Tensor)),
  api('new RandomHorizontalFlip', [['options', optionsKind({ p: numKind({ optional: true, names: ['p'] }), generator: () => junk(true, ['generator']) }), { optional: true, names: ['p', 'generator', 'option name'] }]],
    fc.double({ min: 0, max: 1, noNaN: true }).map((p) => [{ p }]), (a) => new data.transforms.RandomHorizontalFlip(a[0] as {}).forward(filled([2, 2]))),
  api('RandomHorizontalFlip.forward', [['x', tensorKind({ names: ['x'] })]], fc.constant(0).map(() => [filled([2, 3])]), (a) => new data.transforms.RandomHorizontalFlip({ p: 1 }).forward(a[0] as Tensor)),
  api('data.mnist', [['options', optionsKind({ split: choiceKind({ optional: true, names: ['split'] }) }), { optional: true, names: ['split', 'option name'] }]], fc.constantFrom('train', 'test').map((s) => [{ split: s }]),
    (a) => data.mnist(a[0] as {})),
  // ---- save and load ----
  api('save', [['stateDict', () => fc.oneof(junk(false, ['stateDict']), tensorKind({ names: ['stateDict'] })(filled([2])).map((c) => ({ ...c, value: { w: c.value }, names: ["stateDict['w']", 'stateDict'] })))], ['file', pathKind(['file']), { sweep: 42 }], ['options', optionsKind({ metadata: () => fc.oneof(junk(true, ['metadata']), fc.constant(strict("{ epoch: 3 }", { epoch: 3 }, ["metadata['epoch']"]))) }), { optional: true, names: ['metadata'] }]],
    fc.constant(0).map(() => [smallModel().stateDict(), freshFile(), { metadata: { epoch: '1' } }]),
    (a) => save(a[0] as Record<string, Tensor>, a[1] as string, a[2] as {}), { allowError: isFsError }),
  api('load', [['file', pathKind(['file']), { sweep: 42 }]], fc.constant([savedFile]), async (a) => {
    savedReady ??= save(smallModel().stateDict(), savedFile);
    await savedReady;
    await load(a[0] as string);
  }, { allowError: isFsError }),
  // ---- Trainer ----
  api('new Trainer', [['model', () => junk(false, ['model'])], ['options', optionsKind({
    optimizer: () => junk(false, ['optimizer']), loss: () => junk(false, ['loss']), metrics: () => fc.oneof(junk(true, ['metrics']), fc.constant(strict("['acc']", ['acc'], ['metrics[0]']))),
    scheduler: () => junk(true, ['scheduler']), clipGradNorm: numKind({ optional: true, names: ['clipGradNorm'] }), l1: numKind({ optional: true, names: ['l1'] }), l2: numKind({ optional: true, names: ['l2'] }),
  }), { names: ['optimizer', 'loss', 'metrics', 'scheduler', 'clipGradNorm', 'l1', 'l2', 'option name'] }]],
    fc.constant(0).map(() => { const m = smallModel(); return [m, { optimizer: new optim.SGD(m.parameters(), { lr: 0.1 }), loss: new nn.MSELoss(), l2: 0.01, clipGradNorm: 1 }]; }),
    (a) => new Trainer(a[0] as nn.Module, a[1] as never)),
  api('Trainer.fit', [['trainLoader', batchesKind('trainLoader')], ['options', optionsKind({
    epochs: countKind(['epochs']), validation: batchesKind('validation'), callbacks: () => fc.oneof(junk(true, ['callbacks']), fc.constantFrom<unknown>([5], [{ onEpochEnd: 5 }], [null]).map((v) => strict(show(v), v, ['callbacks', 'callbacks[0]', 'callbacks[0].onEpochEnd']))),
    progress: () => junk(true, ['progress']).filter((c) => typeof c.value !== 'boolean'), signal: () => junk(true, ['signal']),
  }), { names: ['epochs', 'validation', 'callbacks', 'progress', 'signal', 'option name'] }]],
    fc.tuple(loaderArb, fc.integer({ min: 1, max: 2 })).map(([l, e]) => [l, { epochs: e, validation: l, progress: false }]),
    (a) => trainerOf().fit(a[0] as data.DataLoader, a[1] as never)),
  api('Trainer.evaluate', [['loader', batchesKind('loader')]], loaderArb.map((l) => [l]), (a) => trainerOf().evaluate(a[0] as data.DataLoader)),
  api('Trainer.predict', [['x', tensorKind({ names: ['x', 'input'] }), { names: ['input'] }]], fc.integer({ min: 1, max: 4 }).map((n) => [filled([n, 3])]), (a) => trainerOf().predict(a[0] as Tensor)),
  api('callbacks.earlyStopping', [['options', optionsKind({ monitor: () => junk(true, ['monitor']), patience: intKind({ optional: true, names: ['patience'] }), minDelta: numKind({ optional: true, names: ['minDelta'] }), mode: choiceKind({ optional: true, names: ['mode'] }), restoreBestWeights: boolKind({ optional: true, names: ['restoreBestWeights'] }) }), { optional: true, names: ['monitor', 'patience', 'minDelta', 'mode', 'restoreBestWeights', 'option name'] }]],
    fc.constant([{ patience: 2, monitor: 'loss' }]), (a) => callbacks.earlyStopping(a[0] as {})),
  api('callbacks.bestCheckpoint', [['path', pathKind(['path']), { sweep: 42 }], ['options', optionsKind({ monitor: () => junk(true, ['monitor']), mode: choiceKind({ optional: true, names: ['mode'] }), minDelta: numKind({ optional: true, names: ['minDelta'] }) }), { optional: true, names: ['monitor', 'mode', 'minDelta', 'option name'] }]],
    fc.constant(0).map(() => [freshFile(), { monitor: 'loss' }]), (a) => callbacks.bestCheckpoint(a[0] as string, a[1] as {})),
];

export { withGrads, tensorArb, loose, brokenTensor };

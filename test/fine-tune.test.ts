// Freezing (issue 17): requiresGrad_(false) keeps parameters out of backward and out of every
// optimiser's update, weight decay included (PyTorch skips parameters whose grad is None), as
// examples/fine-tune.ts shows. Module.requiresGrad_ sets every parameter's flag.
import { nn, optim, ones, tensor } from '../lib';
import { fineTune, main } from '../examples/fine-tune';
import { expectError } from './helpers';

describe('fine-tuning with a frozen backbone (examples/fine-tune.ts)', () => {
  test.each(['sgd', 'adamw'] as const)('%s with weight decay: frozen parameters bit-identical, grads null, head trained', (kind) => {
    const r = fineTune(kind);
    expect(r.backboneUnchanged).toBe(true);
    expect(r.backboneGradsNull).toBe(true);
    expect(r.headChanged).toBe(true);
    expect(r.accuracyA).toBeGreaterThan(0.75);
    expect(r.accuracyB).toBeGreaterThan(0.7);
    expect(r.model.backbone.parameters().every((p) => !p.requiresGrad)).toBe(true);
    expect(r.model.head.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  test('without the freeze the same run moves the backbone (the check above can fail)', () => {
    const r = fineTune('sgd', false);
    expect(r.backboneUnchanged).toBe(false);
    expect(r.backboneGradsNull).toBe(false);
  });

  test('the example runs and reports', () => {
    const lines: string[] = [];
    const r = main((s) => lines.push(s));
    expect(r.backboneUnchanged).toBe(true);
    expect(lines.join('\n')).toMatch(/backbone bit-identical after fine-tuning: true; its gradients stayed null: true; head changed: true/);
    expect(lines.join('\n')).toMatch(/trainable parameters now: 66 of 1410/);
  });
});

describe('frozen parameters and the optimisers', () => {
  // Every optimiser, weight decay on: a parameter without a gradient is not touched, nor is its state created.
  const makers: [string, (ps: nn.Parameter[]) => optim.Optimizer][] = [
    ['SGD', (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.1 })],
    ['Adam', (ps) => new optim.Adam(ps, { weightDecay: 0.1 })],
    ['AdamW', (ps) => new optim.AdamW(ps, { weightDecay: 0.1 })],
    ['Adadelta', (ps) => new optim.Adadelta(ps, { weightDecay: 0.1 })],
    ['Adagrad', (ps) => new optim.Adagrad(ps, { weightDecay: 0.1 })],
    ['RMSprop', (ps) => new optim.RMSprop(ps, { weightDecay: 0.1 })],
    ['Adamax', (ps) => new optim.Adamax(ps, { weightDecay: 0.1 })],
    ['NAdam', (ps) => new optim.NAdam(ps, { weightDecay: 0.1 })],
    ['RAdam', (ps) => new optim.RAdam(ps, { weightDecay: 0.1 })],
  ];
  test.each(makers)('%s skips a frozen parameter', (name, make) => {
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(3, 1));
    model.get(0).requiresGrad_(false);
    const frozen = model.get(0).parameters().map((p) => p.data.slice());
    const opt = make(model.parameters());
    for (let s = 0; s < 3; s++) {
      opt.zeroGrad();
      (model.forward(tensor([[1, 2], [3, -1]])) as ReturnType<typeof tensor>).pow(2).sum().backward();
      opt.step();
    }
    model.get(0).parameters().forEach((p, i) => {
      expect(p.grad).toBeNull();
      expect(Array.from(p.data)).toEqual(Array.from(frozen[i]));
      // Adagrad, as PyTorch's, creates every parameter's state (sum, step 0) in its constructor.
      if (name === 'Adagrad') expect(opt.state.get(p)!.step!.data[0]).toBe(0);
      else expect(opt.state.has(p)).toBe(false);
    });
    expect(model.get(1).parameters().every((p) => p.grad !== null && opt.state.has(p))).toBe(true);
  });
});

test('LBFGS (one flat vector over all parameters) leaves a frozen parameter bit-identical', () => {
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(3, 1));
  model.get(0).requiresGrad_(false);
  const frozen = model.get(0).parameters().map((p) => p.data.slice());
  const trained = model.get(1).parameters().map((p) => p.data.slice());
  const opt = new optim.LBFGS(model.parameters(), { lr: 0.5 });
  const closure = () => {
    opt.zeroGrad();
    const l = (model.forward(tensor([[1, 2], [3, -1]])) as ReturnType<typeof tensor>).pow(2).sum();
    l.backward();
    return l;
  };
  for (let s = 0; s < 3; s++) opt.step(closure);
  model.get(0).parameters().forEach((p, i) => {
    expect(p.grad).toBeNull();
    expect(p.data.every((v, j) => Object.is(v, frozen[i][j]))).toBe(true);
  });
  expect(model.get(1).parameters().some((p, i) => p.data.some((v, j) => v !== trained[i][j]))).toBe(true);
});

describe('Module.requiresGrad_', () => {
  test('sets every parameter\'s flag, descendants too, and returns the module', () => {
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.Sequential(new nn.Linear(3, 1)));
    expect(model.requiresGrad_(false)).toBe(model);
    expect(model.parameters().map((p) => p.requiresGrad)).toEqual([false, false, false, false]);
    model.get(1).requiresGrad_();
    expect(model.parameters().map((p) => p.requiresGrad)).toEqual([false, false, true, true]);
    // Buffers are not parameters: untouched (they never require grad).
    const bn = new nn.BatchNorm1d(3).requiresGrad_(false);
    expect(bn.buffers().every((b) => !b.requiresGrad)).toBe(true);
    // A frozen model's output does not require grad.
    expect((model.requiresGrad_(false).forward(ones([1, 2])) as ReturnType<typeof ones>).requiresGrad).toBe(false);
    expectError(() => model.requiresGrad_('no' as never), 'TypeError', /^Sequential.requiresGrad_: expected a boolean for requiresGrad, got 'no'$/);
  });
});

// The one error format, "<Where>: expected <what> for <name>, got <value>": the helpers in
// lib/errors.ts write it, and lib/ writes no TypeError or RangeError by hand, so no message can
// drift from it (issue 15: "Errors repeat the name", "About 70 throws are written by hand").
import * as fs from 'fs';
import * as path from 'path';
import {
  checkChoice,
  checkInRange,
  rangeError,
  rangeErrorText,
  shapeError,
  typeError,
  typeErrorText,
} from '../lib/errors';
import { Tensor, data, nn, optim, zeros } from '../lib';
import { native } from '../lib/native';
import { expectError } from './helpers';

const F = nn.functional;

const LIB = path.join(__dirname, '..', 'lib');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Lines of lib/ (comments aside) that make a TypeError or RangeError without the helpers. */
function handWritten(file: string, text: string): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, at: `${path.relative(LIB, file)}:${i + 1}` }))
    .filter(({ line }) => !/^\s*(\/\/|\*|\/\*)/.test(line) && /\bnew\s+(TypeError|RangeError)\s*\(/.test(line))
    .map(({ line, at }) => `${at}: ${line.trim()}`);
}

describe('lib/ makes its TypeErrors and RangeErrors through lib/errors.ts', () => {
  test('no hand-written new TypeError(...) or new RangeError(...) outside lib/errors.ts', () => {
    const files = sources(LIB).filter((f) => path.relative(LIB, f) !== 'errors.ts');
    expect(files.length).toBeGreaterThan(30);
    const found = files.flatMap((f) => handWritten(f, fs.readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  test('the scan sees a throw and skips comments', () => {
    const src = ['  throw new RangeError(`x: bad`);', ' * @example throw new TypeError(`x`);', '// new RangeError(', 'return new TypeError ("x");'].join('\n');
    expect(handWritten(path.join(LIB, 'a.ts'), src)).toEqual(['a.ts:1: throw new RangeError(`x: bad`);', 'a.ts:4: return new TypeError ("x");']);
  });
});

describe('the helpers write exactly "<Where>: expected <what> for <name>, got <value>"', () => {
  test('typeError and rangeError describe the value', () => {
    const t = typeError('Linear', 'an integer', 'inFeatures', '3');
    expect(t.name).toBe('TypeError');
    expect(t.message).toBe("Linear: expected an integer for inFeatures, got '3'");
    const r = rangeError('Linear', 'a non-negative integer', 'outFeatures', -1);
    expect(r.name).toBe('RangeError');
    expect(r.message).toBe('Linear: expected a non-negative integer for outFeatures, got -1');
  });

  test('typeErrorText, rangeErrorText and shapeError take the value written out', () => {
    const t = typeErrorText('zeros', 'sizes as separate numbers', 'shape', "2, '3'");
    expect([t.name, t.message]).toEqual(['TypeError', "zeros: expected sizes as separate numbers for shape, got 2, '3'"]);
    const r = rangeErrorText('Tensor.t', 'at most 2 dimensions', 'input', 'shape [2, 3, 4]');
    expect([r.name, r.message]).toEqual(['RangeError', 'Tensor.t: expected at most 2 dimensions for input, got shape [2, 3, 4]']);
    const s = shapeError('linear', 'shape [4]', 'bias', [3]);
    expect([s.name, s.message]).toEqual(['RangeError', 'linear: expected shape [4] for bias, got [3]']);
    // Past eight sizes too: a shape is always written out, never "an array of length 9".
    expect(shapeError('f', 'a 2-D tensor', 'weight', [1, 1, 1, 1, 1, 1, 1, 1, 1]).message).toBe('f: expected a 2-D tensor for weight, got [1, 1, 1, 1, 1, 1, 1, 1, 1]');
  });

  test('checkInRange does not repeat the name (was "expected momentum in [0, 1] for momentum")', () => {
    expectError(() => checkInRange('BatchNorm1d', 'momentum', 2, 0, 1), 'RangeError', /^BatchNorm1d: expected a number in \[0, 1\] for momentum, got 2$/);
    expectError(() => checkInRange('LinearLR', 'startFactor', 0, 0, 1, { loOpen: true }), 'RangeError', /^LinearLR: expected a number in \(0, 1\] for startFactor, got 0$/);
    expectError(() => checkInRange('f', 'p', 1, 0, 1, { hiOpen: true }), 'RangeError', /^f: expected a number in \[0, 1\) for p, got 1$/);
    expectError(() => checkInRange('f', 'p', 'x', 0, 1), 'TypeError', /^f: expected a number for p, got 'x'$/);
    expect(checkInRange('f', 'p', 0.5, 0, 1)).toBe(0.5);
  });

  test('checkChoice lists the choices as the what: RangeError for a string, TypeError for anything else', () => {
    expectError(() => checkChoice('init.kaimingUniform', 'mode', 'fanin', ['fan_in', 'fan_out']), 'RangeError', /^init\.kaimingUniform: expected 'fan_in' or 'fan_out' for mode, got 'fanin'$/);
    expectError(() => checkChoice('mseLoss', 'reduction', 1, ['mean', 'sum', 'none']), 'TypeError', /^mseLoss: expected 'mean', 'sum' or 'none' for reduction, got 1$/);
    expectError(() => checkChoice('LBFGS', 'lineSearchFn', 'x', ['strong_wolfe']), 'RangeError', /^LBFGS: expected 'strong_wolfe' for lineSearchFn, got 'x'$/);
    expect(checkChoice('f', 'mode', 'fan_in', ['fan_in', 'fan_out'])).toBe('fan_in');
  });
});

// Messages that were not in the format before (no "for <name>", or the name repeated), each
// rewritten with the same information; pinned whole so they cannot drift back.
describe('rewritten messages read "<Where>: expected <what> for <name>, got <value>"', () => {
  const W = (): Tensor => zeros([2, 3]).requiresGrad_();
  const rows: [string, () => unknown, 'TypeError' | 'RangeError', string][] = [
    ['Tensor.t', () => zeros([2, 3, 4]).t(), 'RangeError', 'Tensor.t: expected at most 2 dimensions for input, got shape [2, 3, 4]'],
    ['Tensor.view', () => zeros([5]).view([2, 3]), 'RangeError', "Tensor.reshape: expected a shape of 5 elements (the input's size) for shape, got [2, 3]"],
    ['Tensor.reshape with -1', () => zeros([5]).reshape([2, -1]), 'RangeError', "Tensor.reshape: expected a shape of 5 elements (the input's size) for shape, got [2, -1]"],
    ['Tensor.item', () => zeros([2, 3]).item(), 'RangeError', 'Tensor.item: expected a one-element tensor for input, got shape [2, 3]'],
    ['Tensor.backward without grad', () => W().mul(2).backward(), 'RangeError',
      'Tensor.backward: expected a Tensor of shape [2, 3] (it can be omitted only for a one-element tensor) for grad, got none'],
    ['Tensor.backward on a constant', () => zeros([1]).backward(), 'RangeError',
      'Tensor.backward: expected a tensor that requires grad (computed from a tensor with requiresGrad) for input, got one that does not'],
    ['Tensor.matmul ranks', () => zeros([2, 3]).matmul(zeros([])), 'RangeError', 'Tensor.matmul: expected at least 1 dimension each for input and other, got [2, 3] and []'],
    ['Tensor.matmul sizes', () => zeros([2, 3]).matmul(zeros([2, 3])), 'RangeError', 'Tensor.matmul: expected shapes that can be multiplied for input and other, got [2, 3] and [2, 3] (3 != 2)'],
    ['broadcasting', () => zeros([2]).add(zeros([3])), 'RangeError', 'Tensor.add: expected shapes that broadcast together for input and other, got [2] and [3]'],
    ['Tensor.argmax empty', () => zeros([0]).argmax(), 'RangeError', 'Tensor.argmax: expected a non-empty tensor for input, got shape [0]'],
    ['Tensor.max empty', () => zeros([2, 0]).max(1), 'RangeError', 'Tensor.max: expected a non-empty tensor for input, got shape [2, 0]'],
    ['Tensor.flatten', () => zeros([2, 3, 4]).flatten(2, 1), 'RangeError', 'Tensor.flatten: expected a dimension >= startDim (2) for endDim, got 1'],
    ['Module.forward', () => new nn.Module().forward(), 'TypeError', 'Module.forward: expected an override in a subclass of Module for forward, got none (not implemented)'],
    ['F.linear weight', () => F.linear(zeros([2, 3]), zeros([3])), 'RangeError', 'linear: expected a 2-D tensor for weight, got [3]'],
    ['F.linear input', () => F.linear(zeros([2, 3]), zeros([4, 5])), 'RangeError', 'linear: expected last dimension 5 for input, got [2, 3]'],
    ['F.linear bias', () => F.linear(zeros([2, 3]), zeros([4, 3]), { bias: zeros([3]) }), 'RangeError', 'linear: expected shape [4] for bias, got [3]'],
    ['F.dropout p', () => F.dropout(zeros([2]), { p: 2 }), 'RangeError', 'dropout: expected a number in [0, 1] for p, got 2'],
    ['SGD nesterov', () => new optim.SGD([W()], { lr: 0.1, nesterov: true }), 'RangeError',
      'SGD: expected momentum > 0 and dampening 0 (Nesterov momentum requires a momentum and zero dampening) for nesterov, got momentum 0 and dampening 0'],
    ['SGD no parameters', () => new optim.SGD([], { lr: 0.1 }), 'RangeError', 'SGD: expected at least one parameter for params, got an empty list'],
    ['BatchNorm1d momentum', () => new nn.BatchNorm1d(4, { momentum: 2 }), 'RangeError', 'BatchNorm1d: expected a number in [0, 1] for momentum, got 2'],
    ['init.uniform bounds', () => nn.init.uniform(zeros([2]), 2, 1), 'RangeError', 'init.uniform: expected a number <= b (b is 1) for a, got 2'],
    ['TensorDataset', () => new data.TensorDataset(zeros([4, 3]), zeros([5])), 'RangeError', 'TensorDataset: expected the same first dimension for x and y, got x of shape [4, 3] and y of shape [5]'],
  ];
  test.each(rows)('%s', (_label, fn, name, message) => {
    expectError(fn, name, new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  test('the optimizer state dict: a count, a shape and an unknown key name what they belong to', () => {
    const p = W();
    const opt = new optim.Adam([p]);
    p.grad = zeros([2, 3]);
    opt.step();
    const sd = opt.stateDict();
    const withGroup = { ...sd, param_groups: [{ ...sd.param_groups[0], params: [0, 1] }] };
    expectError(() => opt.loadStateDict(withGroup), 'RangeError', /^Adam\.loadStateDict: expected 1 parameters \(as this optimizer's group has\) for param_groups\[0\]\.params, got 2$/);
    const stray = { ...sd, state: { ...sd.state, 7: sd.state[0] } };
    expectError(() => opt.loadStateDict(stray), 'RangeError', /^Adam\.loadStateDict: expected the indices of parameters in param_groups as keys for state, got '7'$/);
  });

  test('a scheduler whose optimizer gained a group since', () => {
    const opt = new optim.SGD([W()], { lr: 0.1 });
    const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 1 });
    opt.addParamGroup({ params: [W()] });
    expectError(() => sched.step(), 'RangeError', /^StepLR\.step: expected 1 parameter groups \(as when the scheduler was made\) for optimizer\.paramGroups, got 2$/);
    expectError(() => sched.loadStateDict({ ...sched.stateDict(), base_lrs: [0.1] }), 'RangeError', /^StepLR\.loadStateDict: expected 2 values \(one per parameter group\) for base_lrs, got 1$/);
  });

  test('the native backstop does not repeat the name either', () => {
    const k = native as unknown as Record<string, (...a: unknown[]) => unknown>;
    expectError(() => k.dropoutForward(new Float32Array(3), null, new Float32Array(3), 1.5, 0, 0), 'RangeError', /^dropoutForward: expected a number in \[0, 1\] for p, got 1.5$/);
    expectError(() => k.normalQuantile(2), 'RangeError', /^normalQuantile: expected a number in \[0, 1\] for p, got 2$/);
  });
});

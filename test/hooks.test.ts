// Module hooks and containers against PyTorch (test/fixtures/gen_hooks.py): forward pre-hooks,
// forward hooks and full backward hooks (values, order, replacement, removal), ModuleList,
// ModuleDict and ParameterList (state-dict keys, repr), Identity and LogSoftmax.
import { Tensor, nn, noGrad, ones, tensor, zeros } from '../lib';
import { FixtureTensor, expectClose, expectError, fixtureTensor, gradCheck, loadFixture } from './helpers';

type Grads = (FixtureTensor | null)[];
type Run = { out: FixtureTensor; dx: FixtureTensor; d0weight: FixtureTensor; d2weight: FixtureTensor };
const fx = loadFixture<{
  x: FixtureTensor;
  w: FixtureTensor;
  linear_sd: Record<string, FixtureTensor>;
  linear_bw_grad: { calls: { gradInput: Grads; gradOutput: Grads }[]; dx: FixtureTensor; dweight: FixtureTensor };
  linear_bw_nograd: { calls: { gradInput: Grads; gradOutput: Grads }[]; dx: null; dweight: FixtureTensor };
  mlp_sd: Record<string, FixtureTensor>;
  mlp_events: string[];
  mlp_bw: Record<string, { gradInput: Grads; gradOutput: Grads }>;
  mlp_dx: FixtureTensor;
  replace_output: Run;
  replace_input: Run;
  replace_grad_input: Run;
  two_bw_hooks: Run & { second_sees: FixtureTensor };
  order_both: Run;
  order_second: Run;
  removed: Run;
  containers_keys: [string, number[]][];
  modulelist_insert_keys: string[];
  modulelist_insert_types: string[];
  containers_repr: Record<string, string>;
  log_softmax: { x: FixtureTensor; out: FixtureTensor };
}>('hooks');

const sdOf = (sd: Record<string, FixtureTensor>) => Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, fixtureTensor(v)]));
const tol = { rtol: 1e-5, atol: 1e-6 };

function expectGrads(actual: (Tensor | null)[], expected: Grads, label: string): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    if (e === null) expect(actual[i]).toBeNull();
    else {
      expect(actual[i]!.shape).toEqual(e.shape);
      expectClose(actual[i]!, e.data, { ...tol, label: `${label}[${i}]` });
    }
  });
}

function mlp(): nn.Sequential {
  const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
  seq.loadStateDict(sdOf(fx.mlp_sd));
  return seq;
}

/** forward and backward of sum(y * w) as the fixture's run(), from a fresh x. */
function run(seq: nn.Sequential, expected: Run, label: string): void {
  seq.zeroGrad();
  const x = fixtureTensor(fx.x, true);
  const y = seq.forward(x) as Tensor;
  y.mul(fixtureTensor(fx.w)).sum().backward();
  expectClose(y, expected.out.data, { ...tol, label: `${label} out` });
  expectClose(x.grad!, expected.dx.data, { ...tol, label: `${label} dx` });
  expectClose((seq.get(0) as nn.Linear).weight.grad!, expected.d0weight.data, { ...tol, label: `${label} d0weight` });
  expectClose((seq.get(2) as nn.Linear).weight.grad!, expected.d2weight.data, { ...tol, label: `${label} d2weight` });
}

describe('full backward hooks', () => {
  test.each([true, false])('Linear, input requiresGrad %s: gradInput and gradOutput as PyTorch, one call', (requires) => {
    const lin = new nn.Linear(3, 2);
    lin.loadStateDict(sdOf(fx.linear_sd));
    const calls: [(Tensor | null)[], (Tensor | null)[]][] = [];
    const h = lin.registerFullBackwardHook((m, gi, go) => {
      expect(m).toBe(lin);
      calls.push([gi, go]);
    });
    const x = fixtureTensor(fx.x, requires);
    (lin.forward(x) as Tensor).mul(fixtureTensor(fx.w)).sum().backward();
    h.remove();
    const ref = requires ? fx.linear_bw_grad : fx.linear_bw_nograd;
    expect(calls.length).toBe(ref.calls.length);
    expectGrads(calls[0][0], ref.calls[0].gradInput, 'gradInput');
    expectGrads(calls[0][1], ref.calls[0].gradOutput, 'gradOutput');
    expectClose(lin.weight.grad!, ref.dweight.data, tol);
    if (requires) expectClose(x.grad!, fx.linear_bw_grad.dx.data, tol);
    else expect(x.grad).toBeNull();
  });

  test('a Sequential and its children: hooks run in PyTorch order with PyTorch values', () => {
    const seq = mlp();
    const events: string[] = [];
    const bw: Record<string, [(Tensor | null)[], (Tensor | null)[]]> = {};
    const handles = [['seq', seq] as [string, nn.Module], ...seq.namedChildren()].flatMap(([n, m]) => [
      m.registerForwardPreHook(() => void events.push(`pre ${n}`)),
      m.registerForwardHook(() => void events.push(`fwd ${n}`)),
      m.registerFullBackwardHook((_m, gi, go) => {
        events.push(`bwd ${n}`);
        bw[n] = [gi, go];
      }),
    ]);
    const x = fixtureTensor(fx.x, true);
    (seq.forward(x) as Tensor).mul(fixtureTensor(fx.w)).sum().backward();
    expect(events).toEqual(fx.mlp_events);
    for (const [n, ref] of Object.entries(fx.mlp_bw)) {
      expectGrads(bw[n][0], ref.gradInput, `${n} gradInput`);
      expectGrads(bw[n][1], ref.gradOutput, `${n} gradOutput`);
    }
    expectClose(x.grad!, fx.mlp_dx.data, tol);
    handles.forEach((h) => h.remove());
    // Every wrapper is gone: forward is the class's again, and nothing runs.
    for (const m of seq.modules()) expect(Object.prototype.hasOwnProperty.call(m, 'forward')).toBe(false);
    events.length = 0;
    (seq.forward(fixtureTensor(fx.x, true)) as Tensor).sum().backward();
    expect(events).toEqual([]);
  });

  test('a returned gradInput replaces the gradient flowing on', () => {
    const seq = mlp();
    const h = seq.get(2).registerFullBackwardHook((_m, gi) => [gi[0]!.mul(0.5)]);
    run(seq, fx.replace_grad_input, 'replaced');
    h.remove();
  });

  test('two backward hooks: the second sees the first one\'s gradInput', () => {
    const seq = mlp();
    let seen: Tensor | null = null;
    const h1 = seq.get(2).registerFullBackwardHook((_m, gi) => [gi[0]!.mul(3)]);
    const h2 = seq.get(2).registerFullBackwardHook((_m, gi) => void (seen = gi[0]));
    run(seq, fx.two_bw_hooks, 'two');
    expectClose(seen!, fx.two_bw_hooks.second_sees.data, tol);
    h1.remove();
    h2.remove();
  });

  test('a wrong returned gradInput is a TypeError/RangeError naming it', () => {
    const bad: [unknown, 'TypeError' | 'RangeError', RegExp][] = [
      [5, 'TypeError', /Linear full backward hook: expected an array .* for the returned gradInput, got 5/],
      [[null, null], 'RangeError', /expected 1 gradient \(one per input\) for the returned gradInput, got 2/],
      [[zeros([2, 2])], 'RangeError', /expected shape \[5, 3\] for gradInput\[0\], got \[2, 2\]/],
      [['g'], 'TypeError', /expected a Tensor or null for gradInput\[0\], got 'g'/],
    ];
    for (const [ret, name, msg] of bad) {
      const lin = new nn.Linear(3, 2);
      lin.registerFullBackwardHook(() => ret as Tensor[]);
      const y = lin.forward(fixtureTensor(fx.x, true)) as Tensor;
      expectError(() => y.sum().backward(), name, msg);
    }
    // No input requires grad: the hook may not return gradients.
    const lin = new nn.Linear(3, 2);
    lin.registerFullBackwardHook(() => [ones([5, 3])]);
    const y = lin.forward(fixtureTensor(fx.x)) as Tensor;
    expectError(() => y.sum().backward(), 'TypeError', /expected undefined, or null for every gradient, where no input requires grad/);
    expectError(() => lin.registerFullBackwardHook(3 as never), 'TypeError', /^Linear.registerFullBackwardHook: expected a function for hook, got 3$/);
  });

  test('several tensor inputs and outputs, a non-tensor argument, a second backward pass', () => {
    class Pair extends nn.Module {
      override forward(a: Tensor, scale: number, b: Tensor): Tensor[] {
        return [a.mul(b).mul(scale), a.add(b)];
      }
    }
    const m = new Pair();
    const calls: [(Tensor | null)[], (Tensor | null)[]][] = [];
    m.registerFullBackwardHook((_m, gi, go) => void calls.push([gi, go]));
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4]);
    const [p, q] = m.forward(a, 2, b);
    const loss = p.sum().add(q.mul(tensor([10, 20])).sum());
    loss.backward();
    expect(calls.length).toBe(1);
    const [gi, go] = calls[0];
    expect(gi.length).toBe(3);
    expect(gi[1]).toBeNull();
    expect(gi[2]).toBeNull(); // b does not require grad
    expect(Array.from(gi[0]!.data)).toEqual([2 * 3 + 10, 2 * 4 + 20]);
    expect(go.map((g) => Array.from(g!.data))).toEqual([[1, 1], [10, 20]]);
    expect(Array.from(a.grad!.data)).toEqual([16, 28]);
    loss.backward(); // the graph is kept: the hook runs again, gradients accumulate
    expect(calls.length).toBe(2);
    expect(Array.from(a.grad!.data)).toEqual([32, 56]);
  });

  test('gradients through hooked modules match finite differences (the identity nodes are exact)', () => {
    const seq = mlp();
    for (const m of seq.modules()) m.registerFullBackwardHook(() => undefined);
    const [w0, b0] = seq.get(0).parameters();
    // The first layer's weight and bias are checked too: gradCheck perturbs them in place.
    gradCheck((x) => seq.forward(x) as Tensor, [fixtureTensor(fx.x, true), w0, b0], { label: 'hooked mlp' });
  });

  test('Identity: the output is the wrapped input, hooks see equal gradInput and gradOutput', () => {
    const id = new nn.Identity();
    const calls: [(Tensor | null)[], (Tensor | null)[]][] = [];
    id.registerFullBackwardHook((_m, gi, go) => void calls.push([gi, go]));
    const x = tensor([1, -2, 3], { requiresGrad: true });
    const y = id.forward(x) as Tensor;
    expect(y).not.toBe(x); // wrapped, sharing the data
    expect(y.data).toBe(x.data);
    y.mul(tensor([4, 5, 6])).sum().backward();
    expect(calls.length).toBe(1);
    expect(Array.from(calls[0][0][0]!.data)).toEqual([4, 5, 6]);
    expect(Array.from(calls[0][1][0]!.data)).toEqual([4, 5, 6]);
    expect(Array.from(x.grad!.data)).toEqual([4, 5, 6]);
  });

  test('inside noGrad no node is added and no hook runs', () => {
    const lin = new nn.Linear(3, 2);
    let n = 0;
    lin.registerFullBackwardHook(() => void n++);
    const x = fixtureTensor(fx.x, true);
    const y = noGrad(() => lin.forward(x) as Tensor);
    expect(y.requiresGrad).toBe(false);
    expect(n).toBe(0);
  });
});

describe('forward hooks and pre-hooks', () => {
  test('a forward hook\'s return replaces the output (the gradient follows)', () => {
    const seq = mlp();
    const h = seq.get(0).registerForwardHook((_m, _i, o) => (o as Tensor).mul(2));
    run(seq, fx.replace_output, 'output');
    h.remove();
  });

  test('a pre-hook\'s return replaces the inputs (an array, or a single value)', () => {
    const seq = mlp();
    const h = seq.get(0).registerForwardPreHook((_m, inputs) => [(inputs[0] as Tensor).add(1)]);
    run(seq, fx.replace_input, 'input array');
    h.remove();
    const h2 = seq.get(0).registerForwardPreHook((_m, inputs) => (inputs[0] as Tensor).add(1));
    run(seq, fx.replace_input, 'input value');
    h2.remove();
  });

  test('hooks run in registration order; a removed hook stops, the others keep theirs', () => {
    const seq = mlp();
    const h1 = seq.get(2).registerForwardHook((_m, _i, o) => (o as Tensor).add(1));
    const h2 = seq.get(2).registerForwardHook((_m, _i, o) => (o as Tensor).mul(3));
    expect(h2.id).toBeGreaterThan(h1.id);
    run(seq, fx.order_both, 'both');
    h1.remove();
    h1.remove(); // again: nothing
    run(seq, fx.order_second, 'second only');
    h2.remove();
    run(seq, fx.removed, 'removed');
  });

  test('forward hooks see the inputs forward ran on; call() and Sequential run them; a self-removing hook', () => {
    const lin = new nn.Linear(3, 2);
    const seen: unknown[][] = [];
    const h = lin.registerForwardHook((m, inputs, out) => {
      seen.push([m, inputs.length, out instanceof Tensor]);
      h.remove();
    });
    lin.call(fixtureTensor(fx.x));
    lin.forward(fixtureTensor(fx.x));
    expect(seen).toEqual([[lin, 1, true]]);
  });

  test('a class with its own forward field keeps it after the last hook goes; hooks do not show in the module', () => {
    class Own extends nn.Module {
      scale = 2;
      override forward = (x: Tensor) => x.mul(this.scale);
    }
    const m = new Own();
    const before = m.forward;
    const h = m.registerForwardHook((_m, _i, o) => (o as Tensor).add(1));
    expect(Array.from((m.forward(tensor([1])) as Tensor).data)).toEqual([3]);
    expect(Object.keys(m)).toEqual(Object.keys(new Own()));
    expect(m.stateDict()).toEqual({});
    h.remove();
    expect(m.forward).toBe(before);
    expect(Array.from(m.forward(tensor([1])).data)).toEqual([2]);
  });

  test('nn.init.inspect works over a hooked model and leaves the hooks in place', () => {
    const seq = mlp();
    let n = 0;
    seq.get(0).registerForwardHook(() => void n++);
    nn.init.inspect(seq, fixtureTensor(fx.x));
    expect(n).toBe(1);
    seq.forward(fixtureTensor(fx.x));
    expect(n).toBe(2);
  });
});

describe('containers', () => {
  class Net extends nn.Module {
    layers = new nn.ModuleList([new nn.Linear(3, 4), new nn.Linear(4, 4)]);
    heads = new nn.ModuleDict({ b: new nn.Linear(2, 1), a: new nn.Linear(2, 3) });
    scales = new nn.ParameterList([ones([2]), zeros([3, 2])]);
    constructor() {
      super();
      this.layers.append(new nn.Linear(4, 2));
    }
  }

  test('state-dict keys, order and shapes as PyTorch', () => {
    const net = new Net();
    expect(Object.entries(net.stateDict()).map(([k, v]) => [k, v.shape])).toEqual(fx.containers_keys);
    expect(net.parameters().length).toBe(fx.containers_keys.length);
    expect(net.scales.get(0)).toBeInstanceOf(nn.Parameter);
    expect(net.scales.get(-1).requiresGrad).toBe(true);
    // A state dict round-trips.
    const other = new Net();
    other.loadStateDict(net.stateDict());
  });

  test('ModuleList: insert renumbers as PyTorch, get with negative i, length, iteration, extend', () => {
    const ml = new nn.ModuleList([new nn.Linear(3, 4), new nn.ReLU()]);
    ml.insert(1, new nn.Linear(4, 4));
    ml.insert(0, new nn.Tanh());
    expect(Object.keys(ml.stateDict())).toEqual(fx.modulelist_insert_keys);
    expect([...ml].map((m) => m.constructor.name)).toEqual(fx.modulelist_insert_types);
    expect(ml.length).toBe(4);
    expect(ml.get(-1)).toBeInstanceOf(nn.ReLU);
    ml.insert(-1, new nn.Identity());
    expect(ml.get(-2)).toBeInstanceOf(nn.Identity);
    ml.insert(ml.length, new nn.Sigmoid()).extend([new nn.GELU()]);
    expect([...ml].map((m) => m.constructor.name)).toEqual(['Tanh', 'Linear', 'Linear', 'Identity', 'ReLU', 'Sigmoid', 'GELU']);
    expect(new nn.ModuleList().length).toBe(0);
    expectError(() => ml.get(7), 'RangeError', /^ModuleList.get: expected an integer in \[-7, 6\] for i, got 7$/);
    expectError(() => ml.append(3 as never), 'TypeError', /^ModuleList.append: expected a Module for module, got 3$/);
    expectError(() => ml.extend([new nn.ReLU(), 'x' as never]), 'TypeError', /expected a Module for modules\[1\], got 'x'/);
    expect(ml.length).toBe(7); // nothing added
    expectError(() => new nn.ModuleList(5 as never), 'TypeError', /expected an iterable \(such as an array\) for modules, got 5/);
    expectError(() => ml.forward(), 'TypeError', /ModuleList.forward: expected an override in a subclass of Module for forward, got none \(not implemented\)/);
  });

  test('ModuleDict: insertion order (also for integer-like keys), get/set/has/delete, reserved names', () => {
    const md = new nn.ModuleDict([['z', new nn.ReLU()], ['1', new nn.Linear(2, 2)], ['a', new nn.Tanh()]]);
    expect(md.keys()).toEqual(['z', '1', 'a']);
    expect(Object.keys(md.stateDict())).toEqual(['1.weight', '1.bias']);
    expect(md.namedChildren().map(([k]) => k)).toEqual(['z', '1', 'a']);
    expect([...md]).toEqual(['z', '1', 'a']);
    md.set('z', new nn.Sigmoid()); // replaced in place
    md.set('b', new nn.GELU());
    expect(md.entries().map(([k, m]) => `${k}:${m.constructor.name}`)).toEqual(['z:Sigmoid', '1:Linear', 'a:Tanh', 'b:GELU']);
    expect(md.has('a')).toBe(true);
    expect(md.delete('a')).toBe(true);
    expect(md.delete('a')).toBe(false);
    expect(md.has('a')).toBe(false);
    expect(md.size).toBe(3);
    expect(md.values().length).toBe(3);
    expect(new nn.ModuleDict(new Map([['k', new nn.ReLU()]])).get('k')).toBeInstanceOf(nn.ReLU);
    expectError(() => md.get('a'), 'RangeError', /^ModuleDict.get: expected one of the keys \(z, 1, b\) for key, got 'a'$/);
    expectError(() => md.set('training', new nn.ReLU()), 'RangeError', /expected a name that is not a ModuleDict property or method for key, got 'training'/);
    expectError(() => md.set('forward', new nn.ReLU()), 'RangeError', /for key, got 'forward'/);
    expectError(() => md.set('a.b', new nn.ReLU()), 'RangeError', /expected a non-empty name without '.' for key, got 'a.b'/);
    expectError(() => md.set('c', {} as never), 'TypeError', /expected a Module for module, got/);
    expectError(() => new nn.ModuleDict(3 as never), 'TypeError', /ModuleDict.update: expected a plain object, a Map or an iterable of \[key, Module\] pairs for modules, got 3/);
    expect(md.training).toBe(true);
  });

  test('repr as PyTorch', () => {
    const first = (m: nn.Module) => m.toString().split('\n(')[0];
    expect(first(new nn.ModuleList([new nn.Linear(3, 4), new nn.ReLU()]))).toBe(fx.containers_repr.ModuleList);
    expect(first(new nn.ModuleDict({ b: new nn.Linear(2, 3), a: new nn.ReLU() }))).toBe(fx.containers_repr.ModuleDict);
    expect(first(new nn.ParameterList([zeros([3, 4]), zeros([4])]))).toBe(fx.containers_repr.ParameterList);
    expect(first(new nn.Softmax(1))).toBe(fx.containers_repr.Softmax);
    expect(first(new nn.LogSoftmax(-1))).toBe(fx.containers_repr.LogSoftmax);
    expect(first(new nn.Identity())).toBe(fx.containers_repr.Identity);
  });

  test('ParameterList: append, extend, get, errors', () => {
    const pl = new nn.ParameterList();
    const p = new nn.Parameter(ones([2]), false);
    pl.append(p).extend([zeros([1])]);
    expect(pl.get(0)).toBe(p);
    expect(pl.get(0).requiresGrad).toBe(false);
    expect(pl.length).toBe(2);
    expect(Object.keys(pl.stateDict())).toEqual(['0', '1']);
    expectError(() => pl.append(1 as never), 'TypeError', /^ParameterList.append: expected a Tensor for parameter, got 1$/);
    expectError(() => pl.get(2), 'RangeError', /expected an integer in \[-2, 1\] for i, got 2/);
  });
});

describe('Identity and LogSoftmax', () => {
  test('Identity returns its input itself and takes no arguments', () => {
    const x = tensor([1, 2]);
    expect(new nn.Identity().forward(x)).toBe(x);
    expectError(() => new (nn.Identity as unknown as new (a: number) => nn.Identity)(3), 'TypeError', /^Identity: expected at most 0 arguments for arguments, got 1/);
  });

  test('LogSoftmax as PyTorch', () => {
    const y = new nn.LogSoftmax(1).forward(fixtureTensor(fx.log_softmax.x));
    expectClose(y, fx.log_softmax.out.data, tol);
    expectError(() => new nn.LogSoftmax(1.5), 'RangeError', /LogSoftmax: expected an integer/);
  });
});

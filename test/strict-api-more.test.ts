// Surplus arguments that plain JavaScript would drop, in the parts strict-api.test.ts does not
// cover: nn.functional, nn.init, module / optimiser / scheduler / dataset methods, and the
// activation modules that take no argument (PyTorch's ReLU(inplace=True)). Each is a TypeError
// in expectArity's format, naming PyTorch's parameter where PyTorch takes it by position.
import { Tensor, data, nn, optim, randn, tensor, zeros } from '../lib';
import { expectError } from './helpers';

// Plain JavaScript: no types stop these calls.
const js = (f: unknown) => f as (...args: unknown[]) => unknown;
const jsNew = (C: unknown) => (...args: unknown[]) => new (C as new (...a: unknown[]) => unknown)(...args);
const F = nn.functional;

test('nn.functional rejects surplus arguments and names PyTorch’s positional parameters', () => {
  const x = randn([1, 1, 4, 4]);
  const w = randn([2, 1, 3, 3]);
  const b = randn([2]);
  const cases: [() => unknown, RegExp][] = [
    // torch: F.dropout(x, 0.5) — p is positional in PyTorch
    [() => js(F.dropout)(x, 0.5), /^dropout: expected an options object for options, got 0.5 \(PyTorch's 2nd argument is p: pass \{ p: 0.5 \}\)$/],
    [() => js(F.dropout)(x, 0.5, true), /^dropout: expected at most 1 argument and an options object for arguments, got 3 \(PyTorch's 2nd and later arguments are p, training: pass \{ p: 0.5, training: true \}\)$/],
    [() => js(F.dropout2d)(x, { p: 0.1 }, true), /^dropout2d: expected at most 1 argument and an options object for arguments, got 3 \(the surplus: true\)$/],
    // torch: F.conv2d(x, w, b, 1) — bias, stride
    [() => js(F.conv2d)(x, w, b, 1), /^conv2d: expected at most 2 arguments and an options object for arguments, got 4 \(PyTorch's 3rd and later arguments are bias, stride: pass \{ bias: a Tensor of shape \[2\], stride: 1 \}\)$/],
    [() => js(F.maxPool2d)(x, 2, 2), /^maxPool2d: expected an options object for options, got 2 \(PyTorch's 3rd argument is stride: pass \{ stride: 2 \}\)$/],
    [() => js(F.maxPool2d)(x, 2, [2, 1]), /^maxPool2d: .*pass \{ stride: \[2, 1\] \}\)$/],
    [() => js(F.avgPool2d)(x, 2, { stride: 2 }, 0), /^avgPool2d: expected at most 2 arguments and an options object for arguments, got 4 \(the surplus: 0\)$/],
    [() => js(F.adaptiveAvgPool2d)(x, 1, 1), /^adaptiveAvgPool2d: expected at most 2 arguments for arguments, got 3 \(the surplus: 1\)$/],
    [() => js(F.linear)(randn([1, 2]), randn([3, 2]), randn([3]), 1), /^linear: expected at most 2 arguments and an options object for arguments, got 4 /],
    [() => js(F.batchNorm)(randn([2, 3]), zeros([3]), zeros([3]), randn([3])), /^batchNorm: expected an options object for options, got a Tensor of shape \[3\] \(PyTorch's 4th argument is weight: pass \{ weight: a Tensor of shape \[3\] \}\)$/],
    [() => js(F.layerNorm)(randn([2, 3]), [3], { eps: 1e-6 }, 1), /^layerNorm: expected at most 2 arguments and an options object/],
    [() => js(F.rmsNorm)(randn([2, 3]), 3, randn([3]), 1e-6), /^rmsNorm: .*pass \{ weight: a Tensor of shape \[3\], eps: 0.000001 \}\)$/],
    [() => js(F.gelu)(x, 'tanh'), /^gelu: .*pass \{ approximate: 'tanh' \}\)$/],
    [() => js(F.leakyRelu)(x, 0.2), /^leakyRelu: .*pass \{ negativeSlope: 0.2 \}\)$/],
    [() => js(F.relu)(x, true), /^relu: expected at most 1 argument for arguments, got 2 \(the surplus: true\)$/],
    [() => js(F.softmax)(x, 1, 3), /^softmax: expected at most 2 arguments for arguments, got 3/],
    [() => js(F.mseLoss)(x, x, null, null, 'sum'), /^mseLoss: expected at most 2 arguments and an options object for arguments, got 5/],
    [() => js(F.crossEntropy)(randn([2, 3]), [0, 1], { reduction: 'sum' }, 0.1), /^crossEntropy: .*\(the surplus: 0.1\)$/],
    [() => js(F.binaryCrossEntropyWithLogits)(x, x, {}, x), /^binaryCrossEntropyWithLogits: expected at most 2 arguments and an options object/],
  ];
  for (const [f, re] of cases) expectError(f, 'TypeError', re);
  // What stays valid: a Tensor bias in third place, and modules naming themselves in errors.
  expect(F.conv2d(x, w, b).shape).toEqual([1, 2, 2, 2]);
  expect(F.linear(randn([1, 2]), randn([3, 2]), randn([3])).shape).toEqual([1, 3]);
  expect(F.dropout(x, undefined).shape).toEqual([1, 1, 4, 4]);
  expectError(() => new nn.Conv2d(1, 2, 3).forward(randn([1, 2, 4, 4])), 'RangeError', /^Conv2d\.forward: expected 1 channels for input, got \[1, 2, 4, 4\]/);
  expectError(() => new nn.Dropout(0.5).forward('x' as never), 'TypeError', /^Dropout\.forward: expected a Tensor for input/);
  expectError(() => new nn.MSELoss().forward(x, randn([2])), 'RangeError', /^MSELoss\.forward: /);
});

test('nn.init rejects surplus arguments and names PyTorch’s positional parameters', () => {
  const w = () => randn([3, 4]);
  const cases: [() => unknown, RegExp][] = [
    // torch: init.kaiming_uniform_(w, 0, 'fan_in')
    [() => js(nn.init.kaimingUniform)(w(), 0, 'fan_in'), /^init\.kaimingUniform: expected at most 1 argument and an options object for arguments, got 3 \(PyTorch's 2nd and later arguments are a, mode: pass \{ a: 0, mode: 'fan_in' \}\)$/],
    [() => js(nn.init.kaimingNormal)(w(), 0, 'fan_out', 'relu'), /^init\.kaimingNormal: .*pass \{ a: 0, mode: 'fan_out', nonlinearity: 'relu' \}\)$/],
    // torch: init.xavier_uniform_(w, 2)
    [() => js(nn.init.xavierUniform)(w(), 2), /^init\.xavierUniform: expected an options object for options, got 2 \(PyTorch's 2nd argument is gain: pass \{ gain: 2 \}\)$/],
    [() => js(nn.init.xavierNormal)(w(), 2), /^init\.xavierNormal: .*pass \{ gain: 2 \}\)$/],
    [() => js(nn.init.orthogonal)(w(), 2), /^init\.orthogonal: expected an options object for options, got 2 \(PyTorch's 2nd argument is gain: pass \{ gain: 2 \}\)$/],
    [() => js(nn.init.truncNormal)(w(), 0, 0.02), /^init\.truncNormal: .*pass \{ mean: 0, std: 0.02 \}\)$/],
    [() => js(nn.init.sparse)(w(), 0.5, 0.02), /^init\.sparse: .*pass \{ std: 0.02 \}\)$/],
    [() => js(nn.init.uniform)(w(), -1, 1, {}, 3), /^init\.uniform: expected at most 3 arguments and an options object for arguments, got 5 \(the surplus: 3\)$/],
    [() => js(nn.init.normal)(w(), 0, 1, {}, 3), /^init\.normal: expected at most 3 arguments and an options object/],
    [() => js(nn.init.constant)(w(), 0, 1), /^init\.constant: expected at most 2 arguments for arguments, got 3 \(the surplus: 1\)$/],
    [() => js(nn.init.zeros)(w(), 1), /^init\.zeros: expected at most 1 argument for arguments, got 2/],
    [() => js(nn.init.ones)(w(), 1), /^init\.ones: expected at most 1 argument/],
    [() => js(nn.init.eye)(w(), 1), /^init\.eye: expected at most 1 argument/],
    [() => js(nn.init.dirac)(randn([2, 2, 3, 3]), 1, 2), /^init\.dirac: expected at most 2 arguments for arguments, got 3/],
    [() => js(nn.init.calculateGain)('leaky_relu', 0.2, 1), /^calculateGain: expected at most 2 arguments for arguments, got 3/],
  ];
  for (const [f, re] of cases) expectError(f, 'TypeError', re);
  // Trailing undefineds are absent arguments, as for a parameter with a default.
  expect(nn.init.uniform(w(), 0, 1, undefined).shape).toEqual([3, 4]);
});

test('module methods reject surplus arguments', () => {
  const m = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
  const call = (name: string, ...args: unknown[]) => () => js((m as unknown as Record<string, (...a: unknown[]) => unknown>)[name].bind(m))(...args);
  const cases: [() => unknown, RegExp][] = [
    // torch: model.parameters(False) is recurse=False, which kiln does not have
    [call('parameters', false), /^Sequential\.parameters: expected at most 0 arguments for arguments, got 1 \(the surplus: false\)$/],
    [call('namedParameters', ''), /^Sequential\.namedParameters: expected at most 0 arguments/],
    [call('buffers', false), /^Sequential\.buffers: expected at most 0 arguments/],
    [call('namedBuffers', ''), /^Sequential\.namedBuffers: /],
    [call('children', 1), /^Sequential\.children: /],
    [call('namedChildren', 1), /^Sequential\.namedChildren: /],
    [call('modules', 1), /^Sequential\.modules: /],
    [call('namedModules', '', 1), /^Sequential\.namedModules: expected at most 1 argument/],
    [call('train', true, 1), /^Sequential\.train: expected at most 1 argument for arguments, got 2 \(the surplus: 1\)$/],
    [call('eval', true), /^Sequential\.eval: expected at most 0 arguments/],
    [call('zeroGrad', true), /^Sequential\.zeroGrad: expected at most 0 arguments/],
    [call('apply', () => undefined, 1), /^Sequential\.apply: expected at most 1 argument/],
    [call('stateDict', {}), /^Sequential\.stateDict: expected at most 0 arguments/],
    // torch: model.load_state_dict(sd, False) — strict is positional in PyTorch
    [call('loadStateDict', m.stateDict(), false), /^Sequential\.loadStateDict: expected an options object for options, got false \(PyTorch's 2nd argument is strict: pass \{ strict: false \}\)$/],
    [call('get', 0, 1), /^Sequential\.get: expected at most 1 argument for arguments, got 2/],
    [call('append', new nn.ReLU(), new nn.ReLU()), /^Sequential\.append: expected at most 1 argument/],
  ];
  for (const [f, re] of cases) expectError(f, 'TypeError', re);
  expect(m.train().training).toBe(true);
  expect(m.loadStateDict(m.stateDict(), { strict: true })).toEqual({ missingKeys: [], unexpectedKeys: [] });
});

test('optimizer, scheduler and dataset methods reject surplus arguments', () => {
  const opt = new optim.SGD(new nn.Linear(2, 2).parameters(), { lr: 0.1 });
  const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 2 });
  const ds = new data.TensorDataset(zeros([2, 1]), zeros([2]));
  const bound = (o: object, name: string) => js((o as Record<string, (...a: unknown[]) => unknown>)[name].bind(o));
  const cases: [() => unknown, RegExp][] = [
    // torch: opt.zero_grad(False) — set_to_none is positional in PyTorch
    [() => bound(opt, 'zeroGrad')(false), /^SGD\.zeroGrad: expected an options object for options, got false \(PyTorch's 1st argument is setToNone: pass \{ setToNone: false \}\)$/],
    [() => bound(opt, 'step')(undefined, 1), /^SGD\.step: expected at most 1 argument for arguments, got 2/],
    [() => bound(new optim.Adam(new nn.Linear(2, 2).parameters()), 'step')(() => 0, 1), /^Adam\.step: expected at most 1 argument/],
    [() => bound(new optim.AdamW(new nn.Linear(2, 2).parameters()), 'step')(() => 0, 1), /^AdamW\.step: expected at most 1 argument/],
    [() => bound(opt, 'stateDict')(1), /^SGD\.stateDict: expected at most 0 arguments/],
    [() => bound(opt, 'loadStateDict')(opt.stateDict(), 1), /^SGD\.loadStateDict: expected at most 1 argument/],
    [() => bound(opt, 'addParamGroup')({ params: [randn([1]).requiresGrad_()] }, 1), /^SGD\.addParamGroup: expected at most 1 argument/],
    // torch: scheduler.step(epoch) is deprecated; kiln has no epoch argument
    [() => bound(sched, 'step')(3), /^StepLR\.step: expected at most 0 arguments for arguments, got 1 \(the surplus: 3\)$/],
    [() => bound(sched, 'stateDict')(1), /^StepLR\.stateDict: expected at most 0 arguments/],
    [() => bound(sched, 'loadStateDict')(sched.stateDict(), 1), /^StepLR\.loadStateDict: expected at most 1 argument/],
    [() => bound(ds, 'get')(0, 1), /^TensorDataset\.get: expected at most 1 argument/],
  ];
  for (const [f, re] of cases) expectError(f, 'TypeError', re);
  expect(opt.paramGroups[0].lr).toBe(0.1); // nothing above stepped
  expect(sched.lastEpoch).toBe(0);
});

test('activation modules without options reject any argument: kiln has no in-place activations', () => {
  // torch: nn.ReLU(inplace=True), nn.ReLU(True), nn.SELU(True)
  for (const C of [nn.ReLU, nn.SELU]) {
    const name = C.name;
    const re = new RegExp(`^${name}: expected at most 0 arguments for arguments, got 1 \\(PyTorch's 1st argument is inplace: kiln has no in-place activations, so leave it out\\)$`);
    expectError(() => jsNew(C)(true), 'TypeError', re);
    expectError(() => jsNew(C)(false), 'TypeError', re);
    expectError(() => jsNew(C)({ inplace: true }), 'TypeError', re);
  }
  // PyTorch's Sigmoid and Tanh take nothing at all.
  expectError(() => jsNew(nn.Sigmoid)(true), 'TypeError', /^Sigmoid: expected at most 0 arguments for arguments, got 1 \(the surplus: true\)$/);
  expectError(() => jsNew(nn.Tanh)(1, 2), 'TypeError', /^Tanh: expected at most 0 arguments for arguments, got 2 \(the surplus: 1, 2\)$/);
  expectError(() => jsNew(nn.ReLU)(true, 1), 'TypeError', /^ReLU: expected at most 0 arguments for arguments, got 2 \(the surplus: true, 1\)$/);
  expect((new nn.ReLU().forward(tensor([-1, 2])) as Tensor).toArray()).toEqual([0, 2]);
  expect(String(new nn.Sequential(new nn.Tanh(), new nn.Sigmoid()))).toMatch(/Tanh\(\)/);
});

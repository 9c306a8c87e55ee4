// What a PyTorch port hits in plain JavaScript, which accepts it silently: unknown option keys,
// surplus (or variadic) arguments, and noGrad around an async function. Each is now an error
// that names the culprit, or PyTorch's behaviour.
import { Tensor, Trainer, data, isGradEnabled, nn, noGrad, ones, optim, rand, randn, setGradEnabled, tensor, zeros, Generator } from '../lib';
import { suggestName } from '../lib/options';
import { expectError } from './helpers';

// Plain JavaScript: no types stop these calls.
const js = (f: unknown) => f as (...args: unknown[]) => unknown;
const jsNew = (C: unknown) => (...args: unknown[]) => new (C as new (...a: unknown[]) => unknown)(...args);
const params = () => new nn.Linear(2, 2).parameters();

describe('unknown option keys are TypeErrors that name the key and suggest the spelling', () => {
  test('optim.Adam({ weight_decay }) suggests weightDecay and lists the options', () => {
    // torch: optim.Adam(params, weight_decay=0.01)
    expectError(() => jsNew(optim.Adam)(params(), { weight_decay: 0.01 }), 'TypeError',
      /^Adam: expected an option among lr, betas, eps, weightDecay, amsgrad for option name, got 'weight_decay' \(did you mean weightDecay\?\)$/);
  });

  test('a near-miss typo is suggested: momentun -> momentum, paddding -> padding', () => {
    expectError(() => jsNew(optim.SGD)(params(), { lr: 0.1, momentun: 0.9 }), 'TypeError', /^SGD: .* got 'momentun' \(did you mean momentum\?\)$/);
    expectError(() => jsNew(nn.Conv2d)(1, 4, 3, { paddding: 1 }), 'TypeError', /^Conv2d: expected an option among stride, padding, bias, generator for option name, got 'paddding' \(did you mean padding\?\)$/);
  });

  test('across the API: layers, functional, init, schedulers, data, trainer, factories, param groups', () => {
    const opt = new optim.SGD(params(), { lr: 0.1 });
    const x = randn([1, 1, 4, 4]);
    const cases: [() => unknown, RegExp][] = [
      [() => jsNew(nn.Linear)(2, 3, { use_bias: false }), /^Linear: .* got 'use_bias'$/],
      [() => jsNew(nn.BatchNorm1d)(3, { track_running_stats: false }), /^BatchNorm1d: .* got 'track_running_stats' \(did you mean trackRunningStats\?\)$/],
      [() => jsNew(nn.LayerNorm)(3, { elementwise_affine: false }), /^LayerNorm: .* \(did you mean elementwiseAffine\?\)$/],
      [() => jsNew(nn.CrossEntropyLoss)({ label_smoothing: 0.1 }), /^CrossEntropyLoss: .* \(did you mean labelSmoothing\?\)$/],
      [() => jsNew(nn.MaxPool2d)(2, { strides: 2 }), /^MaxPool2d: .* got 'strides' \(did you mean stride\?\)$/],
      [() => js(nn.functional.maxPool2d)(x, 2, { strid: 1 }), /^maxPool2d: .* got 'strid' \(did you mean stride\?\)$/],
      [() => js(nn.functional.linear)(randn([1, 2]), randn([3, 2]), { bais: null }), /^linear: .* got 'bais' \(did you mean bias\?\)$/],
      [() => js(nn.init.kaimingUniform)(randn([3, 3]), { non_linearity: 'relu' }), /^init.kaimingUniform: .* \(did you mean nonlinearity\?\)$/],
      [() => jsNew(optim.lrScheduler.CosineAnnealingLR)(opt, { T_max: 10 }), /^CosineAnnealingLR: .* got 'T_max' \(did you mean tMax\?\)$/],
      [() => jsNew(data.DataLoader)(new data.TensorDataset(zeros([2, 1]), zeros([2])), { batch_size: 4 }), /^DataLoader: .* \(did you mean batchSize\?\)$/],
      [() => jsNew(Trainer)(new nn.Linear(2, 2), { optimizer: opt, loss: 'mse', clip_grad_norm: 1 }), /^Trainer: .* \(did you mean clipGradNorm\?\)$/],
      [() => js(tensor)([1, 2], { requires_grad: true }), /^tensor: .* \(did you mean requiresGrad\?\)$/],
      [() => js(randn)([2], { requires_grad: true }), /^randn: .* \(did you mean requiresGrad\?\)$/],
      [() => jsNew(optim.SGD)([{ params: params(), weight_decay: 0.1 }], { lr: 0.1 }), /^SGD: .* got 'weight_decay' \(did you mean weightDecay\?\)$/],
      [() => js(opt.zeroGrad.bind(opt))({ set_to_none: false }), /^SGD.zeroGrad: .* \(did you mean setToNone\?\)$/],
    ];
    for (const [f, re] of cases) expectError(f, 'TypeError', re);
  });

  test('no suggestion when nothing is close', () => {
    expect(suggestName('zzzzzz', ['lr', 'momentum'])).toBeUndefined();
    expectError(() => jsNew(optim.Adam)(params(), { foo: 1 }), 'TypeError', /got 'foo'$/);
  });
});

describe("variadic shapes, as PyTorch's", () => {
  test('zeros(2, 3), ones(2, 3), randn(2, 3, { generator }), rand(2, 3)', () => {
    // torch: torch.zeros(2, 3).shape == (2, 3)
    expect(js(zeros)(2, 3)).toMatchObject({ shape: [2, 3] });
    expect(String(js(ones)(2, 3))).toMatch(/shape=\[2, 3\]/);
    const a = js(randn)(2, 3, { generator: new Generator(7) }) as Tensor;
    const b = randn([2, 3], { generator: new Generator(7) });
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect((js(rand)(4, 5) as Tensor).shape).toEqual([4, 5]);
    expect((js(rand)(4, { requiresGrad: true }) as Tensor).requiresGrad).toBe(true);
  });

  test('x.view(-1, 784), x.reshape(-1, 784) and x.permute(1, 0) keep every size', () => {
    const x = zeros([2, 28, 28]);
    expect(x.view(-1, 784).shape).toEqual([2, 784]);
    expect(x.reshape(-1, 784).shape).toEqual([2, 784]);
    expect(x.view([-1, 784]).shape).toEqual([2, 784]);
    expect(tensor([[1, 2, 3]]).permute(1, 0).toArray()).toEqual([[1], [2], [3]]);
  });

  test('an array and more sizes together is rejected, not dropped', () => {
    expectError(() => js(zeros)([2, 3], 4), 'TypeError', /^zeros: expected one array of sizes, or the sizes as separate numbers for shape, got \[2, 3\], 4$/);
    expectError(() => js(zeros([6]).reshape)([2, 3], 1), 'TypeError', /^Tensor.reshape: expected one array of sizes/);
  });
});

describe('surplus arguments are rejected', () => {
  test("Conv2d(1, 32, 3, 1) suggests { stride: 1 }; Conv2d(1, 32, 3, 1, 0) both", () => {
    // torch: nn.Conv2d(1, 32, 3, 1): in_channels, out_channels, kernel_size, stride
    expectError(() => jsNew(nn.Conv2d)(1, 32, 3, 1), 'TypeError',
      /^Conv2d: expected an options object for options, got 1 \(PyTorch's 4th argument is stride: pass \{ stride: 1 \}\)$/);
    expectError(() => jsNew(nn.Conv2d)(1, 32, 3, 1, 0), 'TypeError', /^Conv2d: expected at most 3 arguments and an options object for arguments, got 5 \(PyTorch's 4th and later arguments are stride, padding: pass \{ stride: 1, padding: 0 \}\)$/);
  });

  test('other layers and optimisers map the position to PyTorch’s parameter name', () => {
    expectError(() => jsNew(nn.Linear)(2, 3, false), 'TypeError', /^Linear: .* \(PyTorch's 3rd argument is bias: pass \{ bias: false \}\)$/);
    expectError(() => jsNew(nn.MaxPool2d)(2, 2), 'TypeError', /^MaxPool2d: .*pass \{ stride: 2 \}\)$/);
    expectError(() => jsNew(nn.BatchNorm2d)(8, 1e-3), 'TypeError', /^BatchNorm2d: .*pass \{ eps: 0.001 \}\)$/);
    expectError(() => jsNew(nn.LayerNorm)(8, 1e-6), 'TypeError', /^LayerNorm: .*pass \{ eps: 0.000001 \}\)$|^LayerNorm: .*pass \{ eps: 1e-6 \}\)$/);
    expectError(() => jsNew(nn.Dropout)(0.5, { generator: new Generator(1) }, true), 'TypeError', /^Dropout: expected at most 1 argument and an options object for arguments, got 3 \(the surplus: true\)$/);
    expectError(() => jsNew(optim.SGD)(params(), 0.1), 'TypeError', /^SGD: .*pass \{ lr: 0.1 \}\)$/);
    expectError(() => jsNew(optim.Adam)(params(), 1e-3, [0.9, 0.99]), 'TypeError', /^Adam: expected at most 1 argument and an options object for arguments, got 3 \(PyTorch's 2nd and later arguments are lr, betas/);
  });

  test('functions and methods with a fixed arity', () => {
    const x = tensor([1, 2]);
    expectError(() => js(x.add.bind(x))(1, 2), 'TypeError', /^Tensor.add: expected at most 1 argument for arguments, got 2 \(the surplus: 2\)$/);
    expectError(() => js(x.sum.bind(x))(0, false, 1), 'TypeError', /^Tensor.sum: expected at most 2 arguments/);
    expectError(() => js(tensor)([1], {}, 3), 'TypeError', /^tensor: expected at most 1 argument and an options object/);
    expectError(() => js(noGrad)(() => 1, 2), 'TypeError', /^noGrad: expected at most 1 argument/);
  });
});

describe('noGrad with an async function holds the mode across awaits', () => {
  test('ops after an await inside noGrad record no graph; outside they do', async () => {
    const w = ones([2]).requiresGrad_();
    const seen: boolean[] = [];
    const y = await noGrad(async () => {
      seen.push(isGradEnabled());
      await new Promise((r) => setImmediate(r));
      seen.push(isGradEnabled());
      return w.mul(2);
    });
    expect(seen).toEqual([false, false]);
    expect(y.requiresGrad).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(w.mul(2).requiresGrad).toBe(true);
  });

  test('code interleaved with a suspended noGrad keeps recording', async () => {
    const w = ones([2]).requiresGrad_();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const pending = noGrad(async () => {
      await gate;
      return w.mul(2);
    });
    expect(w.mul(2).requiresGrad).toBe(true); // runs while noGrad's function is suspended
    release();
    expect((await pending).requiresGrad).toBe(false);
  });

  test('setGradEnabled(true) inside noGrad re-enables it there only', () => {
    const w = ones([2]).requiresGrad_();
    noGrad(() => {
      expect(setGradEnabled(true)).toBe(false);
      expect(w.mul(2).requiresGrad).toBe(true);
    });
    expect(isGradEnabled()).toBe(true);
  });
});

// nn.RNN, nn.LSTM, nn.GRU against PyTorch (test/fixtures/gen_rnn.py): outputs, final states and
// every gradient (input, h0/c0, each parameter by its state-dict key); finite differences of the
// native backpropagation through time; a 10-step LSTM language model's trajectory; state dicts
// under PyTorch's keys; dropout between layers; errors that name shapes.
import { Tensor, tensor, nn, optim, manualSeed, Generator, noGrad } from '../lib';
import { FixtureTensor, expectClose, expectError, fixtureTensor, gradCheck, loadFixture } from './helpers';

interface Case {
  kind: 'RNN' | 'LSTM' | 'GRU';
  inputSize: number;
  hiddenSize: number;
  opts: Record<string, unknown>;
  state: Record<string, FixtureTensor>;
  keys: string[];
  x: FixtureTensor;
  h0?: FixtureTensor;
  c0?: FixtureTensor;
  out: FixtureTensor;
  hN: FixtureTensor;
  cN?: FixtureTensor;
  w_out: FixtureTensor;
  w_h: FixtureTensor;
  w_c?: FixtureTensor;
  dx: FixtureTensor;
  dh0?: FixtureTensor;
  dc0?: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}

const fx = loadFixture<Record<string, unknown>>('rnn');
const cases = Object.entries(fx).filter(([k]) => k !== 'lm') as [string, Case][];

function build(c: Case): nn.RNNBase {
  const m = c.kind === 'RNN' ? new nn.RNN(c.inputSize, c.hiddenSize, c.opts) : c.kind === 'LSTM' ? new nn.LSTM(c.inputSize, c.hiddenSize, c.opts) : new nn.GRU(c.inputSize, c.hiddenSize, c.opts);
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.state)) sd[k] = fixtureTensor(v);
  const r = m.loadStateDict(sd);
  expect(r).toEqual({ missingKeys: [], unexpectedKeys: [] });
  return m;
}

const tol = { rtol: 1e-4, atol: 1e-5 };

describe.each(cases)('%s against PyTorch', (name, c) => {
  test('state-dict keys and parameter order as PyTorch', () => {
    const m = build(c);
    expect(Object.keys(m.stateDict())).toEqual(c.keys);
    expect(m.namedParameters().map(([k]) => k)).toEqual(c.keys);
  });

  test('forward and backward', () => {
    const m = build(c);
    const x = fixtureTensor(c.x, true);
    const h0 = c.h0 ? fixtureTensor(c.h0, true) : undefined;
    const c0 = c.c0 ? fixtureTensor(c.c0, true) : undefined;
    let out: Tensor, hN: Tensor, cN: Tensor | null = null;
    if (m instanceof nn.LSTM) {
      // out, (hN, cN) = lstm(x, (h0, c0))
      [out, [hN, cN]] = m.forward(x, h0 ? [h0, c0!] : undefined);
    } else {
      // out, hN = rnn(x, h0)
      [out, hN] = (m as nn.RNN).forward(x, h0);
    }
    expect(out.shape).toEqual(c.out.shape);
    expect(hN.shape).toEqual(c.hN.shape);
    expectClose(out, c.out.data, { ...tol, label: `${name} out` });
    expectClose(hN, c.hN.data, { ...tol, label: `${name} hN` });
    if (cN) {
      expect(cN.shape).toEqual(c.cN!.shape);
      expectClose(cN, c.cN!.data, { ...tol, label: `${name} cN` });
    }
    // loss = (y * w_out).sum() + (hN * w_h).sum() [+ (cN * w_c).sum()]
    let loss = out.mul(fixtureTensor(c.w_out)).sum().add(hN.mul(fixtureTensor(c.w_h)).sum());
    if (cN) loss = loss.add(cN.mul(fixtureTensor(c.w_c!)).sum());
    loss.backward();
    expectClose(x.grad!, c.dx.data, { ...tol, label: `${name} dx` });
    if (h0) expectClose(h0.grad!, c.dh0!.data, { ...tol, label: `${name} dh0` });
    if (c0) expectClose(c0.grad!, c.dc0!.data, { ...tol, label: `${name} dc0` });
    for (const [k, p] of m.namedParameters()) expectClose(p.grad!, c.grads[k].data, { ...tol, label: `${name} d${k}` });
  });
});

describe('finite differences of the native backward', () => {
  const modes: [string, () => nn.RNNBase][] = [
    ['RNN tanh bidirectional', () => new nn.RNN(2, 3, { bidirectional: true, generator: new Generator(1) })],
    ['RNN relu 2 layers', () => new nn.RNN(2, 3, { numLayers: 2, nonlinearity: 'relu', generator: new Generator(2) })],
    ['LSTM bidirectional', () => new nn.LSTM(2, 3, { bidirectional: true, generator: new Generator(3) })],
    ['GRU 2 layers', () => new nn.GRU(2, 3, { numLayers: 2, generator: new Generator(4) })],
  ];
  test.each(modes)('%s: input, h0 (c0) and every parameter', (label, make) => {
    const m = make();
    const D = m.bidirectional ? 2 : 1;
    const g = new Generator(7);
    const x = tensor(g.fillNormal(new Float32Array(4 * 2 * 2)), { shape: [4, 2, 2], requiresGrad: true });
    const h0 = tensor(g.fillNormal(new Float32Array(m.numLayers * D * 2 * 3), 0, 0.5), { shape: [m.numLayers * D, 2, 3], requiresGrad: true });
    const c0 = tensor(g.fillNormal(new Float32Array(m.numLayers * D * 2 * 3), 0, 0.5), { shape: [m.numLayers * D, 2, 3], requiresGrad: true });
    const params = m.parameters();
    const lstm = m instanceof nn.LSTM;
    // Every output in one tensor: out, hN (and cN) flattened side by side.
    const f = (xi: Tensor, hi: Tensor, ci: Tensor) => {
      const pieces = lstm ? (() => { const [o, [h, cc]] = (m as nn.LSTM).forward(xi, [hi, ci]); return [o, h, cc]; })() : (m as nn.RNN).forward(xi, hi);
      const flat = pieces.map((p) => p.reshape([p.numel]));
      const w = flat.map((p, k) => tensor(Array.from({ length: p.numel }, (_, i) => Math.cos(i + 3 * k)), { shape: [p.numel] }));
      return flat.map((p, k) => p.mul(w[k]).sum().reshape([1])).reduce((a, b) => a.add(b));
    };
    const inputs = lstm ? [x, h0, c0] : [x, h0];
    gradCheck((...ts) => f(ts[0], ts[1], lstm ? ts[2] : c0), inputs, { eps: 1e-2, rtol: 2e-2, atol: 2e-3, label });
    // Parameters: the same check, through closures over the module's tensors.
    gradCheck(() => f(x, h0, c0), params, { eps: 1e-2, rtol: 2e-2, atol: 2e-3, label: `${label} params` });
  });
});

describe('a 10-step LSTM language model as PyTorch', () => {
  test('losses and final parameters of Adam(lr=0.01) within 1e-4', () => {
    const lm = fx.lm as { V: number; H: number; L: number; N: number; lr: number; tokens: number[]; init: Record<string, FixtureTensor>; losses: number[]; final: Record<string, FixtureTensor> };
    const { V, H, L, N } = lm;
    const lstm = new nn.LSTM(V, H);
    const head = new nn.Linear(H, V);
    const model = new nn.Sequential();
    const sd: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(lm.init)) sd[k] = fixtureTensor(v);
    const sub = (prefix: string) => Object.fromEntries(Object.entries(sd).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    lstm.loadStateDict(sub('lstm.'));
    head.loadStateDict(sub('head.'));
    void model;
    // x = F.one_hot(tokens[:-1], V).float(); target = tokens[1:]
    const xData = new Float32Array(L * N * V);
    for (let i = 0; i < L * N; i++) xData[i * V + lm.tokens[i]] = 1;
    const x = tensor(xData, { shape: [L, N, V] });
    const target = tensor(lm.tokens.slice(N));
    const opt = new optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: lm.lr });
    const lossFn = new nn.CrossEntropyLoss();
    const losses: number[] = [];
    for (let step = 0; step < 10; step++) {
      opt.zeroGrad();
      const [y] = lstm.forward(x);
      const loss = lossFn.forward(head.forward(y).reshape([L * N, V]), target);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expectClose(losses, lm.losses, { rtol: 0, atol: 1e-4, label: 'losses' });
    const final: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(lstm.stateDict())) final[`lstm.${k}`] = v;
    for (const [k, v] of Object.entries(head.stateDict())) final[`head.${k}`] = v;
    expect(Object.keys(final)).toEqual(Object.keys(lm.final));
    for (const [k, v] of Object.entries(lm.final)) expectClose(final[k], v.data, { rtol: 0, atol: 1e-4, label: k });
  });
});

describe('state dicts, dropout, repr, no-grad', () => {
  test('stateDict round trip under PyTorch keys gives the same outputs', () => {
    const a = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, generator: new Generator(1) });
    const b = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, generator: new Generator(2) });
    expect(Object.keys(a.stateDict())).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
    ]);
    expect(a.stateDict().weight_ih_l1.shape).toEqual([12, 8]);
    const x = tensor(new Generator(3).fillNormal(new Float32Array(5 * 2 * 3)), { shape: [5, 2, 3] });
    expect(Array.from(a.forward(x)[0].data)).not.toEqual(Array.from(b.forward(x)[0].data));
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.forward(x)[0].data)).toEqual(Array.from(a.forward(x)[0].data));
  });

  test('inter-layer dropout: training only, not after the last layer, seeded', () => {
    const x = tensor(new Generator(3).fillNormal(new Float32Array(6 * 2 * 3)), { shape: [6, 2, 3] });
    const make = () => new nn.LSTM(3, 8, { numLayers: 2, dropout: 0.5, generator: new Generator(4) });
    const m = make();
    const plain = make();
    // The same weights without dropout: eval mode of either gives the same output.
    const noDrop = new nn.LSTM(3, 8, { numLayers: 2, generator: new Generator(4) });
    m.eval();
    expect(Array.from(m.forward(x)[0].data)).toEqual(Array.from(noDrop.forward(x)[0].data));
    m.train();
    const [y1] = m.forward(x);
    const [y2] = m.forward(x);
    expect(Array.from(y1.data)).not.toEqual(Array.from(noDrop.forward(x)[0].data));
    expect(Array.from(y1.data)).not.toEqual(Array.from(y2.data)); // a fresh mask each call
    // Seeded: a second module with the same generator seed draws the same masks.
    expect(Array.from(plain.forward(x)[0].data)).toEqual(Array.from(y1.data));
    // One layer: nothing to drop between layers (PyTorch warns), so training equals eval.
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const one = new nn.GRU(3, 4, { dropout: 0.5, generator: new Generator(1) });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    const t1 = one.forward(x)[0];
    one.eval();
    expect(Array.from(one.forward(x)[0].data)).toEqual(Array.from(t1.data));
  });

  test('gradients flow through dropout between layers to the input', () => {
    const m = new nn.RNN(3, 4, { numLayers: 3, dropout: 0.3, generator: new Generator(8) });
    const x = tensor(new Generator(9).fillNormal(new Float32Array(4 * 3)), { shape: [4, 3], requiresGrad: true });
    const [y, hN] = m.forward(x);
    expect(y.shape).toEqual([4, 4]);
    expect(hN.shape).toEqual([3, 4]);
    y.sum().backward();
    expect(x.grad!.data.some((v) => v !== 0)).toBe(true);
    for (const p of m.parameters()) expect(p.grad).not.toBeNull();
  });

  test('repr as PyTorch', () => {
    expect(new nn.LSTM(3, 4).extraRepr()).toBe('3, 4');
    expect(new nn.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2, bias: false, batchFirst: true, dropout: 0.5, bidirectional: true }).extraRepr()).toBe(
      '3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True',
    );
    expect(String(new nn.GRU(2, 3))).toContain('GRU(2, 3)');
  });

  test('under noGrad: no graph, same values', () => {
    const m = new nn.LSTM(2, 3, { generator: new Generator(1) });
    const x = tensor(new Generator(2).fillNormal(new Float32Array(8)), { shape: [4, 2] });
    const [y, [h, c]] = noGrad(() => m.forward(x));
    expect(y.requiresGrad || h.requiresGrad || c.requiresGrad).toBe(false);
    expect(Array.from(y.data)).toEqual(Array.from(m.forward(x)[0].data));
  });

  test('bitwise the same on 1 and 2 kernel threads', () => {
    const { expectSameOnTwoThreads } = jest.requireActual('./helpers') as typeof import('./helpers');
    const m = new nn.LSTM(16, 32, { numLayers: 2, bidirectional: true, generator: new Generator(5) });
    const x = tensor(new Generator(6).fillNormal(new Float32Array(7 * 9 * 16)), { shape: [7, 9, 16], requiresGrad: true });
    expectSameOnTwoThreads(() => {
      m.zeroGrad();
      x.grad = null;
      const [y, [h]] = m.forward(x);
      y.sum().add(h.sum()).backward();
      return [y, x.grad!, ...m.parameters().map((p) => p.grad!)];
    });
  });
});

describe('errors name shapes and options', () => {
  const lstm = new nn.LSTM(16, 8, { batchFirst: true, numLayers: 2 });
  const x = tensor(new Float32Array(4 * 10 * 16), { shape: [4, 10, 16] });
  test('input shape', () => {
    expectError(() => lstm.forward(tensor(new Float32Array(600), { shape: [4, 10, 15] })), 'RangeError', /^LSTM\.forward: expected last dimension 16 \(inputSize\) for input, got \[4, 10, 15\]$/);
    expectError(() => lstm.forward(tensor(new Float32Array(16), { shape: [16] })), 'RangeError', /^LSTM\.forward: expected a 2-D \(unbatched\) or 3-D tensor for input, got \[16\]$/);
    expectError(() => new nn.GRU(3, 4).forward(tensor(new Float32Array(0), { shape: [0, 2, 3] })), 'RangeError', /^GRU\.forward: expected a sequence of at least one step for input, got \[0, 2, 3\]$/);
    expectError(() => lstm.forward([1, 2] as never), 'TypeError', /^LSTM\.forward: expected a Tensor for input/);
  });
  test('state shapes', () => {
    const h = tensor(new Float32Array(2 * 4 * 8), { shape: [2, 4, 8] });
    const bad = tensor(new Float32Array(1 * 4 * 8), { shape: [1, 4, 8] });
    expectError(() => lstm.forward(x, [bad, h]), 'RangeError', /^LSTM\.forward: expected shape \[2, 4, 8\] for h0, got \[1, 4, 8\]$/);
    expectError(() => lstm.forward(x, [h, bad]), 'RangeError', /^LSTM\.forward: expected shape \[2, 4, 8\] for c0, got \[1, 4, 8\]$/);
    expectError(() => lstm.forward(x, h as never), 'TypeError', /^LSTM\.forward: expected a pair \[h0, c0\] of Tensors for hx/);
    expectError(() => lstm.forward(x, [h, 3] as never), 'TypeError', /^LSTM\.forward: expected a Tensor for hx\[1\] \(c0\), got 3$/);
    expectError(() => new nn.RNN(3, 4).forward(tensor(new Float32Array(15), { shape: [5, 3] }), tensor(new Float32Array(8), { shape: [1, 2, 4] })), 'RangeError', /^RNN\.forward: expected shape \[1, 4\] for h0, got \[1, 2, 4\]$/);
    expectError(() => new nn.GRU(3, 4, { bidirectional: true }).forward(tensor(new Float32Array(30), { shape: [5, 2, 3] }), tensor(new Float32Array(8), { shape: [1, 2, 4] })), 'RangeError', /^GRU\.forward: expected shape \[2, 2, 4\] for h0, got \[1, 2, 4\]$/);
  });
  test('constructor options', () => {
    expectError(() => new nn.LSTM(3, 4, { projSize: 2 }), 'RangeError', /^LSTM: expected 0 \(kiln does not implement LSTM projections\) for projSize, got 2$/);
    expectError(() => new nn.RNN(3, 4, { nonlinearity: 'sigmoid' as never }), 'RangeError', /expected 'tanh' or 'relu' for nonlinearity, got 'sigmoid'/);
    expectError(() => new nn.GRU(3, 4, { nonlinearity: 'relu' } as never), 'TypeError', /nonlinearity/);
    expectError(() => new nn.LSTM(3, 4, { dropout: 1.5 }), 'RangeError', /^LSTM: expected a number in \[0, 1\] for dropout, got 1\.5$/);
    expectError(() => new nn.LSTM(3, 4, { dropout: '0.1' as never }), 'TypeError', /dropout/);
    expectError(() => new nn.RNN(3, 0), 'RangeError', /hiddenSize/);
    expectError(() => new nn.RNN(-1, 4), 'RangeError', /inputSize/);
    expectError(() => new nn.RNN(3, 4, { numLayers: 0 }), 'RangeError', /numLayers/);
    expectError(() => new nn.RNN(3, 4, { batchFirst: 1 as never }), 'TypeError', /batchFirst/);
    expectError(() => new nn.GRU(3, 4, { numLayer: 2 } as never), 'TypeError', /numLayer/);
    expectError(() => new nn.LSTM(3, 4, 2 as never), 'TypeError', /^LSTM: expected an options object for options, got 2 \(PyTorch's 3rd argument is numLayers: pass \{ numLayers: 2 \}\)$/);
    expectError(() => new (nn.RNN as unknown as new (...a: unknown[]) => unknown)(3, 4, {}, 1), 'TypeError', /^RNN: expected at most 2 arguments/);
  });
});

describe('native bindings: found by the fuzz', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { native } = require('../lib/native') as typeof import('../lib/native');
  const f = (n: number) => new Float32Array(n);
  test('an empty Float32Array for a due c0 is a RangeError, not read as null (it crashed: the empty array has no data pointer)', () => {
    // rnnForward(out, hN, cN, saved, inp, h0, c0, wIh, wHh, bIh, bHh, L, N, C, H, mode, reverse), L=3 N=4 C=2 H=3 LSTM
    expectError(() => native.rnnForward(f(36), f(12), f(12), f(180), f(24), f(12), f(0), f(24), f(36), f(12), f(12), 3, 4, 2, 3, 2, true), 'RangeError', /^rnnForward: expected c0 to hold 12 elements, got 0$/);
    expectError(() => native.rnnForward(f(36), f(12), null, f(180), f(24), f(12), null, f(24), f(36), null, null, 3, 4, 2, 3, 2, false), 'TypeError', /cN and c0/);
    expectError(() => native.rnnForward(f(36), f(12), f(12), f(0), f(24), f(12), null, f(6), f(9), null, null, 3, 4, 2, 3, 0, false), 'TypeError', /expected null for cN and c0/);
  });
  test('an empty batch over a huge L returns at once (it looped 2^31 times)', () => {
    native.rnnForward(f(0), f(0), null, f(0), f(0), f(0), null, f(6), f(9), null, null, 2 ** 31 - 1, 0, 2, 3, 0, false);
    native.rnnBackward(null, null, null, f(6), f(9), null, null, f(0), f(0), null, f(0), f(0), null, f(6), f(9), f(0), f(0), 2 ** 31 - 1, 0, 2, 3, 0, false);
  });
});

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

// Initialisation of recurrent layers: nn.init.orthogonalBlocks (each gate's block of weight_hh
// orthogonal), nn.utils.rnnInitRecipe, PyTorch's default U(-1/sqrt(H), 1/sqrt(H)), and the
// gradient-propagation claim that motivates orthogonal recurrent weights, measured.
import { Tensor, tensor, nn, Generator, noGrad, manualSeed } from '../lib';
import { expectClose, expectError } from './helpers';

/** block^T block for rows [r0, r0 + R) of a (rows, C) tensor, as a flat (C, C) array. */
function gram(t: Tensor, r0: number, R: number): number[] {
  const C = t.shape[1];
  const out = new Array<number>(C * C).fill(0);
  for (let i = 0; i < C; i++) for (let j = 0; j < C; j++) {
    let s = 0;
    for (let r = r0; r < r0 + R; r++) s += t.data[r * C + i] * t.data[r * C + j];
    out[i * C + j] = s;
  }
  return out;
}
const identity = (C: number, gain = 1) => Float32Array.from({ length: C * C }, (_, k) => (k % (C + 1) === 0 ? gain * gain : 0));

describe('nn.init.orthogonalBlocks', () => {
  test.each([[4, 8], [3, 5], [1, 16]])('%i blocks of (H, H) with H = %i: block^T block = I, blocks differ', (G, H) => {
    const w = tensor(new Float32Array(G * H * H), { shape: [G * H, H] });
    nn.init.orthogonalBlocks(w, G, { generator: new Generator(3) });
    for (let k = 0; k < G; k++) expectClose(gram(w, k * H, H), identity(H), { rtol: 0, atol: 1e-5, label: `block ${k}` });
    if (G > 1) expect(Array.from(w.data.subarray(0, H))).not.toEqual(Array.from(w.data.subarray(H * H, H * H + H)));
  });

  test('gain scales each block: block^T block = gain^2 I; a wide block has orthonormal rows', () => {
    const w = tensor(new Float32Array(2 * 6 * 6), { shape: [12, 6] });
    nn.init.orthogonalBlocks(w, 2, { gain: 2, generator: new Generator(1) });
    for (let k = 0; k < 2; k++) expectClose(gram(w, k * 6, 6), identity(6, 2), { rtol: 0, atol: 4e-5, label: `block ${k}` });
    const wide = tensor(new Float32Array(2 * 3 * 5), { shape: [6, 5] });
    nn.init.orthogonalBlocks(wide, 2, { generator: new Generator(2) });
    for (let k = 0; k < 2; k++) {
      // rows r, s of block k: dot = delta_rs
      for (let r = 0; r < 3; r++) for (let s = 0; s < 3; s++) {
        let d = 0;
        for (let c = 0; c < 5; c++) d += wide.data[(k * 3 + r) * 5 + c] * wide.data[(k * 3 + s) * 5 + c];
        expect(Math.abs(d - (r === s ? 1 : 0))).toBeLessThan(1e-5);
      }
    }
  });

  test('seeded: the same generator seed gives the same weights', () => {
    const a = nn.init.orthogonalBlocks(tensor(new Float32Array(32), { shape: [8, 4] }), 2, { generator: new Generator(9) });
    const b = nn.init.orthogonalBlocks(tensor(new Float32Array(32), { shape: [8, 4] }), 2, { generator: new Generator(9) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  test('errors', () => {
    const w = tensor(new Float32Array(12), { shape: [6, 2] });
    expectError(() => nn.init.orthogonalBlocks(w, 4), 'RangeError', /^init\.orthogonalBlocks: expected a divisor of the 6 rows of tensor for blocks, got 4$/);
    expectError(() => nn.init.orthogonalBlocks(tensor(new Float32Array(6), { shape: [6] }), 1), 'RangeError', /expected a 2-D tensor for tensor, got shape \[6\]/);
    expectError(() => nn.init.orthogonalBlocks(w, 0), 'RangeError', /blocks/);
    expectError(() => nn.init.orthogonalBlocks(w, 1.5), 'RangeError', /blocks/);
    expectError(() => nn.init.orthogonalBlocks(w, '2' as unknown as number), 'TypeError', /blocks/);
    expectError(() => nn.init.orthogonalBlocks(w, 2, { gian: 1 } as never), 'TypeError', /gian/);
    expectError(() => nn.init.orthogonalBlocks(w, 2, { gain: NaN }), 'RangeError', /gain/);
    expectError(() => nn.init.orthogonalBlocks(null as unknown as Tensor, 2), 'TypeError', /tensor/);
  });
});

describe('nn.utils.rnnInitRecipe', () => {
  test('LSTM: orthogonal gate blocks of weight_hh, Xavier weight_ih, zero biases but forget 1, every layer and direction', () => {
    const H = 6, I = 5;
    const lstm = nn.utils.rnnInitRecipe(new nn.LSTM(I, H, { numLayers: 2, bidirectional: true }), { generator: new Generator(0) });
    expect(lstm.allWeights.length).toBe(4);
    lstm.allWeights.forEach(([wIh, wHh, bIh, bHh], k) => {
      for (let g = 0; g < 4; g++) expectClose(gram(wHh, g * H, H), identity(H), { rtol: 0, atol: 1e-5, label: `l${k} gate ${g}` });
      const fanIn = wIh.shape[1], fanOut = wIh.shape[0];
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      expect(Math.max(...Array.from(wIh.data, Math.abs))).toBeLessThanOrEqual(bound);
      const expected = new Float32Array(4 * H);
      expected.fill(1, H, 2 * H);
      expect(Array.from(bIh.data)).toEqual(Array.from(expected));
      expect(Array.from(bHh.data)).toEqual(new Array(4 * H).fill(0));
    });
  });

  test('GRU and RNN: 3 and 1 blocks, all biases zero; gain and forgetBias options; no-bias layers', () => {
    const gru = nn.utils.rnnInitRecipe(new nn.GRU(3, 4), { gain: 0.5, generator: new Generator(1) });
    const [, wHh, bIh] = gru.allWeights[0];
    for (let g = 0; g < 3; g++) expectClose(gram(wHh, g * 4, 4), identity(4, 0.5), { rtol: 0, atol: 1e-5 });
    expect(Array.from(bIh.data).every((v) => v === 0)).toBe(true);
    const rnn = nn.utils.rnnInitRecipe(new nn.RNN(3, 4, { bias: false }));
    expectClose(gram(rnn.allWeights[0][1], 0, 4), identity(4), { rtol: 0, atol: 1e-5 });
    const lstm = nn.utils.rnnInitRecipe(new nn.LSTM(2, 3), { forgetBias: 2 });
    expect(Array.from(lstm.allWeights[0][2].data)).toEqual([0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
  });

  test('errors', () => {
    expectError(() => nn.utils.rnnInitRecipe(new nn.Linear(2, 2) as never), 'TypeError', /^rnnInitRecipe: expected an nn\.RNN, nn\.LSTM or nn\.GRU for module, got/);
    expectError(() => nn.utils.rnnInitRecipe(new nn.LSTM(2, 2), { forget: 1 } as never), 'TypeError', /forget/);
    expectError(() => nn.utils.rnnInitRecipe(new nn.LSTM(2, 2), { gain: Infinity }), 'RangeError', /gain/);
  });
});

describe('default initialisation as PyTorch', () => {
  test('every weight and bias in U(-1/sqrt(H), 1/sqrt(H)), spread over the range; seeded', () => {
    const H = 16;
    const a = new nn.LSTM(8, H, { numLayers: 2, generator: new Generator(5) });
    const b = new nn.LSTM(8, H, { numLayers: 2, generator: new Generator(5) });
    const bound = 1 / Math.sqrt(H);
    for (const [k, p] of a.namedParameters()) {
      const v = Array.from(p.data);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...v)).toBeGreaterThan(0.8 * bound);
      expect(Math.min(...v)).toBeLessThan(-0.8 * bound);
      expect(v).toEqual(Array.from(b.stateDict()[k].data));
    }
    manualSeed(11);
    const c = new nn.GRU(3, 4);
    manualSeed(11);
    const d = new nn.GRU(3, 4);
    expect(Array.from(c.allWeights[0][0].data)).toEqual(Array.from(d.allWeights[0][0].data));
  });
});

describe('gradient propagation through 100 steps of a tanh RNN (hidden 64), measured', () => {
  /**
   * ||dL/dh_0|| / ||dL/dh_100|| for L = v . h_100 (v ~ N(0, 1)): the gradient reaching the
   * hidden state before step 1 relative to the one at step 100. No input (x = 0), biases 0,
   * h_0 ~ N(0, 0.1^2): the recurrence alone.
   */
  function ratio(init: (w: Tensor, g: Generator) => void, inputStd = 0): number {
    const H = 64, L = 100;
    const g = new Generator(0);
    const rnn = new nn.RNN(H, H, { generator: g });
    noGrad(() => {
      const [wIh, wHh, bIh, bHh] = rnn.allWeights[0];
      nn.init.xavierUniform(wIh, { generator: g });
      init(wHh, g);
      bIh.data.fill(0);
      bHh.data.fill(0);
    });
    const x = tensor(g.fillNormal(new Float32Array(L * H), 0, inputStd), { shape: [L, 1, H] });
    const h0 = tensor(g.fillNormal(new Float32Array(H), 0, 0.1), { shape: [1, 1, H], requiresGrad: true });
    const [, hN] = rnn.forward(x, h0);
    const v = tensor(g.fillNormal(new Float32Array(H)), { shape: [1, 1, H] });
    hN.mul(v).sum().backward();
    const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, q) => s + q * q, 0));
    return norm(h0.grad!.data) / norm(v.data);
  }
  const orthogonal = (w: Tensor, g: Generator) => void nn.init.orthogonal(w, { generator: g });
  const gaussian = (w: Tensor, g: Generator) => void nn.init.normal(w, 0, 1 / Math.sqrt(64), { generator: g });
  const torchDefault = (w: Tensor, g: Generator) => void nn.init.uniform(w, -1 / 8, 1 / 8, { generator: g });

  test('orthogonal W_hh: the gradient at step 1 stays within 10x of the one at step 100 (measured 0.59)', () => {
    const r = ratio(orthogonal);
    expect(r).toBeGreaterThan(0.4);
    expect(r).toBeLessThan(0.8);
  });

  test('N(0, 1/H) W_hh: measured 0.41, so it does not decay by orders of magnitude at H = 64, L = 100 (the Lyapunov exponent is only about -1/H)', () => {
    const r = ratio(gaussian);
    expect(r).toBeGreaterThan(0.2);
    expect(r).toBeLessThan(0.6);
    expect(r).toBeLessThan(ratio(orthogonal));
  });

  test("PyTorch's default U(-1/sqrt(H), 1/sqrt(H)) W_hh (spectral radius about 1/sqrt(3)): decays by orders of magnitude", () => {
    const r = ratio(torchDefault);
    expect(r).toBeLessThan(1e-10);
  });

  test('with inputs of std 0.5 tanh saturates, and both orthogonal and Gaussian decay below 1e-9', () => {
    expect(ratio(orthogonal, 0.5)).toBeLessThan(1e-9);
    expect(ratio(gaussian, 0.5)).toBeLessThan(1e-9);
  });
});

// Scaled dot-product attention, MultiheadAttention, TransformerEncoderLayer and
// TransformerEncoder against PyTorch 1.13 (test/fixtures/gen_attn.py), the fused native
// softmax's backward by finite differences, dropout properties, copies, state dicts and errors.
import { Tensor, tensor, zeros, nn, optim, Generator, noGrad } from '../lib';
import { native } from '../lib/native';
import { expectClose, expectError, gradCheck, loadFixture, seeded } from './helpers';

const F = nn.functional;

interface FT {
  shape: number[];
  data: (number | string)[];
}
/** A fixture tensor; the generator writes non-finite values as strings ('-Infinity'). */
function ft(t: FT, requiresGrad = false): Tensor {
  return tensor(Float32Array.from(t.data, (v) => Number(v)), { shape: t.shape, requiresGrad });
}
const vals = (t: FT) => t.data.map((v) => Number(v));
function loadSd(m: nn.Module, sd: Record<string, FT>): void {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(sd)) out[k] = ft(v);
  m.loadStateDict(out);
}
function expectGrads(m: nn.Module, grads: Record<string, FT>, label: string, tol = { rtol: 1e-4, atol: 2e-5 }): void {
  const named = new Map(m.namedParameters());
  expect([...named.keys()].sort()).toEqual(Object.keys(grads).sort());
  for (const [k, g] of Object.entries(grads)) expectClose(named.get(k)!.grad!, vals(g), { ...tol, label: `${label} ${k}` });
}

const fx = loadFixture<any>('attn');
const TOL = { rtol: 1e-4, atol: 2e-5 };

describe('F.scaledDotProductAttention against PyTorch', () => {
  for (const c of fx.sdpa) {
    test(c.name, () => {
      const q = ft(c.q, true);
      const k = ft(c.k, true);
      const v = ft(c.v, true);
      const mask = c.mask ? ft(c.mask, c.maskGrad) : undefined;
      const y = F.scaledDotProductAttention(q, k, v, { attnMask: mask, isCausal: c.isCausal, scale: c.scale });
      expect(y.shape).toEqual(c.out.shape);
      expectClose(y, vals(c.out), { ...TOL, label: 'out' });
      y.mul(ft(c.R)).sum().backward();
      expectClose(q.grad!, vals(c.dq), { ...TOL, label: 'dq' });
      expectClose(k.grad!, vals(c.dk), { ...TOL, label: 'dk' });
      expectClose(v.grad!, vals(c.dv), { ...TOL, label: 'dv' });
      if (c.dmask) expectClose(mask!.grad!, vals(c.dmask), { ...TOL, label: 'dmask' });
    });
  }
});

describe('the fused attention softmax', () => {
  test('backward by finite differences: q, k, v and a broadcast mask, causal and scaled', () => {
    const q = tensor(seeded(2 * 3 * 4, 1), { shape: [2, 3, 4], requiresGrad: true });
    const k = tensor(seeded(2 * 5 * 4, 2), { shape: [2, 5, 4], requiresGrad: true });
    const v = tensor(seeded(2 * 5 * 3, 3), { shape: [2, 5, 3], requiresGrad: true });
    const m = tensor(seeded(3 * 5, 4), { shape: [3, 5], requiresGrad: true });
    gradCheck((a, b, c, d) => F.scaledDotProductAttention(a, b, c, { attnMask: d, isCausal: true, scale: 0.8 }), [q, k, v, m], { label: 'sdpa' });
    gradCheck((a, b, c) => F.scaledDotProductAttention(a, b, c), [q, k, v], { label: 'sdpa plain' });
  });

  test('native kernel: rows sum to 1, causal zeros, mask broadcast (BM = 1) and per batch (BM = B)', () => {
    const B = 2, L = 3, S = 4;
    const scores = seeded(B * L * S, 5, 0, 3);
    const probs = new Float32Array(B * L * S);
    native.attentionSoftmaxForward(probs, scores, null, B, L, S, 1, 0.5, true);
    for (let r = 0; r < B * L; r++) {
      const i = r % L;
      let s = 0;
      for (let j = 0; j < S; j++) {
        if (j > i) expect(probs[r * S + j]).toBe(0);
        s += probs[r * S + j];
      }
      expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    }
    // A mask shared by the batches equals the same mask repeated per batch.
    const mask = seeded(L * S, 6);
    const both = new Float32Array(B * L * S);
    both.set(mask, 0);
    both.set(mask, L * S);
    const a = new Float32Array(B * L * S);
    const b = new Float32Array(B * L * S);
    native.attentionSoftmaxForward(a, scores, mask, B, L, S, 1, 1, false);
    native.attentionSoftmaxForward(b, scores, both, B, L, S, B, 1, false);
    expect(Array.from(a)).toEqual(Array.from(b));
    // Large scores stay finite (the row max is subtracted).
    const big = new Float32Array(S).fill(1e4);
    const out = new Float32Array(S);
    native.attentionSoftmaxForward(out, big, null, 1, 1, S, 1, 1, false);
    expect(Array.from(out)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expectError(() => native.attentionSoftmaxForward(probs, scores, mask, B, L, S, 3, 1, false), 'RangeError', /attentionSoftmaxForward: expected 1 or B \(2\) for BM, got 3/);
  });

  test('a fully masked row is NaN, as PyTorch', () => {
    const q = tensor(seeded(2 * 2, 1), { shape: [2, 2] });
    const mask = tensor([[0, 0], [-Infinity, -Infinity]]);
    const y = F.scaledDotProductAttention(q, q, q, { attnMask: mask });
    expect(Number.isFinite(y.data[0])).toBe(true);
    expect(Number.isNaN(y.data[2])).toBe(true);
    expect(Number.isNaN(y.data[3])).toBe(true);
  });

  test('dropout: zeroes weights in expectation-preserving form, seeded; p = 0 is exact', () => {
    const q = tensor(seeded(64 * 8, 1), { shape: [64, 8] });
    const v = tensor(seeded(64 * 8, 2), { shape: [64, 8] });
    const base = F.scaledDotProductAttention(q, q, v);
    expect(Array.from(F.scaledDotProductAttention(q, q, v, { dropoutP: 0 }).data)).toEqual(Array.from(base.data));
    const a = F.scaledDotProductAttention(q, q, v, { dropoutP: 0.5, generator: new Generator(3) });
    const b = F.scaledDotProductAttention(q, q, v, { dropoutP: 0.5, generator: new Generator(3) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(base.data));
    // All weights dropped: zeros.
    const z = F.scaledDotProductAttention(q, q, v, { dropoutP: 1 });
    expect(z.data.every((x) => x === 0)).toBe(true);
  });
});

describe('nn.MultiheadAttention against PyTorch', () => {
  for (const c of fx.mha) {
    test(c.name, () => {
      const mha = new nn.MultiheadAttention(c.E, c.H, { batchFirst: c.batchFirst, bias: c.bias });
      expect(Object.keys(mha.stateDict())).toEqual(Object.keys(c.stateDict));
      loadSd(mha, c.stateDict);
      const q = ft(c.query, true);
      const k = c.selfAttn ? q : ft(c.key, true);
      const v = c.selfAttn ? q : ft(c.value, true);
      const [y, w] = mha.forward(q, k, v, {
        attnMask: c.attnMask ? ft(c.attnMask) : undefined,
        keyPaddingMask: c.keyPaddingMask ? ft(c.keyPaddingMask) : undefined,
        needWeights: c.needWeights,
        averageAttnWeights: c.average,
        isCausal: c.isCausal,
      });
      expect(y.shape).toEqual(c.out.shape);
      expectClose(y, vals(c.out), { ...TOL, label: 'out' });
      let loss = y.mul(ft(c.R)).sum();
      if (c.weights) {
        expect(w!.shape).toEqual(c.weights.shape);
        expectClose(w!, vals(c.weights), { ...TOL, label: 'weights' });
        loss = loss.add(w!.mul(ft(c.R2)).sum());
      } else expect(w).toBeNull();
      loss.backward();
      expectClose(q.grad!, vals(c.dquery), { ...TOL, label: 'dquery' });
      if (!c.selfAttn) {
        expectClose(k.grad!, vals(c.dkey), { ...TOL, label: 'dkey' });
        expectClose(v.grad!, vals(c.dvalue), { ...TOL, label: 'dvalue' });
      }
      expectGrads(mha, c.grads, 'param');
    });
  }

  test('init as PyTorch: Xavier-uniform in_proj_weight, zero biases, Linear-default out_proj.weight', () => {
    const E = 32;
    const mha = new nn.MultiheadAttention(E, 4, { generator: new Generator(1) });
    const bound = Math.sqrt(6 / (E + 3 * E));
    const w = mha.inProjWeight.data;
    expect(w.every((x) => Math.abs(x) <= bound)).toBe(true);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(mha.inProjBias!.data.every((x) => x === 0)).toBe(true);
    expect(mha.outProj.bias!.data.every((x) => x === 0)).toBe(true);
    const ob = 1 / Math.sqrt(E);
    expect(mha.outProj.weight.data.every((x) => Math.abs(x) <= ob)).toBe(true);
    expect(mha.outProj).toBe(mha.out_proj);
    expect(Object.keys(mha.stateDict())).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    expect(Object.keys(new nn.MultiheadAttention(8, 2, { bias: false }).stateDict())).toEqual(['in_proj_weight', 'out_proj.weight']);
  });

  test('dropout: identity in eval, zeroes weights in training', () => {
    const mha = new nn.MultiheadAttention(8, 2, { dropout: 0.5, generator: new Generator(2) });
    const x = tensor(seeded(4 * 3 * 8, 1), { shape: [4, 3, 8] });
    mha.eval();
    const [a, wa] = mha.forward(x, x, x, { averageAttnWeights: false });
    const [b] = mha.forward(x, x, x);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    // Rows of eval weights sum to 1.
    for (let r = 0; r < wa!.numel / 4; r++) expect(Math.abs(wa!.data.slice(r * 4, r * 4 + 4).reduce((s, t) => s + t, 0) - 1)).toBeLessThan(1e-6);
    mha.train();
    const [, wt] = mha.forward(x, x, x, { averageAttnWeights: false });
    const zerosCount = wt!.data.filter((t) => t === 0).length;
    expect(zerosCount).toBeGreaterThan(0);
    // Survivors are scaled by 1 / (1 - p).
    for (let i = 0; i < wt!.numel; i++) if (wt!.data[i] !== 0) expect(Math.abs(wt!.data[i] - 2 * wa!.data[i])).toBeLessThan(1e-6);
  });

  test('errors name the shapes and refuse what is not implemented', () => {
    expectError(() => new nn.MultiheadAttention(10, 3), 'RangeError', /MultiheadAttention: expected an embedDim divisible by numHeads \(3\) for embedDim, got 10/);
    expectError(() => new nn.MultiheadAttention(8, 2, { kdim: 4 }), 'RangeError', /separate key\/value sizes are not implemented for kdim, got 4/);
    expectError(() => new nn.MultiheadAttention(8, 2, { addBiasKV: true }), 'RangeError', /expected false \(not implemented\) for addBiasKV/);
    expectError(() => new nn.MultiheadAttention(8, 2, { dropout: 2 }), 'RangeError', /expected a number in \[0, 1\] for dropout, got 2/);
    expectError(() => new nn.MultiheadAttention(8, 2, { batch_first: true } as never), 'TypeError', /did you mean batchFirst/);
    const mha = new nn.MultiheadAttention(8, 2);
    const x = zeros([3, 2, 8]);
    expectError(() => mha.forward(zeros([3, 2, 6]), x, x), 'RangeError', /expected last dimension embedDim \(8\) for query, got query \[3, 2, 6\], key \[3, 2, 8\], value \[3, 2, 8\]/);
    expectError(() => mha.forward(x, zeros([4, 2, 8]), x), 'RangeError', /expected the same shape for key and value, got query \[3, 2, 8\], key \[4, 2, 8\], value \[3, 2, 8\]/);
    expectError(() => mha.forward(x, x, x, { attnMask: zeros([3, 4]) }), 'RangeError', /expected shape \[3, 3\] or \[4, 3, 3\] for attnMask, got \[3, 4\]/);
    expectError(() => mha.forward(x, x, x, { keyPaddingMask: zeros([3, 3]) }), 'RangeError', /expected shape \[2, 3\] for keyPaddingMask, got \[3, 3\]/);
    expectError(() => mha.forward(x, x, x, { needWeights: 1 } as never), 'TypeError', /expected a boolean for needWeights/);
    expectError(() => F.scaledDotProductAttention(zeros([2, 3, 4]), zeros([2, 5, 3]), zeros([2, 5, 3])), 'RangeError', /expected a last dimension equal to query's \(E\) for key, got query \[2, 3, 4\], key \[2, 5, 3\], value \[2, 5, 3\]/);
    expectError(() => F.scaledDotProductAttention(zeros([2, 3, 4]), zeros([3, 5, 4]), zeros([3, 5, 4])), 'RangeError', /same leading dimensions/);
    expectError(() => F.scaledDotProductAttention(zeros([3, 4]), zeros([5, 4]), zeros([5, 4]), { attnMask: zeros([3, 4]) }), 'RangeError', /expected shapes that broadcast together for attnMask and attention scores, got \[3, 4\] and \[3, 5\]/);
    expectError(() => F.scaledDotProductAttention(zeros([3, 4]), zeros([5, 4]), zeros([5, 4]), { dropoutP: -1 }), 'RangeError', /expected a number in \[0, 1\] for dropoutP, got -1/);
    expectError(() => F.scaledDotProductAttention(zeros([3, 4]), zeros([5, 4]), zeros([5, 4]), { scale: Infinity }), 'RangeError', /expected a finite number for scale, got Infinity/);
    expectError(() => F.scaledDotProductAttention(zeros([4]), zeros([5, 4]), zeros([5, 4])), 'RangeError', /expected at least 2 dimensions \(\.\.\., L, E\) for query, got \[4\]/);
  });
});

function makeLayer(c: any): nn.TransformerEncoderLayer {
  const name: string = c.name;
  return new nn.TransformerEncoderLayer(8, 2, {
    dimFeedforward: 16,
    dropout: 0,
    activation: name.includes('gelu') ? 'gelu' : 'relu',
    normFirst: name.includes('normFirst'),
    batchFirst: name.includes('batchFirst'),
    layerNormEps: name.includes('causal') && name.startsWith('post-norm gelu') ? 1e-3 : 1e-5,
  });
}

describe('nn.TransformerEncoderLayer against PyTorch', () => {
  for (const c of fx.encoder_layer) {
    test(c.name, () => {
      const layer = makeLayer(c);
      expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.stateDict));
      loadSd(layer, c.stateDict);
      const x = ft(c.src, true);
      const y = layer.forward(x, { srcMask: c.mask ? ft(c.mask) : undefined, srcKeyPaddingMask: c.keyPaddingMask ? ft(c.keyPaddingMask) : undefined, isCausal: c.isCausal });
      expect(y.shape).toEqual(c.out.shape);
      expectClose(y, vals(c.out), { ...TOL, label: 'out' });
      y.mul(ft(c.R)).sum().backward();
      expectClose(x.grad!, vals(c.dsrc), { ...TOL, label: 'dsrc' });
      expectGrads(layer, c.grads, 'param');
    });
  }

  test('dropout: eval is deterministic and differs from training', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.3, generator: new Generator(4) });
    const x = tensor(seeded(5 * 2 * 8, 3), { shape: [5, 2, 8] });
    layer.eval();
    const a = layer.forward(x);
    expect(Array.from(layer.forward(x).data)).toEqual(Array.from(a.data));
    layer.train();
    expect(Array.from(layer.forward(x).data)).not.toEqual(Array.from(a.data));
  });

  test('bias false drops every bias; errors', () => {
    const keys = Object.keys(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 4, bias: false }).stateDict());
    expect(keys).toEqual(['self_attn.in_proj_weight', 'self_attn.out_proj.weight', 'linear1.weight', 'linear2.weight', 'norm1.weight', 'norm2.weight']);
    expectError(() => new nn.TransformerEncoderLayer(8, 3), 'RangeError', /expected a multiple of nhead \(3\) for dModel, got 8/);
    expectError(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as never }), 'RangeError', /activation/);
    expectError(() => new nn.TransformerEncoderLayer(8, 2, { norm_first: true } as never), 'TypeError', /did you mean normFirst/);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 4 });
    expectError(() => layer.forward(zeros([5, 2, 6])), 'RangeError', /TransformerEncoderLayer\.forward: expected shape \(S, N, 8\), \(N, S, 8\) with batchFirst or \(S, 8\) for src, got \[5, 2, 6\]/);
    expectError(() => layer.forward(zeros([5, 2, 8]), { srcMask: zeros([5, 4]) }), 'RangeError', /TransformerEncoderLayer\.forward: expected shape \[5, 5\] or \[4, 5, 5\] for srcMask, got \[5, 4\]/);
    expectError(() => layer.forward(zeros([5, 2, 8]), { srcKeyPaddingMask: 'abc' as never }), 'TypeError', /TransformerEncoderLayer\.forward: expected a Tensor for srcKeyPaddingMask, got 'abc'/);
    expectError(() => new nn.TransformerEncoder(layer, 1).forward(zeros([5, 2, 8]), { mask: zeros([2]) }), 'RangeError', /TransformerEncoder\.forward: expected shape \[5, 5\] or \[4, 5, 5\] for mask/);
    expectError(() => new nn.TransformerEncoderLayer(65536, 1), 'RangeError', /for dModel \(self_attn\.in_proj_weight/);
    expectError(() => new nn.TransformerEncoderLayer(8, 2, { layerNormEps: -1 }), 'RangeError', /expected a non-negative number for layerNormEps, got -1/);
    expectError(() => layer.forward(zeros([5, 2, 8]), { mask: zeros([5, 5]) } as never), 'TypeError', /expected an option among srcMask, srcKeyPaddingMask, isCausal for option name, got 'mask'/);
  });
});

describe('nn.TransformerEncoder', () => {
  for (const c of fx.encoder) {
    test(`against PyTorch: ${c.name}`, () => {
      const bf = c.name.includes('batchFirst');
      const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: bf, normFirst: c.name.includes('normFirst') });
      const enc = new nn.TransformerEncoder(layer, 2, { norm: c.name.includes('norm,') ? new nn.LayerNorm(8) : undefined });
      expect(Object.keys(enc.stateDict())).toEqual(Object.keys(c.stateDict));
      loadSd(enc, c.stateDict);
      const x = ft(c.src, true);
      const y = enc.forward(x, { mask: c.mask ? ft(c.mask) : undefined, srcKeyPaddingMask: c.keyPaddingMask ? ft(c.keyPaddingMask) : undefined, isCausal: c.isCausal });
      expectClose(y, vals(c.out), { ...TOL, label: 'out' });
      y.mul(ft(c.R)).sum().backward();
      expectClose(x.grad!, vals(c.dsrc), { ...TOL, label: 'dsrc' });
      expectGrads(enc, c.grads, 'param');
    });
  }

  test('the layers are independent copies of the given layer', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new nn.TransformerEncoder(layer, 2);
    const l0 = enc.layers.get(0) as nn.TransformerEncoderLayer;
    const l1 = enc.layers.get(1) as nn.TransformerEncoderLayer;
    expect(Array.from(l0.linear1.weight.data)).toEqual(Array.from(layer.linear1.weight.data));
    expect(l0.linear1.weight).not.toBe(layer.linear1.weight);
    l0.linear1.weight.data[0] += 1;
    expect(l1.linear1.weight.data[0]).toBe(layer.linear1.weight.data[0]);
    expect(l0.linear1.weight.data[0]).not.toBe(layer.linear1.weight.data[0]);
    expect(enc.parameters().length).toBe(2 * layer.parameters().length);
    expect(enc.parameters()).not.toContain(layer.linear1.weight);
    expect(l0.normFirst).toBe(layer.normFirst);
    // Training mode is copied, and train()/eval() reach every layer.
    enc.eval();
    expect(l0.training || l1.training || l0.self_attn.training).toBe(false);
  });

  test('stateDict round trip with PyTorch keys', () => {
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), 2, { norm: new nn.LayerNorm(8) });
    const sd = enc.stateDict();
    expect(Object.keys(sd)).toContain('layers.1.self_attn.out_proj.bias');
    expect(Object.keys(sd)).toContain('norm.weight');
    const twin = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), 2, { norm: new nn.LayerNorm(8) });
    twin.loadStateDict(sd);
    const x = tensor(seeded(3 * 2 * 8, 9), { shape: [3, 2, 8] });
    expect(Array.from(twin.forward(x).data)).toEqual(Array.from(enc.forward(x).data));
    expectError(() => new nn.TransformerEncoder(new nn.Linear(2, 2) as never, 2), 'TypeError', /TransformerEncoder: expected a TransformerEncoderLayer for encoderLayer/);
    expectError(() => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2), 0), 'RangeError', /numLayers/);
  });
});

describe('a tiny causal Transformer LM', () => {
  test('10 AdamW steps match PyTorch within 1e-4', () => {
    const c = fx.lm;
    const { V, D, T } = c;
    class LM extends nn.Module {
      embed = new nn.Linear(V, D, { bias: false });
      pos = new nn.Parameter(new Float32Array(T * D), [T, D]);
      encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(D, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, normFirst: true }), 2, { norm: new nn.LayerNorm(D) });
      head = new nn.Linear(D, V);
      override forward(x: Tensor): Tensor {
        const h = this.embed.forward(x).add(this.pos);
        return this.head.forward(this.encoder.forward(h, { isCausal: true }));
      }
    }
    const lm = new LM();
    expect(Object.keys(lm.stateDict()).sort()).toEqual(Object.keys(c.init).sort());
    loadSd(lm, c.init);
    const x = ft(c.onehot);
    const targets = ft(c.targets).reshape([-1]);
    const opt = new optim.AdamW(lm.parameters(), { lr: 1e-2, weightDecay: 0.01 });
    const losses: number[] = [];
    for (let step = 0; step < 10; step++) {
      opt.zeroGrad();
      const logits = lm.forward(x);
      const loss = F.crossEntropy(logits.reshape([-1, V]), targets);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expectClose(losses, c.losses, { rtol: 1e-4, atol: 1e-4, label: 'losses' });
    const sd = lm.stateDict();
    for (const [k, v] of Object.entries(c.final as Record<string, FT>)) {
      // The key bias (rows D..2D of in_proj_bias) adds q.b_k to every score of a row, which the
      // softmax cancels: its gradient is rounding noise (~1e-9) that Adam's normalisation
      // turns into +-lr steps, in PyTorch and kiln alike, and that never reaches the loss.
      const skip = k.endsWith('in_proj_bias') ? (i: number) => i >= D && i < 2 * D : () => false;
      const keep = (a: ArrayLike<number>) => Array.from(a).filter((_, i) => !skip(i));
      expectClose(keep(sd[k].data), keep(vals(v)), { rtol: 1e-4, atol: 1e-4, label: k });
    }
    expect(losses[9]).toBeLessThan(losses[0]);
    noGrad(() => lm.forward(x));
  });
});

'use strict';
// W10: scaledDotProductAttention forward and backward on q, k, v of (batch 32, heads 4, L = S = 64,
// E = 32), no mask, no dropout, default scale 1/sqrt(E); backward from a fixed upstream gradient
// into q, k and v. PyTorch 1.13 has no F.scaled_dot_product_attention: its side is the formula
// softmax(q k^T * scale) v under autograd, as 1.13's MultiheadAttention computes it.
module.exports = {
  id: 'W10',
  title: 'scaledDotProductAttention fwd+bwd',
  unit: 'ms',
  higherIsBetter: false,
  cases: [{ shape: [32, 4, 64, 32] }],
  label: (c) => `[${c.shape.join(', ')}]`,
  value: (_c, secPerIter) => secPerIter * 1e3,
  torch: 'sdpa_fwd_bwd',
  kiln(kiln, c) {
    kiln.manualSeed(0);
    const [q, k, v] = [0, 1, 2].map(() => kiln.randn(c.shape, { requiresGrad: true }));
    const g = kiln.randn(c.shape);
    const F = kiln.nn.functional;
    return () => {
      q.grad = k.grad = v.grad = null;
      F.scaledDotProductAttention(q, k, v).backward(g);
    };
  },
};

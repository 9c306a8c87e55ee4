'use strict';
// W3: forward + backward of LayerNorm and RMSNorm on (4096, 1024), BatchNorm2d on (256, 64, 32, 32).
const CASES = [
  { kind: 'layernorm', shape: [4096, 1024] },
  { kind: 'rmsnorm', shape: [4096, 1024] },
  { kind: 'batchnorm2d', shape: [256, 64, 32, 32] },
];

module.exports = {
  id: 'W3',
  title: 'norm fwd+bwd',
  unit: 'ms',
  higherIsBetter: false,
  cases: CASES,
  label: (c) => `${c.kind} [${c.shape.join(', ')}]`,
  value: (_c, secPerIter) => secPerIter * 1e3,
  torch: 'norm_fwd_bwd',
  kiln(kiln, c) {
    const { nn } = kiln;
    const x = kiln.randn(c.shape, { requiresGrad: true });
    const g = kiln.randn(c.shape);
    const layer = c.kind === 'layernorm' ? new nn.LayerNorm(c.shape[1]) : c.kind === 'rmsnorm' ? new nn.RMSNorm(c.shape[1]) : new nn.BatchNorm2d(c.shape[1]);
    return () => {
      x.grad = null;
      layer.forward(x).backward(g);
    };
  },
};

'use strict';
// W4: orthogonal initialisation (QR of a normal matrix) of an n x n weight.
module.exports = {
  id: 'W4',
  title: 'orthogonal init',
  unit: 'ms',
  higherIsBetter: false,
  cases: [512, 1024, 2048].map((n) => ({ n })),
  label: (c) => `${c.n}x${c.n}`,
  value: (_c, secPerIter) => secPerIter * 1e3,
  torch: 'orthogonal',
  kiln(kiln, c) {
    const w = kiln.zeros([c.n, c.n]);
    return () => kiln.nn.init.orthogonal(w);
  },
};

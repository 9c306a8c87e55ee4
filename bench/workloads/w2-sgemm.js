'use strict';
// W2: single-precision matrix multiply, n x n by n x n.
module.exports = {
  id: 'W2',
  title: 'sgemm',
  unit: 'GFLOP/s',
  higherIsBetter: true,
  cases: [256, 512, 1024, 2048].map((n) => ({ n })),
  label: (c) => `n=${c.n}`,
  value: (c, secPerIter) => (2 * c.n ** 3) / secPerIter / 1e9,
  torch: 'sgemm',
  kiln(kiln, c) {
    const a = kiln.randn([c.n, c.n]);
    const b = kiln.randn([c.n, c.n]);
    return () => a.matmul(b);
  },
  tfjs(tf, c) {
    const a = tf.randomNormal([c.n, c.n]);
    const b = tf.randomNormal([c.n, c.n]);
    return () => tf.matMul(a, b).dispose();
  },
};

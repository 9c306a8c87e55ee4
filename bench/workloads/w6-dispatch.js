'use strict';
// W6: per-op dispatch overhead: add of two [4] tensors that require grad (autograd bookkeeping included).
module.exports = {
  id: 'W6',
  title: 'small op overhead',
  unit: 'us/op',
  higherIsBetter: false,
  cases: [{}],
  label: () => 'add [4]+[4], requiresGrad',
  value: (_c, secPerIter) => secPerIter * 1e6,
  torch: 'small_add',
  kiln(kiln) {
    const a = kiln.tensor([1, 2, 3, 4], { requiresGrad: true });
    const b = kiln.tensor([5, 6, 7, 8], { requiresGrad: true });
    return () => a.add(b);
  },
  tfjs(tf) {
    const a = tf.variable(tf.tensor([1, 2, 3, 4]));
    const b = tf.variable(tf.tensor([5, 6, 7, 8]));
    return () => tf.add(a, b).dispose();
  },
};

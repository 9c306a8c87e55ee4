'use strict';
// W1: MLP training, 784 -> Linear 512 -> BN -> ReLU -> Dropout 0.2 -> Linear 256 -> BN -> ReLU ->
// Dropout 0.2 -> Linear 10, cross-entropy, AdamW (lr 1e-3, wd 0.01), Kaiming init.
const { mlp, kilnTrainStep, tfjsTrainStep } = require('./models');

module.exports = {
  id: 'W1',
  title: 'MLP training step',
  unit: 'samples/s',
  higherIsBetter: true,
  cases: [32, 128, 512].map((batch) => ({ batch })),
  label: (c) => `batch ${c.batch}`,
  value: (c, secPerIter) => c.batch / secPerIter,
  torch: 'mlp_train',
  kiln: (kiln, c) => kilnTrainStep(kiln, mlp(kiln), [784], c.batch),
  tfjs: (tf, c) => tfjsTrainStep(tf, 'mlp', c.batch),
};

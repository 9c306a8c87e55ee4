'use strict';
// W5: training of the demo's small CNN at batch 64 on (64, 1, 28, 28): Conv(1->32, 3, pad 1) ->
// BN2d -> ReLU -> MaxPool 2 -> Conv(32->64) -> BN2d -> ReLU -> MaxPool 2 -> Flatten -> Dropout ->
// Linear(3136 -> 10), AdamW.
const { cnn, kilnTrainStep, tfjsTrainStep } = require('./models');

module.exports = {
  id: 'W5',
  title: 'CNN training step',
  unit: 'samples/s',
  higherIsBetter: true,
  cases: [{ batch: 64 }],
  label: (c) => `batch ${c.batch}`,
  value: (c, secPerIter) => c.batch / secPerIter,
  torch: 'cnn_train',
  kiln: (kiln, c) => kilnTrainStep(kiln, cnn(kiln), [1, 28, 28], c.batch),
  tfjs: (tf, c) => tfjsTrainStep(tf, 'cnn', c.batch),
};

'use strict';
// W9: training of one pre-norm Transformer encoder block at batch 32, sequence 64:
// TransformerEncoderLayer(d 128, 4 heads, dimFeedforward 512 = 4d, dropout 0, ReLU, normFirst,
// batchFirst) on a fixed (32, 64, 128) input, MSE against a fixed target, AdamW (lr 1e-3, wd 0.01).
module.exports = {
  id: 'W9',
  title: 'pre-norm Transformer block training step',
  unit: 'samples/s',
  higherIsBetter: true,
  cases: [{ batch: 32, seq: 64, d: 128, heads: 4, ff: 512 }],
  label: (c) => `batch ${c.batch}, seq ${c.seq}, d ${c.d}, ${c.heads} heads`,
  value: (c, secPerIter) => c.batch / secPerIter,
  torch: 'transformer_train',
  kiln(kiln, c) {
    const { nn } = kiln;
    kiln.manualSeed(0);
    const layer = new nn.TransformerEncoderLayer(c.d, c.heads, { dimFeedforward: c.ff, dropout: 0, normFirst: true, batchFirst: true });
    const opt = new kiln.optim.AdamW(layer.parameters(), { lr: 1e-3, weightDecay: 0.01 });
    const lossFn = new nn.MSELoss();
    const x = kiln.randn([c.batch, c.seq, c.d]);
    const y = kiln.randn([c.batch, c.seq, c.d]);
    layer.train();
    return () => {
      opt.zeroGrad();
      lossFn.forward(layer.forward(x), y).backward();
      opt.step();
    };
  },
};

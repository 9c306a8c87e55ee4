'use strict';
// W12: one training step of pytorch/examples' mnist/main.py (examples/pytorch-mnist.ts) at
// batch 64: Conv(1->32, 3) -> ReLU -> Conv(32->64, 3) -> ReLU -> MaxPool 2 -> Dropout(0.25) ->
// Flatten -> Linear(9216 -> 128) -> ReLU -> Dropout(0.5) -> Linear(128 -> 10) -> log_softmax,
// nll_loss, Adadelta(lr 1). PyTorch's side is pytorch_mnist.py.

function net(kiln) {
  const { nn } = kiln;
  return new nn.Sequential(
    new nn.Conv2d(1, 32, 3, { stride: 1 }), new nn.ReLU(), new nn.Conv2d(32, 64, 3, { stride: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Dropout(0.25), new nn.Flatten(), new nn.Linear(9216, 128), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(128, 10), new nn.LogSoftmax(1),
  );
}

module.exports = {
  id: 'W12',
  title: 'pytorch/examples MNIST training step',
  unit: 'ms/step',
  higherIsBetter: false,
  cases: [{ batch: 64 }],
  label: (c) => `batch ${c.batch}, Adadelta`,
  value: (_c, secPerIter) => secPerIter * 1e3,
  torch: 'pytorch_mnist_train',
  kiln(kiln, c) {
    kiln.manualSeed(0);
    const model = net(kiln);
    const optimizer = new kiln.optim.Adadelta(model.parameters(), { lr: 1.0 });
    const data = kiln.randn([c.batch, 1, 28, 28]);
    const target = kiln.tensor(Array.from({ length: c.batch }, (_, i) => (i * 7) % 10));
    model.train();
    return () => {
      optimizer.zeroGrad();
      const loss = kiln.nn.functional.nllLoss(model.forward(data), target);
      loss.backward();
      optimizer.step();
    };
  },
};

'use strict';
// kiln's and TensorFlow.js's versions of the networks the workloads train (bench/workloads/models.py
// is PyTorch's): the demo's MLP and CNN, one AdamW training step each.

function mlp(kiln) {
  const { nn } = kiln;
  const layers = [];
  for (const [i, o] of [[784, 512], [512, 256]]) layers.push(new nn.Linear(i, o), new nn.BatchNorm1d(o), new nn.ReLU(), new nn.Dropout(0.2));
  const net = new nn.Sequential(...layers, new nn.Linear(256, 10));
  for (const m of net.modules()) {
    if (m instanceof nn.Linear) {
      nn.init.kaimingNormal(m.weight, { nonlinearity: 'relu' });
      nn.init.zeros(m.bias);
    }
  }
  return net;
}

function cnn(kiln) {
  const { nn } = kiln;
  return new nn.Sequential(
    new nn.Conv2d(1, 32, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(64), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Dropout(0.25), new nn.Linear(64 * 7 * 7, 10),
  );
}

/** One AdamW step of `net` on a fixed random batch. */
function kilnTrainStep(kiln, net, xShape, batch) {
  kiln.manualSeed(0);
  const opt = new kiln.optim.AdamW(net.parameters(), { lr: 1e-3, weightDecay: 0.01 });
  const lossFn = new kiln.nn.CrossEntropyLoss();
  const x = kiln.rand([batch, ...xShape]);
  const y = Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10);
  net.train();
  return () => {
    opt.zeroGrad();
    lossFn.forward(net.forward(x), y).backward();
    opt.step();
  };
}

/** The same step in TensorFlow.js (layers API; BatchNorm, Dropout and AdamW-like decay via Adam). */
function tfjsTrainStep(tf, kind, batch) {
  const model = tf.sequential();
  if (kind === 'mlp') {
    model.add(tf.layers.dense({ inputShape: [784], units: 512, useBias: false, kernelInitializer: 'heNormal' }));
    model.add(tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
    model.add(tf.layers.reLU());
    model.add(tf.layers.dropout({ rate: 0.2 }));
    model.add(tf.layers.dense({ units: 256, useBias: false, kernelInitializer: 'heNormal' }));
    model.add(tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
    model.add(tf.layers.reLU());
    model.add(tf.layers.dropout({ rate: 0.2 }));
    model.add(tf.layers.dense({ units: 10 }));
  } else {
    model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', useBias: false }));
    model.add(tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
    model.add(tf.layers.reLU());
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', useBias: false }));
    model.add(tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
    model.add(tf.layers.reLU());
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dropout({ rate: 0.25 }));
    model.add(tf.layers.dense({ units: 10 }));
  }
  const opt = tf.train.adam(1e-3);
  const x = tf.randomUniform(kind === 'mlp' ? [batch, 784] : [batch, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 7) % 10), 'int32'), 10);
  return () =>
    tf.tidy(() => {
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })));
    });
}

module.exports = { mlp, cnn, kilnTrainStep, tfjsTrainStep };

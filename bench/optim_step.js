'use strict';
// Times one optimiser step (AdamW, Adam, SGD, and Adadelta, Adagrad, RMSprop, Adamax, NAdam,
// RAdam) over the parameters of W1's MLP 784-512-256-10 (535,818 floats) on one thread;
// bench/optim_step_torch.py times PyTorch's. Run `npm run build:ts` first, then
// `node bench/optim_step.js`. (LBFGS is left out: its step is dominated by its closure.)
process.env.KILN_NUM_THREADS = process.env.KILN_NUM_THREADS || '1';
const kiln = require('../dist');
const { nn, optim } = kiln;

const model = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 256), new nn.ReLU(), new nn.Linear(256, 10));
const params = model.parameters();
for (const p of params) p.grad = kiln.randn(p.shape);
const numel = params.reduce((s, p) => s + p.numel, 0);

function time(label, opt) {
  for (let i = 0; i < 50; i++) opt.step(); // warm-up: JIT and state allocation
  const runs = [];
  for (let r = 0; r < 7; r++) {
    const n = 200;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) opt.step();
    runs.push(Number(process.hrtime.bigint() - t0) / 1e3 / n);
  }
  runs.sort((a, b) => a - b);
  console.log(`${label}: median ${runs[3].toFixed(1)} us/step (min ${runs[0].toFixed(1)}), ${params.length} tensors, ${numel} params, threads ${kiln.getNumThreads()}`);
}

time('kiln AdamW', new optim.AdamW(params, { lr: 1e-3 }));
time('kiln AdamW amsgrad', new optim.AdamW(params, { lr: 1e-3, amsgrad: true }));
time('kiln Adam weightDecay', new optim.Adam(params, { lr: 1e-3, weightDecay: 1e-2 }));
time('kiln SGD momentum', new optim.SGD(params, { lr: 1e-3, momentum: 0.9 }));
time('kiln Adadelta', new optim.Adadelta(params));
time('kiln Adagrad', new optim.Adagrad(params));
time('kiln RMSprop', new optim.RMSprop(params));
time('kiln RMSprop centered momentum', new optim.RMSprop(params, { centered: true, momentum: 0.9 }));
time('kiln Adamax', new optim.Adamax(params));
time('kiln NAdam', new optim.NAdam(params));
time('kiln RAdam', new optim.RAdam(params));

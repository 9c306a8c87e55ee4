// Fine-tuning with a frozen backbone, as in PyTorch's transfer-learning recipe:
//
//   1. train a small MLP (backbone + head) on task A (3 classes);
//   2. freeze the backbone (`backbone.requiresGrad_(false)`, PyTorch's requires_grad_(False)),
//      put a new head (a fresh Linear) on it, and train on task B (2 classes).
//
// Frozen parameters take no gradient (backward leaves their .grad null), and every optimiser
// skips a parameter without a gradient, weight decay included, so the optimiser can be given
// all of model.parameters(), as PyTorch scripts often do: the backbone stays bit-identical.
//
// Run: node scripts/run-ts.js examples/fine-tune.ts
import { Generator, Tensor, nn, noGrad, optim, randn } from '../lib';

const F = nn.functional;

/** An MLP: a backbone of two hidden layers, and a head that a new task replaces. */
export class Net extends nn.Module {
  backbone: nn.Sequential;
  head: nn.Module;

  constructor(g: Generator, classes: number) {
    super();
    this.backbone = new nn.Sequential(new nn.Linear(8, 32, { generator: g }), new nn.ReLU(), new nn.Linear(32, 32, { generator: g }), new nn.ReLU());
    this.head = new nn.Linear(32, classes, { generator: g });
  }

  override forward(x: Tensor): Tensor {
    return this.head.forward(this.backbone.forward(x)) as Tensor;
  }
}

/** Labels from the inputs: task A, the largest of features 0..2; task B, the sign of x3 + x4 - x5. */
function labels(x: Tensor, task: 'A' | 'B'): number[] {
  const [n, d] = x.shape;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = x.data.subarray(i * d, (i + 1) * d);
    out.push(task === 'A' ? (r[0] >= r[1] && r[0] >= r[2] ? 0 : r[1] >= r[2] ? 1 : 2) : r[3] + r[4] - r[5] > 0 ? 1 : 0);
  }
  return out;
}

function accuracy(model: Net, x: Tensor, y: number[]): number {
  const logits = noGrad(() => model.forward(x));
  const c = logits.shape[1];
  let right = 0;
  y.forEach((label, i) => {
    const row = logits.data.subarray(i * c, (i + 1) * c);
    if (row.indexOf(Math.max(...row)) === label) right++;
  });
  return right / y.length;
}

function train(model: Net, opt: optim.Optimizer, x: Tensor, y: number[], steps: number): number {
  let loss = NaN;
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    const l = F.crossEntropy(model.forward(x), y);
    l.backward();
    opt.step();
    loss = l.item();
  }
  return loss;
}

/** What a run measured. */
export interface FineTuneResult {
  /** Task A accuracy after step 1 (on held-out data). */
  accuracyA: number;
  /** Task B accuracy of the fine-tuned model (held-out data). */
  accuracyB: number;
  /** Whether every backbone parameter is bit-identical before and after fine-tuning. */
  backboneUnchanged: boolean;
  /** Whether every backbone parameter's .grad stayed null during fine-tuning. */
  backboneGradsNull: boolean;
  /** Whether the new head's weights moved. */
  headChanged: boolean;
  /** The model, after both steps. */
  model: Net;
}

/**
 * Trains on task A, then freezes the backbone and fine-tunes a new head on task B with the
 * given optimiser (weight decay on, so that a frozen parameter decayed by mistake would show).
 */
export function fineTune(kind: 'adamw' | 'sgd' = 'adamw', freeze = true): FineTuneResult {
  const g = new Generator(0);
  const x = randn([256, 8], { generator: g });
  const xTest = randn([256, 8], { generator: g });
  const model = new Net(g, 3);

  // 1. Task A, everything trains.
  train(model, new optim.Adam(model.parameters(), { lr: 0.01 }), x, labels(x, 'A'), 150);
  const accuracyA = accuracy(model, xTest, labels(xTest, 'A'));

  // 2. Freeze the backbone, new head for task B.
  if (freeze) model.backbone.requiresGrad_(false);
  model.head = new nn.Linear(32, 2, { generator: g });
  const before = model.backbone.parameters().map((p) => p.data.slice());
  const headBefore = (model.head as nn.Linear).weight.data.slice();
  // All parameters, frozen ones included: the optimiser skips those without a gradient.
  const opt = kind === 'adamw' ? new optim.AdamW(model.parameters(), { lr: 0.01, weightDecay: 0.1 }) : new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
  const yB = labels(x, 'B');
  let backboneGradsNull = true;
  for (let s = 0; s < 150; s++) {
    train(model, opt, x, yB, 1);
    if (model.backbone.parameters().some((p) => p.grad !== null)) backboneGradsNull = false;
  }
  const accuracyB = accuracy(model, xTest, labels(xTest, 'B'));
  const backboneUnchanged = model.backbone.parameters().every((p, i) => p.data.every((v, j) => Object.is(v, before[i][j])));
  const headChanged = (model.head as nn.Linear).weight.data.some((v, j) => v !== headBefore[j]);
  return { accuracyA, accuracyB, backboneUnchanged, backboneGradsNull, headChanged, model };
}

/** Runs the example and logs what it measured. */
export function main(log: (s: string) => void = console.log): FineTuneResult {
  const r = fineTune('adamw');
  log(`task A (3 classes), all layers trained: held-out accuracy ${(100 * r.accuracyA).toFixed(1)}%`);
  log(`task B (2 classes), backbone frozen, new head trained with AdamW (weight decay 0.1): held-out accuracy ${(100 * r.accuracyB).toFixed(1)}%`);
  log(`backbone bit-identical after fine-tuning: ${r.backboneUnchanged}; its gradients stayed null: ${r.backboneGradsNull}; head changed: ${r.headChanged}`);
  log(`trainable parameters now: ${r.model.parameters().filter((p) => p.requiresGrad).reduce((s, p) => s + p.numel, 0)} of ${r.model.parameters().reduce((s, p) => s + p.numel, 0)}`);
  return r;
}


if (require.main === module) main();

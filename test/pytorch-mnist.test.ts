// examples/pytorch-mnist.ts, the port of pytorch/examples' mnist/main.py: its first 15
// training losses against PyTorch's from the same weights and digits
// (fixtures/gen_pytorch_mnist.py), one full epoch of the script as a user runs it, and
// Tensor.viewAs, which the port's test() uses as PyTorch's does.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tensor, nn, optim, data, load, tensor, zeros } from '../lib';
import { Args, Net, train } from '../examples/pytorch-mnist';
import { expectClose, expectError, loadFixture, withThreads } from './helpers';

const root = path.resolve(__dirname, '..');
const script = ['scripts/run-ts.js', 'examples/pytorch-mnist.ts'];

interface Fixture {
  batches: number;
  batchSize: number;
  dataSum: number;
  labels: number[];
  labelSum: number;
  paramSums: Record<string, number>;
  losses: number[];
  losses32: number[];
  float32Gap: number;
  fc2BiasAfter: number[];
}
const fx = loadFixture<Fixture>('pytorch_mnist');

/**
 * The generator's weights: a Park-Miller LCG (state * 48271 mod 2^31 - 1, from 1) through the
 * state dict in order, w = bound * (2 * state / (2^31 - 1) - 1) in float32, bound =
 * 1 / sqrt(fan_in), as gen_pytorch_mnist.py's lcg_init computes them in float64.
 */
function lcgStateDict(model: nn.Module): Record<string, Tensor> {
  const sd = model.stateDict();
  const fanIn = (w: Tensor) => w.numel / w.shape[0];
  let state = 1;
  const out: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(sd)) {
    const bound = 1 / Math.sqrt(fanIn(name.endsWith('bias') ? sd[name.slice(0, -'bias'.length) + 'weight'] : p));
    const vals = new Float32Array(p.numel);
    for (let i = 0; i < vals.length; i++) {
      state = (state * 48271) % 2147483647;
      vals[i] = bound * ((2 * state) / 2147483647 - 1);
    }
    out[name] = new Tensor(vals, p.shape.slice());
  }
  return out;
}

const sum64 = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

const ARGS: Args = { batchSize: 64, testBatchSize: 1000, epochs: 1, lr: 1, gamma: 0.7, cuda: true, mps: true, dryRun: false, seed: 1, logInterval: 1, saveModel: false };

describe('examples/pytorch-mnist.ts against pytorch/examples mnist/main.py', () => {
  test(`the first 15 training losses match PyTorch's (float64) within 1e-5 absolute, from the same weights and digits`, () => {
    const n = fx.batches * fx.batchSize;
    const mnist1 = data.mnist({ split: 'train' });
    // The same digits as the generator's, in the same order.
    expect(sum64(mnist1.x.data.subarray(0, n * 784))).toBeCloseTo(fx.dataSum, 6);
    expect(Array.from(mnist1.y.data.subarray(0, fx.batchSize))).toEqual(fx.labels);
    expect(sum64(mnist1.y.data.subarray(0, n))).toBe(fx.labelSum);

    // The example's pipeline: ToTensor (a view to (1, 28, 28)), then Normalize.
    const transform = new data.transforms.Compose([(x: Tensor) => x.view(1, 28, 28), new data.transforms.Normalize([0.1307], [0.3081])]);
    const dataset1 = new data.Subset(new data.TensorDataset(mnist1.x, mnist1.y, { transform }), Array.from({ length: n }, (_, i) => i));
    const trainLoader = new data.DataLoader(dataset1, { batchSize: fx.batchSize });

    const model = new Net();
    // Dropout off on both sides (PyTorch: model.dropout1.p = 0), training mode otherwise.
    model.dropout1 = new nn.Dropout(0);
    model.dropout2 = new nn.Dropout(0);
    model.loadStateDict(lcgStateDict(model));
    for (const [k, v] of Object.entries(model.stateDict())) expect(sum64(v.data)).toBeCloseTo(fx.paramSums[k], 4);

    // optimizer = optim.Adadelta(model.parameters(), lr=args.lr); train(args, model, ...): the
    // example's own train(), logging every batch. Its printed losses carry 6 decimals; a forward
    // hook also takes each batch's loss from the model's output at full precision.
    const optimizer = new optim.Adadelta(model.parameters(), { lr: 1.0 });
    const targets = [...trainLoader].map(([, y]) => y);
    const losses: number[] = [];
    const hook = model.registerForwardHook((_module, _input, output) => {
      losses.push(nn.functional.nllLoss(output as Tensor, targets[losses.length]).item());
    });
    const lines: string[] = [];
    withThreads(1, () => train(ARGS, model, trainLoader, optimizer, 1, (l) => lines.push(l)));
    hook.remove();

    // The reference is PyTorch's run in float64 (fx.losses): kiln's float32 run stays within
    // 7e-7 of it over the 15 steps (measured; 4e-7 on 2 threads). PyTorch's own float32 run (fx.losses32) leaves
    // it by 3e-5 at step 5 and 7e-3 by step 11 (fx.float32Gap): its float32 conv weight
    // gradients carry ~1e-4 relative error, which Adadelta at lr 1 amplifies step by step, so
    // no float32 implementation can match it to 1e-5 past step 4 without its rounding.
    expect(losses).toHaveLength(15);
    expectClose(losses, fx.losses, { rtol: 0, atol: 1e-5, label: 'losses against PyTorch float64' });
    expectClose(losses.slice(0, 4), fx.losses32.slice(0, 4), { rtol: 0, atol: 1e-5, label: 'losses against PyTorch float32, steps 1-4' });
    expectClose(losses, fx.losses32, { rtol: 0, atol: 2 * fx.float32Gap, label: 'losses against PyTorch float32, same trajectory' });
    const printed = lines.map((l) => Number(/\tLoss: (\d+\.\d{6})$/.exec(l)![1]));
    expectClose(printed, fx.losses, { rtol: 0, atol: 1e-5, label: 'printed losses' });
    expect(lines[1]).toBe(`Train Epoch: 1 [64/${n} (7%)]\tLoss: ${printed[1].toFixed(6)}`);
    // And the parameters after 15 Adadelta steps.
    expectClose(model.fc2.bias!, fx.fc2BiasAfter, { rtol: 0, atol: 1e-5, label: 'fc2.bias after 15 steps' });
  }, 60_000);

  test('one epoch of the script (8,000 digits): a loss line every 10 batches, test accuracy above 0.9, mnist_cnn.safetensors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-pytorch-mnist-'));
    const r = spawnSync(process.execPath, [...script.map((s) => path.join(root, s)), '--epochs', '1', '--save-model'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const train = [...r.stdout.matchAll(/^Train Epoch: 1 \[(\d+)\/8000 \((\d+)%\)\]\tLoss: (\d+\.\d{6})$/gm)];
    // 125 batches of 64, logged at batches 0, 10, ..., 120.
    expect(train.map((m) => Number(m[1]))).toEqual(Array.from({ length: 13 }, (_, i) => i * 640));
    expect(train.map((m) => Number(m[2]))).toEqual(Array.from({ length: 13 }, (_, i) => i * 8));
    const losses = train.map((m) => Number(m[3]));
    expect(losses[0]).toBeGreaterThan(2); // ~ln(10) at the start
    expect(Math.max(...losses.slice(-3))).toBeLessThan(1);
    const m = /^Test set: Average loss: (\d+\.\d{4}), Accuracy: (\d+)\/2000 \((\d+)%\)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    // One epoch reaches ~0.95 on this split; 0.9 catches a broken port without flaking.
    expect(Number(m![2]) / 2000).toBeGreaterThan(0.9);
    expect(Number(m![1])).toBeLessThan(0.4);
    const sd = await load(path.join(dir, 'mnist_cnn.safetensors'));
    expect(Object.keys(sd)).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(sd['fc1.weight'].shape).toEqual([128, 9216]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  test("PyTorch's flags: --dry-run stops after the first logged batch; --no-cuda is accepted; a bad number is refused", () => {
    const r = spawnSync(process.execPath, [...script, '--epochs', '1', '--dry-run', '--no-cuda', '--test-batch-size', '500'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.match(/^Train Epoch/gm)).toHaveLength(1);
    expect(r.stdout).toMatch(/^Test set: Average loss: \d+\.\d{4}, Accuracy: \d+\/2000 \(\d+%\)$/m);
    const bad = spawnSync(process.execPath, [...script, '--batch-size', 'abc'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/invalid int value: 'abc'/);
  }, 60_000);
});

describe('Tensor.viewAs', () => {
  test("x.viewAs(other) is x.view(other.shape), as torch's view_as, gradients included", () => {
    const target = tensor([3, 1, 2]);
    const pred = zeros([3, 1]);
    const v = target.viewAs(pred);
    expect(v.shape).toEqual([3, 1]);
    expect(Array.from(v.data)).toEqual([3, 1, 2]);
    // correct += pred.eq(target.view_as(pred)).sum().item()
    expect(tensor([[3], [0], [2]]).eq(v).sum().item()).toBe(2);
    const x = tensor([1, 2, 3, 4, 5, 6], { requiresGrad: true });
    x.viewAs(zeros([2, 3])).mul(tensor([[1, 2, 3], [4, 5, 6]])).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('errors: a non-Tensor, a different element count', () => {
    expectError(() => zeros([6]).viewAs([2, 3] as unknown as Tensor), 'TypeError', /^Tensor\.viewAs: expected a Tensor for other, got/);
    expectError(() => zeros([6]).viewAs(zeros([4])), 'RangeError', /^Tensor\.viewAs: expected a Tensor of 6 elements \(the input's size\) for other, got \[4\]$/);
  });
});

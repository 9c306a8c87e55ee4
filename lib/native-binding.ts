// The native addon's exports, each declared once with its TypeScript signature, grouped by
// kernel family in the order of native/binding/bindings.h and native/addon.cc. Every binding
// validates its own arguments (the backstop behind lib/'s checks); native/README.md gives the
// conventions: size letters, argument order (outputs, inputs, sizes), what a binding checks.
// A signature changed in native/binding/<family>.cc must change here too; test/native-exports
// fails when the addon's export names and NATIVE_EXPORTS differ.

type F32 = Float32Array;
type I32 = Int32Array;

/** Threads and build facts: native/binding/core.cc, lib/backend.ts. */
export interface CoreBinding {
  setNumThreads(n: number): void;
  getNumThreads(): number;
  buildInfo(): { eigen: string; simd: string; isa: string };
  /** Whether the allocator was tuned when the addon loaded (native/memory.h); a value, not a function. */
  readonly mallocTuned: boolean;
}

/** native/kernels/gemm.h: c = a b (+ c when beta is 1); lib/ops/linalg.ts. */
export interface GemmBinding {
  sgemm(c: F32, a: F32, b: F32, M: number, N: number, K: number, transA: boolean, transB: boolean, beta: number): void;
}

/** native/kernels/random.h: counter-based fills of (seed, offset + i); lib/random.ts. */
export interface RandomBinding {
  randomUniform(out: F32, low: number, high: number, seed: number, offset: number): void;
  randomNormal(out: F32, mean: number, std: number, seed: number, offset: number): void;
}

/** native/kernels/init.h: lib/nn/init/fill.ts (truncNormal), lib/nn/init/orthogonal.ts (orthogonal). */
export interface InitBinding {
  truncNormal(out: F32, mean: number, std: number, a: number, b: number, seed: number, offset: number): void;
  orthogonal(out: F32, rows: number, cols: number, gain: number, seed: number, offset: number): void;
  /** The kernel's inverse normal CDF, exported for tests. */
  normalQuantile(p: number): number;
}

/** native/kernels/linear.h: lib/nn/functional/linear.ts. */
export interface LinearBinding {
  linearForward(out: F32, inp: F32, weight: F32, bias: F32 | null, N: number, C: number, OC: number): void;
  linearBackward(dinp: F32 | null, dweight: F32 | null, dbias: F32 | null, dout: F32, inp: F32, weight: F32, N: number, C: number, OC: number): void;
}

/** native/kernels/conv2d.h (Winograd inside): lib/nn/functional/conv.ts. */
export interface Conv2dBinding {
  conv2dForward(out: F32, inp: F32, weight: F32, bias: F32 | null, N: number, C: number, H: number, W: number, OC: number, KH: number, KW: number, SH: number, SW: number, PH: number, PW: number): void;
  conv2dBackward(dinp: F32 | null, dweight: F32 | null, dbias: F32 | null, dout: F32, inp: F32, weight: F32, N: number, C: number, H: number, W: number, OC: number, KH: number, KW: number, SH: number, SW: number, PH: number, PW: number): void;
}

/** native/kernels/pool2d.h: lib/nn/functional/pooling.ts. */
export interface Pool2dBinding {
  maxPool2dForward(out: F32, argmax: I32, inp: F32, P: number, H: number, W: number, KH: number, KW: number, SH: number, SW: number, PH: number, PW: number): void;
  maxPool2dBackward(dinp: F32, dout: F32, argmax: I32, P: number, H: number, W: number, OH: number, OW: number): void;
  avgPool2dForward(out: F32, inp: F32, P: number, H: number, W: number, KH: number, KW: number, SH: number, SW: number, PH: number, PW: number, countIncludePad: boolean): void;
  avgPool2dBackward(dinp: F32, dout: F32, P: number, H: number, W: number, KH: number, KW: number, SH: number, SW: number, PH: number, PW: number, countIncludePad: boolean): void;
  adaptiveAvgPool2dForward(out: F32, inp: F32, P: number, H: number, W: number, OH: number, OW: number): void;
  adaptiveAvgPool2dBackward(dinp: F32, dout: F32, P: number, H: number, W: number, OH: number, OW: number): void;
}

/** native/kernels/activation.h: lib/ops/unary.ts. */
export interface ActivationBinding {
  reluForward(out: F32, inp: F32): void;
  reluBackward(dinp: F32, dout: F32, out: F32): void;
}

/** native/kernels/dropout.h: lib/nn/functional/dropout.ts. */
export interface DropoutBinding {
  dropoutForward(out: F32, mask: F32 | null, inp: F32, p: number, seed: number, offset: number): void;
  dropoutBackward(dinp: F32, dout: F32, mask: F32): void;
}

/** native/kernels/attention.h: lib/nn/functional/attention.ts. */
export interface AttentionBinding {
  /** probs = softmax(scale * scores + mask + causal) over each row of S; mask has BM (1 or B) batches. */
  attentionSoftmaxForward(probs: F32, scores: F32, mask: F32 | null, B: number, L: number, S: number, BM: number, scale: number, causal: boolean): void;
  /** dscores = probs * (dprobs - rowsum(probs * dprobs)), written (=). */
  attentionSoftmaxBackward(dscores: F32, probs: F32, dprobs: F32, rows: number, S: number): void;
}

/** native/kernels/batchnorm.h: lib/nn/functional/batchnorm.ts. */
export interface BatchNormBinding {
  batchNormForwardTrain(out: F32, mean: F32, rstd: F32, runningMean: F32 | null, runningVar: F32 | null, inp: F32, weight: F32 | null, bias: F32 | null, N: number, C: number, L: number, momentum: number, eps: number): void;
  batchNormForwardEval(out: F32, mean: F32, rstd: F32, inp: F32, weight: F32 | null, bias: F32 | null, runningMean: F32, runningVar: F32, N: number, C: number, L: number, eps: number): void;
  batchNormBackward(dinp: F32 | null, dweight: F32 | null, dbias: F32 | null, dout: F32, inp: F32, weight: F32 | null, mean: F32, rstd: F32, N: number, C: number, L: number, batchStats: boolean): void;
}

/** native/kernels/layernorm.h: lib/nn/functional/layernorm.ts (F.layerNorm). */
export interface LayerNormBinding {
  layerNormForward(out: F32, mean: F32, rstd: F32, inp: F32, weight: F32 | null, bias: F32 | null, N: number, D: number, eps: number): void;
  layerNormBackward(dinp: F32 | null, dweight: F32 | null, dbias: F32 | null, dout: F32, inp: F32, weight: F32 | null, mean: F32, rstd: F32, N: number, D: number): void;
}

/** native/kernels/rmsnorm.h: lib/nn/functional/rmsnorm.ts (F.rmsNorm). */
export interface RmsNormBinding {
  rmsNormForward(out: F32, rstd: F32, inp: F32, weight: F32 | null, N: number, D: number, eps: number): void;
  rmsNormBackward(dinp: F32 | null, dweight: F32 | null, dout: F32, inp: F32, weight: F32 | null, rstd: F32, N: number, D: number): void;
}

/** native/kernels/embedding.h: lib/nn/functional/embedding.ts (F.embedding). */
export interface EmbeddingBinding {
  embeddingForward(out: F32, weight: F32, ids: I32, n: number, V: number, E: number): void;
  /** dweight += scatter of dout by ids (repeated ids add up); paddingIdx's row (-1: none) gets nothing. */
  embeddingBackward(dweight: F32, dout: F32, ids: I32, n: number, V: number, E: number, paddingIdx: number): void;
}

/** native/kernels/crossentropy.h: lib/nn/functional/loss.ts. Rows whose target is ignoreIndex are skipped. */
export interface CrossEntropyBinding {
  crossentropyForward(losses: F32, lse: F32, logits: F32, targets: I32, N: number, C: number, D: number, labelSmoothing: number, ignoreIndex: number): void;
  /** dloss holds one gradient per row, or a single one shared by every row. */
  crossentropyBackward(dlogits: F32, dloss: F32, logits: F32, lse: F32, targets: I32, N: number, C: number, D: number, labelSmoothing: number, ignoreIndex: number): void;
}

/** native/kernels/optim.h: lib/optim/sgd.ts (sgdStep), lib/optim/adam.ts (adamStep), and one step per optimiser in lib/optim/ (adadelta.ts, adagrad.ts, rmsprop.ts, adamax.ts, nadam.ts, radam.ts). */
export interface OptimBinding {
  sgdStep(param: F32, momentumBuffer: F32 | null, grad: F32, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, initBuffer: boolean): void;
  adamStep(param: F32, expAvg: F32, expAvgSq: F32, maxExpAvgSq: F32 | null, grad: F32, step: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: boolean): void;
  adadeltaStep(param: F32, squareAvg: F32, accDelta: F32, grad: F32, lr: number, rho: number, eps: number, weightDecay: number, maximize: boolean): void;
  adagradStep(param: F32, sum: F32, grad: F32, step: number, lr: number, lrDecay: number, eps: number, weightDecay: number, maximize: boolean): void;
  rmspropStep(param: F32, squareAvg: F32, gradAvg: F32 | null, momentumBuffer: F32 | null, grad: F32, lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, maximize: boolean): void;
  adamaxStep(param: F32, expAvg: F32, expInf: F32, grad: F32, step: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, maximize: boolean): void;
  /** gradCoef and avgCoef: NAdam's two step sizes (negative), from the momentum schedule the caller keeps. */
  nadamStep(param: F32, expAvg: F32, expAvgSq: F32, grad: F32, beta1: number, beta2: number, eps: number, weightDecay: number, biasCorrection2: number, gradCoef: number, avgCoef: number): void;
  radamStep(param: F32, expAvg: F32, expAvgSq: F32, grad: F32, step: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number): void;
}

/** native/kernels/clip.h: lib/nn/utils/clip_grad.ts. */
export interface ClipBinding {
  /** sum |x_i|^p */
  sumAbsPow(x: F32, p: number): number;
  /** max |x_i| */
  maxAbs(x: F32): number;
  /** x *= c */
  scaleInPlace(x: F32, c: number): void;
}

/**
 * native/kernels/rnn.h: lib/nn/functional/rnn.ts. One layer in one direction over a whole
 * sequence; mode 0 tanh RNN, 1 relu RNN, 2 LSTM, 3 GRU (cN, c0, dc0, dcN: LSTM only, else null).
 */
export interface RnnBinding {
  rnnForward(out: F32, hN: F32, cN: F32 | null, saved: F32, inp: F32, h0: F32, c0: F32 | null, wIh: F32, wHh: F32, bIh: F32 | null, bHh: F32 | null, L: number, N: number, C: number, H: number, mode: number, reverse: boolean): void;
  rnnBackward(dinp: F32 | null, dh0: F32 | null, dc0: F32 | null, dwIh: F32 | null, dwHh: F32 | null, dbIh: F32 | null, dbHh: F32 | null, dout: F32, dhN: F32, dcN: F32 | null, inp: F32, h0: F32, c0: F32 | null, wIh: F32, wHh: F32, out: F32, saved: F32, L: number, N: number, C: number, H: number, mode: number, reverse: boolean): void;
}

/** Everything the addon exports: no index signature, so an undeclared name does not type-check. */
export interface NativeBinding
  extends CoreBinding,
    GemmBinding,
    RandomBinding,
    InitBinding,
    LinearBinding,
    Conv2dBinding,
    Pool2dBinding,
    ActivationBinding,
    DropoutBinding,
    AttentionBinding,
    BatchNormBinding,
    LayerNormBinding,
    RmsNormBinding,
    EmbeddingBinding,
    CrossEntropyBinding,
    OptimBinding,
    ClipBinding,
    RnnBinding {}

/**
 * The export names at run time (the interface is erased). `satisfies` with the exact key type
 * makes the compiler reject a missing name and an extra one, so this list and NativeBinding
 * cannot drift; test/native-exports.test.ts compares it with the loaded addon's keys.
 */
export const NATIVE_EXPORTS = {
  setNumThreads: true, getNumThreads: true, buildInfo: true, mallocTuned: true,
  sgemm: true,
  randomUniform: true, randomNormal: true,
  truncNormal: true, orthogonal: true, normalQuantile: true,
  linearForward: true, linearBackward: true,
  conv2dForward: true, conv2dBackward: true,
  maxPool2dForward: true, maxPool2dBackward: true, avgPool2dForward: true, avgPool2dBackward: true,
  adaptiveAvgPool2dForward: true, adaptiveAvgPool2dBackward: true,
  reluForward: true, reluBackward: true,
  dropoutForward: true, dropoutBackward: true,
  attentionSoftmaxForward: true, attentionSoftmaxBackward: true,
  batchNormForwardTrain: true, batchNormForwardEval: true, batchNormBackward: true,
  layerNormForward: true, layerNormBackward: true,
  rmsNormForward: true, rmsNormBackward: true,
  embeddingForward: true, embeddingBackward: true,
  crossentropyForward: true, crossentropyBackward: true,
  sgdStep: true, adamStep: true,
  adadeltaStep: true, adagradStep: true, rmspropStep: true, adamaxStep: true, nadamStep: true, radamStep: true,
  sumAbsPow: true, maxAbs: true, scaleInPlace: true,
  rnnForward: true, rnnBackward: true,
} as const satisfies { readonly [K in keyof NativeBinding]: true };

/** The names of the exports that are functions (every one but mallocTuned). */
export type NativeFunctionName = { [K in keyof NativeBinding]: NativeBinding[K] extends (...args: never[]) => unknown ? K : never }[keyof NativeBinding];

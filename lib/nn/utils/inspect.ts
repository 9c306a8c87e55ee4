// An initialisation inspector: one forward and one backward pass through a model, with the
// statistics that show a bad initialisation at a glance (activations that saturate or die,
// gradients that vanish or explode), per leaf module.
//
// It works on any model: each leaf module's forward (a module without children: Linear, an
// activation, a convolution, a custom layer) is wrapped for the duration of the call, so its
// outputs can be measured and their gradients tapped. Nothing about the model is left changed:
// the wrappers are removed and parameters' .grad restored afterwards.
import { Tensor, checkTensor, fromOp } from '../../tensor';
import { Module } from '../module';
import { ReLU, Sigmoid, Tanh } from '../activation';
import { RNNBase } from '../rnn';
import { MultiheadAttention } from '../attention';
import { checkOptions, typeError } from '../../errors';
import { rangeErrorText } from '../../errors';
import { formatShape } from '../../shape';

/** Sigmoid outputs below this, or above 1 minus it, count as saturated (gradient < ~0.0099). */
export const SIGMOID_SATURATION = 0.01;
/** Tanh outputs with |y| above this count as saturated (gradient 1 - y^2 < ~0.02). */
export const TANH_SATURATION = 0.99;

/** A parameter of a layer: its spread and the norm of its gradient in the inspected pass. */
export interface ParamStats {
  /** Its name within the layer ('weight', 'bias'). */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Standard deviation of its values. */
  std: number;
  /** L2 norm of dLoss/dParam; null when it does not require grad or got no gradient. */
  gradNorm: number | null;
}

/** What one call of one leaf module produced. All statistics are over the whole output. */
export interface LayerStats {
  /** The module's dotted name in the model ('0', 'encoder.fc1'); '#2' marks a second call. */
  name: string;
  /** Its class name ('Linear', 'Sigmoid'). */
  type: string;
  /** The shape of the output. */
  outputShape: number[];
  /** Mean of the output. */
  mean: number;
  /** Standard deviation of the output (population, i.e. divided by the count). */
  std: number;
  /** Smallest output value. */
  min: number;
  /** Largest output value. */
  max: number;
  /**
   * Sigmoid and Tanh only (null otherwise): the fraction of outputs where the unit saturates,
   * y < 0.01 or y > 0.99 for Sigmoid, |y| > 0.99 for Tanh.
   */
  saturated: number | null;
  /** ReLU only (null otherwise): the fraction of outputs exactly 0. */
  dead: number | null;
  /**
   * ReLU only (null otherwise): the fraction of units (positions past the batch dimension)
   * that are 0 for every sample of the batch, i.e. that pass no gradient at all.
   */
  deadUnits: number | null;
  /** L2 norm of dLoss/dOutput; null when the output took no part in the loss's gradient. */
  outputGradNorm: number | null;
  /** The layer's own parameters (not its descendants'), in registration order. */
  params: ParamStats[];
  /**
   * Recurrent layers only (RNN, LSTM, GRU; absent otherwise): per time step t of the sequence
   * output, in time order. `hiddenNorm[t]` is the L2 norm of output[t] (over the features),
   * averaged over the batch. `gradNorm[t]` is the L2 norm of dLoss/d output[t] (over batch and
   * features): the gradient that arrives from the layers above at step t. `inputGradNorm[t]` is
   * the L2 norm of dLoss/d input[t]: what leaves the layer at step t after flowing back through
   * the recurrence, so it vanishes or explodes with the distance to where the loss looks. Gradient
   * entries are null when no gradient reached them.
   */
  timeSteps?: {
    /** Per step, |output[t]| over the features, averaged over the batch. */
    hiddenNorm: number[];
    /** Per step, |dLoss/d output[t]| over batch and features. */
    gradNorm: (number | null)[];
    /** Per step, |dLoss/d input[t]| over batch and features: the gradient through time. */
    inputGradNorm: (number | null)[];
  };
}

/** Options of inspect. */
export interface InspectOptions {
  /** Maps the model's output to the scalar to differentiate [output.pow(2).mean()]. */
  loss?: (output: Tensor) => Tensor;
}

function fmt(x: number | null): string {
  if (x === null) return '-';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

// first/last ratios of a recurrent layer's per-step norms, e.g. '|h| 0.8 |dL/dx| 1e-4'.
function stepSummary(l: LayerStats): string {
  const ts = l.timeSteps;
  if (!ts || ts.hiddenNorm.length === 0) return '-';
  const ratio = (a: (number | null)[]) => {
    const f = a[0], z = a[a.length - 1];
    return f === null || z === null || z === 0 ? '-' : fmt(f / z);
  };
  return `|h| ${ratio(ts.hiddenNorm)} |dL/dx| ${ratio(ts.inputGradNorm)}`;
}

function pct(x: number | null): string {
  return x === null ? '-' : `${(100 * x).toFixed(1)}%`;
}

/**
 * The result of {@link inspect}: plain data in `layers`, and a table from toString()/print().
 * @example
 * const report = kiln.nn.init.inspect(net, kiln.randn([64, 784]));
 * const dead = report.layers.filter((l) => (l.deadUnits ?? 0) > 0.5).map((l) => l.name);
 */
export class InitReport {
  constructor(
    /** One entry per call of a leaf module, in the order they ran. */
    readonly layers: LayerStats[],
    /** The value of the loss that was differentiated. */
    readonly loss: number,
  ) {}

  /**
   * A fixed-width table, one row per layer, under a line with the loss.
   * @example console.log(report.toString());
   */
  toString(): string {
    const head = ['layer', 'type', 'output', 'mean', 'std', 'min', 'max', 'saturated', 'dead', 'dead units', '|dL/dout|', 'steps 1/L', '|dL/dparam|'];
    const rows = this.layers.map((l) => [
      l.name,
      l.type,
      formatShape(l.outputShape),
      fmt(l.mean),
      fmt(l.std),
      fmt(l.min),
      fmt(l.max),
      pct(l.saturated),
      pct(l.dead),
      pct(l.deadUnits),
      fmt(l.outputGradNorm),
      stepSummary(l),
      l.params.map((p) => `${p.name} ${fmt(p.gradNorm)}`).join(', ') || '-',
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
    return [`Initialisation report (loss ${fmt(this.loss)})`, line(head), ...rows.map(line)].join('\n');
  }

  /**
   * Writes the table to the console.
   * @example kiln.nn.init.inspect(net, x).print();
   */
  print(): void {
    console.log(this.toString());
  }

  /**
   * The plain data, for JSON.stringify: `{ layers, loss }`.
   * @example fs.writeFileSync('init.json', JSON.stringify(report));
   */
  toJSON(): {
    /** One entry per call of a leaf module, in the order they ran. */
    layers: LayerStats[];
    /** The value of the loss that was differentiated. */
    loss: number;
  } {
    return { layers: this.layers, loss: this.loss };
  }
}

function moments(x: Float32Array): { mean: number; std: number; min: number; max: number } {
  const n = x.length;
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    s += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  return { mean, std: Math.sqrt(ss / n), min, max };
}

function norm(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

function fraction(x: Float32Array, pred: (v: number) => boolean): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) if (pred(x[i])) c++;
  return x.length ? c / x.length : 0;
}

function deadUnitFraction(y: Tensor): number {
  const batch = y.ndim >= 2 ? y.shape[0] : 1;
  const units = batch ? y.numel / batch : 0;
  if (!units) return 0;
  let dead = 0;
  for (let u = 0; u < units; u++) {
    let allZero = true;
    for (let b = 0; b < batch && allZero; b++) if (y.data[b * units + u] !== 0) allZero = false;
    if (allZero) dead++;
  }
  return dead / units;
}

/** The time dimension of a recurrent layer's input and output, with the batch size. */
function timeLayout(m: RNNBase, y: Tensor): { td: number; L: number; N: number } {
  if (y.ndim === 2) return { td: 0, L: y.shape[0], N: 1 };
  const td = m.batchFirst ? 1 : 0;
  return { td, L: y.shape[td], N: y.shape[1 - td] };
}

/**
 * Per-step L2 norms of a (L, N, F), (N, L, F) or (L, F) array: over features averaged over the
 * batch (`perSample`), or over the whole step slice.
 */
function stepNorms(x: Float32Array, td: number, L: number, N: number, perSample: boolean): number[] {
  const F = L * N ? x.length / (L * N) : 0;
  const out: number[] = [];
  for (let t = 0; t < L; t++) {
    let total = 0;
    let sum = 0;
    for (let b = 0; b < N; b++) {
      const base = td === 0 ? (t * N + b) * F : (b * L + t) * F;
      let s = 0;
      for (let f = 0; f < F; f++) s += x[base + f] * x[base + f];
      total += s;
      sum += Math.sqrt(s);
    }
    out.push(perSample ? (N ? sum / N : 0) : Math.sqrt(total));
  }
  return out;
}

/** The first Tensor of an output that is a Tensor or a (nested) array, with its index path. */
function firstTensor(out: unknown): { t: Tensor; path: number[] } | null {
  if (out instanceof Tensor) return { t: out, path: [] };
  if (Array.isArray(out)) {
    for (let i = 0; i < out.length; i++) {
      const r = firstTensor(out[i]);
      if (r) return { t: r.t, path: [i, ...r.path] };
    }
  }
  return null;
}

/** A copy of `out` with the element at `path` replaced (the arrays on the way are copied). */
function replaceAt(out: unknown, path: number[], v: Tensor): unknown {
  if (path.length === 0) return v;
  const a = (out as unknown[]).slice();
  a[path[0]] = replaceAt(a[path[0]], path.slice(1), v);
  return a;
}

function layerStats(name: string, m: Module, y: Tensor): LayerStats {
  const x = y.data;
  const { mean, std, min, max } = y.numel ? moments(x) : { mean: NaN, std: NaN, min: NaN, max: NaN };
  let saturated: number | null = null;
  if (m instanceof Sigmoid) saturated = fraction(x, (v) => v < SIGMOID_SATURATION || v > 1 - SIGMOID_SATURATION);
  else if (m instanceof Tanh) saturated = fraction(x, (v) => Math.abs(v) > TANH_SATURATION);
  const isRelu = m instanceof ReLU;
  return {
    name,
    type: m.constructor.name,
    outputShape: y.shape.slice(),
    mean,
    std,
    min,
    max,
    saturated,
    dead: isRelu ? fraction(x, (v) => v === 0) : null,
    deadUnits: isRelu ? deadUnitFraction(y) : null,
    outputGradNorm: null,
    params: [],
  };
}

/**
 * Runs one forward and one backward pass of `model` on `sampleInput` and reports, per leaf
 * module (and per call, if one runs twice): the output's mean, std, min and max; for Sigmoid
 * and Tanh the fraction of saturated outputs (sigmoid y < 0.01 or y > 0.99, tanh |y| > 0.99);
 * for ReLU the fraction of outputs exactly 0 and of units dead across the whole batch; the
 * norm of the loss's gradient with respect to the output and to each parameter.
 *
 * Sequence layers are measured on their first output Tensor (the sequence output of RNN, LSTM
 * and GRU, the attention output of MultiheadAttention, which counts as one layer: its out_proj
 * is not a row of its own). Recurrent layers also get `timeSteps`: per step, the mean norm of
 * the hidden state and the norms of the gradients at their output and input, the latter having
 * come back through time. A model may return a tuple; its first Tensor is what the loss sees.
 *
 * The model runs in its current mode (call model.eval() first to switch dropout off). The
 * model is left as it was: parameters' gradients are restored afterwards, and the sample is
 * detached, so its .grad is untouched.
 * @param model any Module; its leaf modules (those without children) are inspected.
 * @param sampleInput a batch the model accepts (an array is spread as several inputs).
 * @param opts `{ loss = (y) => y.pow(2).mean() }`: the scalar to differentiate.
 * @returns an InitReport: `layers` (plain data), `loss`, and `toString()`/`print()` for a table.
 * @throws {TypeError} when model is not a Module, sampleInput is neither a Tensor nor a non-empty
 *   array of Tensors, opts is not an object or names an unknown option, loss is not a function,
 *   or the model's output is neither a Tensor nor an array holding one.
 * @throws {RangeError} when the loss is not a one-element Tensor.
 * @example
 * const fc = new kiln.nn.Linear(784, 256);
 * const net = new kiln.nn.Sequential(fc, new kiln.nn.Sigmoid());
 * kiln.nn.init.normal(fc.weight); // std 1: far too large for 784 inputs
 * kiln.nn.init.inspect(net, kiln.rand([64, 784])).print(); // the Sigmoid row shows most outputs (~80%) saturated
 */
export function inspect(model: Module, sampleInput: Tensor | Tensor[], opts?: InspectOptions): InitReport {
  const where = 'init.inspect';
  if (!(model instanceof Module)) throw typeError(where, 'a Module', 'model', model);
  const o = checkOptions(where, opts, ['loss']);
  const lossFn = o.loss ?? ((y: Tensor) => y.pow(2).mean());
  if (typeof lossFn !== 'function') throw typeError(where, 'a function', 'loss', lossFn);
  // An empty array would call forward with no input, and fail inside the model without naming sampleInput.
  if (Array.isArray(sampleInput) && sampleInput.length === 0) throw typeError(where, 'a Tensor or a non-empty array of Tensors', 'sampleInput', sampleInput);
  const inputs = (Array.isArray(sampleInput) ? sampleInput : [sampleInput]).map((x, i) =>
    checkTensor(where, Array.isArray(sampleInput) ? `sampleInput[${i}]` : 'sampleInput', x).detach(),
  );

  // Leaf modules, and sequence layers as a whole (MultiheadAttention's out_proj is then not a row of its own).
  const isUnit = (m: Module) => m instanceof RNNBase || m instanceof MultiheadAttention;
  const named = model.namedModules();
  const unitPrefixes = named.filter(([, m]) => isUnit(m)).map(([n]) => n);
  const inside = (n: string) => unitPrefixes.some((p) => n !== p && (p === '' || n.startsWith(`${p}.`)));
  const leaves = named.filter(([n, m]) => (isUnit(m) || m.children().length === 0) && !inside(n));
  const layers: LayerStats[] = [];
  const owners = new Map<LayerStats, Module>();
  const calls = new Map<Module, number>();
  type Patched = { m: Module; method: string; own: boolean; prev: unknown };
  const patched: Patched[] = [];
  const inputTaps: (() => void)[] = [];
  const params = model.parameters();
  const savedGrads = params.map((p) => p.grad);

  try {
    for (const [name, m] of leaves) {
      // MultiheadAttention's forward and TransformerEncoderLayer both go through forwardAt(where, q, k, v, ...).
      const method = m instanceof MultiheadAttention ? 'forwardAt' : 'forward';
      const slot = m as unknown as Record<string, (...a: unknown[]) => unknown>;
      const own = Object.prototype.hasOwnProperty.call(m, method);
      const prev = slot[method];
      patched.push({ m, method, own, prev });
      slot[method] = (...args: unknown[]) => {
        const rnn = m instanceof RNNBase ? m : null;
        let inGrads: Float32Array | null = null;
        if (rnn && args[0] instanceof Tensor) {
          // Tap the input too: its gradient is what came back through the recurrence.
          const x0 = args[0];
          const x = x0.requiresGrad ? x0 : x0.detach().requiresGrad_();
          args = [fromOp(x.data, x.shape.slice(), [x], 'inspect', (g) => {
            inGrads = g.slice();
            return [g];
          }), ...args.slice(1)];
        }
        const out = (prev as (...a: unknown[]) => unknown).apply(m, args);
        const found = firstTensor(out);
        if (!found) return out;
        const y = found.t;
        const k = (calls.get(m) ?? 0) + 1;
        calls.set(m, k);
        const label = `${name || m.constructor.name}${k > 1 ? `#${k}` : ''}`;
        const stats = layerStats(label, m, y);
        stats.params = m.namedParameters().map(([pn, p]) => ({ name: pn, shape: p.shape.slice(), std: moments(p.data).std, gradNorm: null }));
        const lay = rnn ? timeLayout(rnn, y) : null;
        if (lay) {
          const none = new Array<number | null>(lay.L).fill(null);
          stats.timeSteps = { hiddenNorm: stepNorms(y.data, lay.td, lay.L, lay.N, true), gradNorm: none.slice(), inputGradNorm: none.slice() };
        }
        layers.push(stats);
        owners.set(stats, m);
        // An identity op whose backward sees dLoss/dOutput on its way through.
        const tapped = fromOp(y.data, y.shape.slice(), [y], 'inspect', (g) => {
          stats.outputGradNorm = norm(g);
          if (lay && stats.timeSteps) stats.timeSteps.gradNorm = stepNorms(g, lay.td, lay.L, lay.N, false);
          return [g];
        });
        if (lay) inputTaps.push(() => {
          if (inGrads && stats.timeSteps) stats.timeSteps.inputGradNorm = stepNorms(inGrads, lay.td, lay.L, lay.N, false);
        });
        return replaceAt(out, found.path, tapped);
      };
    }
    for (const p of params) p.grad = null;

    const result = model.forward(...inputs);
    // A tuple (an RNN's [output, hN], attention's [output, weights]): its first Tensor is the output.
    const output = firstTensor(result)?.t;
    if (!output) throw typeError(where, 'a model whose output is a Tensor or an array holding one', 'model', result);
    const loss = lossFn(output);
    if (!(loss instanceof Tensor) || loss.numel !== 1) {
      throw rangeErrorText(where, 'a one-element Tensor', 'the loss', loss instanceof Tensor ? `shape ${formatShape(loss.shape)}` : typeof loss);
    }
    if (loss.requiresGrad) loss.backward();
    for (const tap of inputTaps) tap();
    // Parameters' gradients, per layer (a parameter shared by two layers shows its total in both).
    for (const [stats, m] of owners) {
      const named = new Map(m.namedParameters());
      for (const ps of stats.params) {
        const g = named.get(ps.name)?.grad;
        ps.gradNorm = g ? norm(g.data) : null;
      }
    }
    return new InitReport(layers, loss.item());
  } finally {
    for (const { m, method, own, prev } of patched.reverse()) {
      if (own) (m as unknown as Record<string, unknown>)[method] = prev;
      else delete (m as unknown as Record<string, unknown>)[method];
    }
    params.forEach((p, i) => (p.grad = savedGrads[i]));
  }
}

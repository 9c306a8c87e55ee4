// torch.optim.LBFGS: limited-memory BFGS with an optional strong-Wolfe line search, step(closure).
//
// The direction (the two-loop recursion over the history) and the line search are TypeScript
// over Float32Arrays: a few dot products and axpys over the flattened parameters per iteration,
// O(history x parameters), while each iteration also runs the closure (a forward and backward
// pass), which dominates. Dot products accumulate in double.
import { Tensor, bumpVersion } from '../tensor';
import { checkChoice, checkInt, typeError } from '../errors';
import { Optimizer, ParamGroupInput, Params, ParamState, runClosure } from './optimizer';
import { optimizerOptions, scalar } from './checks';
import { checkNonNegative } from '../errors';
import { rangeError } from '../errors';
import { expectArity } from '../options';

/** LBFGS's options (torch's names in camelCase). */
export interface LBFGSOptions {
  /** Step length (1). */
  lr: number;
  /** Most iterations per step (20). */
  maxIter: number;
  /** Most closure evaluations per step (floor(maxIter * 5 / 4)). */
  maxEval: number;
  /** Stop when the largest |gradient| is at most this (1e-7). */
  toleranceGrad: number;
  /** Stop when the loss or the parameters change by less than this (1e-9). */
  toleranceChange: number;
  /** Pairs of updates kept (100). */
  historySize: number;
  /** 'strong_wolfe' (a line search) or null: a fixed step of lr (null). */
  lineSearchFn: 'strong_wolfe' | null;
}

function checkLbfgs(where: string, o: LBFGSOptions, prefix: string): void {
  checkNonNegative(where, `${prefix}lr`, o.lr);
  checkInt(where, `${prefix}maxIter`, o.maxIter, 1);
  checkInt(where, `${prefix}maxEval`, o.maxEval, 1);
  checkNonNegative(where, `${prefix}toleranceGrad`, o.toleranceGrad);
  checkNonNegative(where, `${prefix}toleranceChange`, o.toleranceChange);
  checkInt(where, `${prefix}historySize`, o.historySize, 1);
  if (o.lineSearchFn !== null) checkChoice(where, `${prefix}lineSearchFn`, o.lineSearchFn, ['strong_wolfe'] as const);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** y += alpha x, in float32 as torch's add_(x, alpha=...). */
function axpy(y: Float32Array, alpha: number, x: Float32Array): void {
  const a = Math.fround(alpha);
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

// torch.optim.lbfgs._cubic_interpolate: the minimiser of the cubic through two points with
// their derivatives, clamped to the bounds.
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

type Evaluate = (t: number) => [number, Float32Array];

// torch.optim.lbfgs._strong_wolfe (Nocedal & Wright, Algorithm 3.5 and 3.6): a step length t
// along d meeting the strong Wolfe conditions, by bracketing then zooming with cubic
// interpolation. Returns the loss, gradient and t found, and the evaluations used.
function strongWolfe(evaluate: Evaluate, t0: number, d: Float32Array, f: number, g: Float32Array, gtd: number, toleranceChange: number): [number, Float32Array, number, number] {
  const c1 = 1e-4, c2 = 0.9, maxLs = 25;
  let t = t0;
  const dNorm = maxAbs(d);
  let [fNew, gNew] = evaluate(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [], bracketF: number[] = [], bracketG: Float32Array[] = [], bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew, gtdNew];
    [fNew, gNew] = evaluate(t);
    evals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    const hi = Math.max(...bracket), lo = Math.min(...bracket);
    const eps = 0.1 * (hi - lo);
    if (Math.min(hi - t, t - lo) < eps) {
      if (insufProgress || t >= hi || t <= lo) {
        t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = evaluate(t);
    evals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew;
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
        bracket[highPos] = bracket[lowPos];
        bracketF[highPos] = bracketF[lowPos];
        bracketG[highPos] = bracketG[lowPos];
        bracketGtd[highPos] = bracketGtd[lowPos];
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew;
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return [bracketF[lowPos], bracketG[lowPos], bracket[lowPos], evals];
}

const rows = (x: Tensor | null | undefined, n: number): Float32Array[] => {
  if (!x) return [];
  const out: Float32Array[] = [];
  for (let i = 0; i < x.numel / n; i++) out.push(x.data.slice(i * n, (i + 1) * n));
  return out;
};

const stack = (list: Float32Array[], n: number): Tensor => {
  const data = new Float32Array(list.length * n);
  list.forEach((r, i) => data.set(r, i * n));
  return new Tensor(data, [list.length, n]);
};

/**
 * L-BFGS (Liu & Nocedal 1989, "On the limited memory BFGS method for large scale
 * optimization"), as torch.optim.LBFGS (after Schmidt's minFunc): each `step(closure)` runs up
 * to maxIter iterations of: direction d = -H g by the two-loop recursion over the last
 * historySize pairs (s = t d, y = g_new - g_old, kept when y.s > 1e-10; H_0 = y.s / y.y), then a
 * step t along d: lr (the first iteration ever: min(1, 1 / sum|g|) * lr), or with
 * `lineSearchFn: 'strong_wolfe'` one meeting the strong Wolfe conditions (c1 = 1e-4, c2 = 0.9,
 * at most 25 evaluations). It stops early when max|g| <= toleranceGrad, when the loss or the
 * step changes by less than toleranceChange, or after maxEval closure calls.
 *
 * All parameters form one flat vector, so there is one group only (as in torch). The state
 * lives on the first parameter with torch's keys: `func_evals`, `n_iter`, `d`, `t`,
 * `old_dirs` and `old_stps` (the history as [k, numel] tensors, torch's lists of vectors
 * stacked), `ro` ([k]), `H_diag`, `prev_flat_grad`, `prev_loss` (torch's scratch `al` is not
 * kept). Scalars are float32 tensors.
 * @param params tensors (`model.parameters()`); parameter groups are refused
 * @param opts `{ lr = 1, maxIter = 20, maxEval = floor(maxIter * 5 / 4), toleranceGrad = 1e-7, toleranceChange = 1e-9, historySize = 100, lineSearchFn = null }`
 * @throws TypeError for an unknown option or parameter groups; RangeError for a negative lr or tolerance, maxIter, maxEval or historySize below 1, or a lineSearchFn other than 'strong_wolfe' or null.
 * @example
 * const opt = new optim.LBFGS(model.parameters(), { lineSearchFn: 'strong_wolfe' });
 * const loss = opt.step(() => {
 *   opt.zeroGrad();
 *   const l = lossFn(model.forward(x), y);
 *   l.backward();
 *   return l;
 * });
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(params: Params<LBFGSOptions>, opts?: Partial<LBFGSOptions>) {
    expectArity('LBFGS', arguments, 1, true);
    const o = optimizerOptions('LBFGS', opts, ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn']);
    const maxIter = o.maxIter ?? 20;
    if (typeof maxIter !== 'number') throw typeError('LBFGS', 'an integer', 'maxIter', maxIter);
    super(
      params,
      {
        lr: o.lr ?? 1,
        maxIter,
        maxEval: o.maxEval ?? Math.floor((maxIter * 5) / 4),
        toleranceGrad: o.toleranceGrad ?? 1e-7,
        toleranceChange: o.toleranceChange ?? 1e-9,
        historySize: o.historySize ?? 100,
        lineSearchFn: o.lineSearchFn ?? null,
      },
      checkLbfgs,
    );
    if (this.paramGroups.length !== 1) throw typeError('LBFGS', 'parameters in one group (LBFGS does not support per-parameter options)', 'params', `${this.paramGroups.length} groups`);
  }

  /**
   * Refused: LBFGS optimises all its parameters as one vector (one group), as torch's.
   * @throws TypeError always.
   */
  override addParamGroup(group: ParamGroupInput<LBFGSOptions>): void {
    throw typeError('LBFGS.addParamGroup', 'no second group (LBFGS does not support per-parameter options)', 'group', group);
  }

  /** The flat vectors have numel elements, the history k rows of them, the rest are scalars. */
  protected override stateShape(name: string, param: Tensor): readonly number[] | null {
    void param;
    const n = this.numel();
    if (name === 'd' || name === 'prev_flat_grad') return [n];
    if (name === 'old_dirs' || name === 'old_stps' || name === 'ro') return null;
    return [];
  }

  private numel(): number {
    return this.paramGroups[0].params.reduce((s, p) => s + p.numel, 0);
  }

  private gatherFlatGrad(): Float32Array {
    const out = new Float32Array(this.numel());
    let offset = 0;
    for (const p of this.paramGroups[0].params) {
      if (p.grad) {
        if (p.grad.numel !== p.numel) throw rangeError('LBFGS.step', `${p.numel} elements (its parameter's size)`, "a parameter's grad", p.grad.numel);
        out.set(p.grad.data, offset);
      }
      offset += p.numel;
    }
    return out;
  }

  /** p += t * update (torch's _add_grad). */
  private addGrad(t: number, update: Float32Array): void {
    let offset = 0;
    for (const p of this.paramGroups[0].params) {
      bumpVersion(p.data); // an in-place update, as torch's p.add_
      axpy(p.data, t, update.subarray(offset, offset + p.numel));
      offset += p.numel;
    }
  }

  /**
   * Runs up to maxIter iterations (see the class); returns the loss of the closure's first
   * evaluation, as torch.
   * @param closure re-evaluates the model (zeroGrad, forward, backward) and returns the loss, a one-element Tensor or a number
   * @throws TypeError when closure is not a function or returns neither a number nor a one-element Tensor.
   */
  override step(closure: () => unknown): unknown {
    const where = 'LBFGS.step';
    if (typeof closure !== 'function') throw typeError(where, 'a function that re-evaluates the model and returns the loss', 'closure', closure);
    const g = this.paramGroups[0];
    this.checkGroup(g, 0);
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = g;
    const params = g.params;
    const n = this.numel();
    const evalLoss = (): [unknown, number] => {
      const out = runClosure(where, closure);
      if (typeof out === 'number') return [out, out];
      if (out instanceof Tensor && out.numel === 1) return [out, out.data[0]];
      throw typeError(where, 'a closure returning the loss (a number or a one-element Tensor)', 'closure()', out);
    };

    const st: ParamState = this.state.get(params[0]) ?? {};
    this.state.set(params[0], st);
    st.func_evals ??= scalar(0);
    st.n_iter ??= scalar(0);
    const funcEvals = st.func_evals.data, nIterTotal = st.n_iter.data;

    const [origLoss, loss0] = evalLoss();
    let loss = loss0;
    let currentEvals = 1;
    funcEvals[0] += 1;
    let flatGrad = this.gatherFlatGrad();
    let optCond = maxAbs(flatGrad) <= toleranceGrad;
    if (optCond) return origLoss;

    let d: Float32Array | null = st.d ? st.d.data.slice() : null;
    let t = st.t ? st.t.data[0] : lr;
    const oldDirs = rows(st.old_dirs, n), oldStps = rows(st.old_stps, n);
    const ro = st.ro ? Array.from(st.ro.data) : [];
    let hDiag = st.H_diag ? st.H_diag.data[0] : 1;
    let prevFlatGrad: Float32Array | null = st.prev_flat_grad ? st.prev_flat_grad.data.slice() : null;
    let prevLoss = st.prev_loss ? st.prev_loss.data[0] : 0;
    const f = Math.fround;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      nIterTotal[0] += 1;
      if (nIterTotal[0] === 1 || d === null) {
        d = flatGrad.map((v) => -v);
        oldDirs.length = oldStps.length = ro.length = 0;
        hDiag = 1;
      } else {
        const y = new Float32Array(n), s = new Float32Array(n);
        const tf = f(t);
        for (let i = 0; i < n; i++) {
          y[i] = flatGrad[i] - prevFlatGrad![i];
          s[i] = d[i] * tf;
        }
        const ys = f(dot(y, s));
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(f(1 / ys));
          hDiag = f(ys / f(dot(y, y)));
        }
        // The two-loop recursion: d = -H g.
        const k = oldDirs.length;
        const al = new Array<number>(k);
        const q = flatGrad.map((v) => -v);
        for (let i = k - 1; i >= 0; i--) {
          al[i] = f(f(dot(oldStps[i], q)) * ro[i]);
          axpy(q, -al[i], oldDirs[i]);
        }
        const hd = f(hDiag);
        for (let i = 0; i < n; i++) q[i] *= hd;
        for (let i = 0; i < k; i++) {
          const be = f(f(dot(oldDirs[i], q)) * ro[i]);
          axpy(q, f(al[i] - be), oldStps[i]);
        }
        d = q;
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.slice();
      else prevFlatGrad.set(flatGrad);
      prevLoss = loss;

      if (nIterTotal[0] === 1) {
        let sumAbs = 0;
        for (let i = 0; i < n; i++) sumAbs += Math.abs(flatGrad[i]);
        // torch: min(1., 1. / flat_grad.abs().sum()) * lr, a float32 tensor when below 1.
        const r = f(1 / f(sumAbs));
        t = r < 1 ? f(r * lr) : lr;
      } else {
        t = lr;
      }
      const gtd = f(dot(flatGrad, d));
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      if (lineSearchFn !== null) {
        const x0 = params.map((p) => p.data.slice());
        const dir = d;
        const evaluate: Evaluate = (tt) => {
          this.addGrad(tt, dir);
          const l = evalLoss()[1];
          const fg = this.gatherFlatGrad();
          params.forEach((p, i) => {
            bumpVersion(p.data);
            p.data.set(x0[i]);
          });
          return [l, fg];
        };
        [loss, flatGrad, t, lsEvals] = strongWolfe(evaluate, t, d, loss, flatGrad, gtd, toleranceChange);
        this.addGrad(t, d);
        optCond = maxAbs(flatGrad) <= toleranceGrad;
      } else {
        this.addGrad(t, d);
        if (nIter !== maxIter) {
          loss = evalLoss()[1];
          flatGrad = this.gatherFlatGrad();
          optCond = maxAbs(flatGrad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      funcEvals[0] += lsEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (maxAbs(d) * Math.abs(t) <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    if (d !== null) st.d = new Tensor(d, [n]);
    st.t = scalar(t);
    st.old_dirs = stack(oldDirs, n);
    st.old_stps = stack(oldStps, n);
    st.ro = new Tensor(Float32Array.from(ro), [ro.length]);
    st.H_diag = scalar(hDiag);
    if (prevFlatGrad !== null) st.prev_flat_grad = new Tensor(prevFlatGrad, [n]);
    st.prev_loss = scalar(prevLoss);
    return origLoss;
  }
}

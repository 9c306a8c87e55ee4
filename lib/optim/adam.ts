// torch.optim.Adam and the update it shares with AdamW: one fused native call per parameter
// (native/kernels/optim.h) does the moments, AMSGrad's maximum, bias corrections and the step.
import { Tensor } from '../tensor';
import { native } from '../native';
import { checkBetas, checkBoolean, checkNonNegative, checkOptions } from '../errors';
import { expectArity } from '../options';
import { Optimizer, Params, ParamState, gradOf, runClosure } from './optimizer';

/**
 * Options of {@link Adam} and {@link AdamW} (each may be overridden per parameter group).
 * @example new kiln.optim.Adam(model.parameters(), { lr: 3e-4, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
 */
export interface AdamOptions {
  /** The learning rate, >= 0. @defaultValue 1e-3 */
  lr: number;
  /** (β1, β2): decay rates of the running means of the gradient and its square, each in [0, 1). @defaultValue [0.9, 0.999] */
  betas: [number, number];
  /** Added to the denominator for numerical stability, >= 0. @defaultValue 1e-8 */
  eps: number;
  /**
   * Weight decay, >= 0: coupled L2 (g += weightDecay * p) in Adam, decoupled
   * (p *= 1 - lr * weightDecay) in AdamW.
   * @defaultValue 0 for Adam, 1e-2 for AdamW
   */
  weightDecay: number;
  /** Use the AMSGrad variant (Reddi et al. 2018): the running maximum of v in the denominator. @defaultValue false */
  amsgrad: boolean;
}

/** Validates Adam's and AdamW's options with torch's conditions. */
export function checkAdam(where: string, o: AdamOptions, prefix: string): void {
  checkNonNegative(where, `${prefix}lr`, o.lr);
  checkNonNegative(where, `${prefix}eps`, o.eps);
  checkBetas(where, `${prefix}betas`, o.betas);
  checkNonNegative(where, `${prefix}weightDecay`, o.weightDecay);
  checkBoolean(where, `${prefix}amsgrad`, o.amsgrad);
}

/** Fills in Adam-family defaults; AdamW differs only in its weightDecay default. */
export function adamDefaults(where: string, opts: Partial<AdamOptions> | undefined, weightDecay: number): AdamOptions {
  const o = checkOptions(where, opts, ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad']);
  return {
    lr: o.lr ?? 1e-3,
    betas: o.betas ?? [0.9, 0.999],
    eps: o.eps ?? 1e-8,
    weightDecay: o.weightDecay ?? weightDecay,
    amsgrad: o.amsgrad ?? false,
  };
}

const zerosLike = (p: Tensor) => new Tensor(new Float32Array(p.numel), p.shape.slice());

/** The state a parameter gets at its first step, with PyTorch's keys and order. */
function initState(st: ParamState | undefined, p: Tensor, amsgrad: boolean): ParamState {
  const s = st ?? {};
  s.step ??= new Tensor(new Float32Array(1), []);
  s.exp_avg ??= zerosLike(p);
  s.exp_avg_sq ??= zerosLike(p);
  if (amsgrad) s.max_exp_avg_sq ??= zerosLike(p);
  return s;
}

/**
 * One Adam or AdamW step over every group: `decoupled` chooses AdamW's p *= 1 - lr * wd
 * over Adam's g += wd * p. Parameters without a gradient are skipped.
 */
export function adamUpdate(opt: Optimizer<AdamOptions>, decoupled: boolean, closure: (() => unknown) | undefined): unknown {
  const where = `${opt.constructor.name}.step`;
  const loss = runClosure(where, closure);
  opt.paramGroups.forEach((g, gi) => {
    opt.checkGroup(g, gi);
    const [beta1, beta2] = g.betas;
    for (const p of g.params) {
      const grad = gradOf(where, p);
      if (grad === null) continue;
      const st = initState(opt.state.get(p), p, g.amsgrad);
      opt.state.set(p, st);
      const step = st.step!.data;
      step[0] += 1;
      const vmax = g.amsgrad ? st.max_exp_avg_sq!.data : null;
      native.adamStep(p.data, st.exp_avg!.data, st.exp_avg_sq!.data, vmax, grad, step[0], g.lr, beta1, beta2, g.eps, g.weightDecay, decoupled);
    }
  });
  return loss;
}

/**
 * Adam (Kingma & Ba 2015), as torch.optim.Adam, with weight decay ADDED TO THE GRADIENT
 * (coupled L2: g += weightDecay * p) and optional AMSGrad (Reddi et al. 2018):
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  (amsgrad: vmax = max(vmax, v))
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * State per parameter: `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq` with amsgrad).
 * @param params tensors (`model.parameters()`) or groups `{ params, ...overrides }`
 * @param opts `{ lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false }`
 * @throws {TypeError} for options that are not an object or an option of the wrong type
 *   (betas not an array of two numbers).
 * @throws {RangeError} for a negative or non-finite lr, eps or weightDecay, or betas outside [0, 1).
 * @example const opt = new kiln.optim.Adam(model.parameters(), { lr: 3e-4 });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, opts?: Partial<AdamOptions>) {
    expectArity('Adam', arguments, 1, true);
    super(params, adamDefaults('Adam', opts, 0), checkAdam);
  }

  /**
   * One update of every parameter with a gradient (those without are skipped).
   * @param closure [none] re-evaluates the model and returns the loss, which step returns
   * @throws {TypeError} when closure is not a function, or a group's option was changed to a wrong type.
   * @throws {RangeError} when an option was changed to an invalid value, or a gradient's
   *   shape differs from its parameter's.
   * @example opt.zeroGrad(); loss.backward(); opt.step();
   */
  override step(closure?: () => unknown): unknown {
    if (arguments.length > 1) expectArity('Adam.step', arguments, 1);
    return adamUpdate(this, false, closure);
  }
}

// torch.optim.SGD: stochastic gradient descent with momentum, dampening, Nesterov momentum
// and L2 weight decay, one fused native update per parameter (native/kernels/optim.h).
import { Tensor } from '../tensor';
import { native } from '../native';
import { checkBoolean, checkNonNegative, checkNumber, checkOptions, describe, typeError } from '../errors';
import { rangeErrorText } from '../errors';
import { expectArity } from '../options';
import { Optimizer, Params, gradOf, runClosure } from './optimizer';

/**
 * Options of {@link SGD} (each may be overridden per parameter group).
 * @example new kiln.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
 */
export interface SGDOptions {
  /** The learning rate, >= 0; required (here or in every group), as torch's. */
  lr: number;
  /** The momentum factor, >= 0; 0 turns momentum off. @defaultValue 0 */
  momentum: number;
  /** Dampening of the momentum: b = momentum * b + (1 - dampening) * g. @defaultValue 0 */
  dampening: number;
  /** Use Nesterov momentum (needs momentum > 0 and dampening 0). @defaultValue false */
  nesterov: boolean;
  /** L2 penalty added to the gradient, g += weightDecay * p; >= 0. @defaultValue 0 */
  weightDecay: number;
}

function checkSgd(where: string, o: SGDOptions, prefix: string, isDefaults: boolean): void {
  // lr is required, as torch's `required`: in the options, or else in every group.
  if (o.lr === undefined && !isDefaults) throw typeError(where, 'a number (SGD has no default learning rate)', `${prefix}lr`, o.lr);
  if (o.lr !== undefined) checkNonNegative(where, `${prefix}lr`, o.lr);
  checkNonNegative(where, `${prefix}momentum`, o.momentum);
  checkNumber(where, `${prefix}dampening`, o.dampening);
  checkNonNegative(where, `${prefix}weightDecay`, o.weightDecay);
  checkBoolean(where, `${prefix}nesterov`, o.nesterov);
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    // torch: "Nesterov momentum requires a momentum and zero dampening".
    throw rangeErrorText(where, 'momentum > 0 and dampening 0 (Nesterov momentum requires a momentum and zero dampening)', `${prefix}nesterov`, `momentum ${describe(o.momentum)} and dampening ${describe(o.dampening)}`);
  }
}

/**
 * Stochastic gradient descent with momentum (Polyak 1964) and Nesterov momentum
 * (Sutskever et al. 2013), as torch.optim.SGD:
 *   d = g + weightDecay * p;  b = d (first step) or momentum * b + (1 - dampening) * d;
 *   d = nesterov ? d + momentum * b : b;  p -= lr * d.
 * State per parameter: `momentum_buffer` (null when momentum is 0).
 * @param params tensors (`model.parameters()`) or groups `{ params, ...overrides }`
 * @param opts `{ lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 }`: lr is required, here or in every group
 * @throws {TypeError} without lr, or for an option of the wrong type.
 * @throws {RangeError} for a negative or non-finite lr, momentum or weightDecay, a
 *   non-finite dampening, or nesterov without momentum > 0 and dampening 0.
 * @example const opt = new kiln.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, opts: { lr?: number } & Partial<SGDOptions> = {}) {
    expectArity('SGD', arguments, 1, true);
    const o = checkOptions('SGD', opts, ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay']);
    super(params, { lr: o.lr as number, momentum: o.momentum ?? 0, dampening: o.dampening ?? 0, nesterov: o.nesterov ?? false, weightDecay: o.weightDecay ?? 0 }, checkSgd);
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
    if (arguments.length > 1) expectArity('SGD.step', arguments, 1);
    const loss = runClosure('SGD.step', closure);
    this.paramGroups.forEach((g, gi) => {
      this.checkGroup(g, gi);
      for (const p of g.params) {
        const grad = gradOf('SGD.step', p);
        if (grad === null) continue;
        let st = this.state.get(p);
        if (st === undefined) {
          st = { momentum_buffer: null };
          this.state.set(p, st);
        }
        let buf = g.momentum !== 0 ? st.momentum_buffer ?? null : null;
        const init = g.momentum !== 0 && buf === null;
        if (init) {
          // The kernel copies the first step's direction into it: no need for zeros.
          buf = new Tensor(new Float32Array(p.numel), p.shape.slice());
          st.momentum_buffer = buf;
        }
        native.sgdStep(p.data, buf ? buf.data : null, grad, g.lr, g.momentum, g.dampening, g.weightDecay, g.nesterov, init);
      }
    });
    return loss;
  }
}

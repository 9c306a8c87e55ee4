// kiln.nn.regularization: weight penalties to add to a loss.
import { Tensor, fromOp, checkTensor } from '../tensor';
import { typeError } from '../errors';

function collect(where: string, parameters: Iterable<Tensor>): Tensor[] {
  if (parameters === null || typeof parameters !== 'object' || typeof (parameters as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
    throw typeError(where, 'an array or iterable of Tensors', 'parameters', parameters);
  }
  const out: Tensor[] = [];
  for (const p of parameters) out.push(checkTensor(where, `parameters[${out.length}]`, p));
  return out;
}

/** sum over tensors of sum_i f(w_i), one op whose backward writes df(w_i) * grad. */
function penalty(where: string, name: string, parameters: Iterable<Tensor>, f: (w: number) => number, df: (w: number) => number): Tensor {
  const ts = collect(where, parameters);
  let s = 0;
  for (const t of ts) {
    const w = t.data;
    for (let i = 0; i < w.length; i++) s += f(w[i]);
  }
  return fromOp(new Float32Array([s]), [], ts, name, (g) =>
    ts.map((t) => {
      if (!t.requiresGrad) return null;
      const w = t.data;
      const gw = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) gw[i] = g[0] * df(w[i]);
      return gw;
    }),
  );
}

/**
 * The L1 penalty sum |w| over every element of every tensor: a differentiable scalar to add
 * to a loss (times a strength), which drives weights that do not earn their keep to zero
 * (the lasso, Tibshirani 1996). Its gradient is sign(w), 0 at w = 0, as PyTorch's abs.
 * Accumulated in double precision.
 * @param parameters an array or iterable of tensors, e.g. model.parameters().
 * @returns a shape-[] tensor; 0 for no tensors.
 * @throws {TypeError} when parameters is not iterable or holds something other than a Tensor.
 * @example const loss = mse.forward(pred, y).add(kiln.nn.regularization.l1(model.parameters()).mul(1e-4));
 */
export function l1(parameters: Iterable<Tensor>): Tensor {
  return penalty('regularization.l1', 'l1', parameters, Math.abs, (w) => (w > 0 ? 1 : w < 0 ? -1 : 0));
}

/**
 * The L2 penalty sum w^2 over every element of every tensor: a differentiable scalar to add to
 * a loss (times a strength), which shrinks all weights toward zero in proportion to their size
 * (ridge regression, Hoerl & Kennard 1970; weight decay). Its gradient is 2w. Note that it is
 * not halved: lambda * l2 adds 2 * lambda * w to the gradient. Accumulated in double precision.
 * @param parameters an array or iterable of tensors, e.g. model.parameters().
 * @returns a shape-[] tensor; 0 for no tensors.
 * @throws {TypeError} when parameters is not iterable or holds something other than a Tensor.
 * @example const loss = ce.forward(logits, y).add(kiln.nn.regularization.l2(model.parameters()).mul(5e-4));
 */
export function l2(parameters: Iterable<Tensor>): Tensor {
  return penalty('regularization.l2', 'l2', parameters, (w) => w * w, (w) => 2 * w);
}

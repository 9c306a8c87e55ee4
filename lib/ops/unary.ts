// Elementwise functions of one tensor and their derivatives.
import { Tensor, fromOp, checkTensor } from '../tensor';
import { checkNumber } from '../errors';
import { native } from '../native';

/**
 * Applies f elementwise; `grad(x, y, g)` is dL/dx given y = f(x) and g = dL/dy. The tensor ops
 * and the JavaScript activations of nn.functional share it; errors name `where`.
 */
export function unaryOp(
  name: string,
  a: Tensor,
  f: (x: number) => number,
  grad: (x: number, y: number, g: number) => number,
  where = `Tensor.${name}`,
  reads: 'input' | 'output' | 'both' | 'none' = 'both',
): Tensor {
  checkTensor(where, 'input', a);
  const x = a.data;
  const n = x.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(x[i]);
  return fromOp(out, a.shape.slice(), [a], name, (g) => {
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = grad(x[i], out[i], g[i]);
    return [gx];
    // What grad reads, for the version check (fromOp's `saved`), as PyTorch saves for each op.
  }, reads === 'both' ? [x, out] : reads === 'input' ? [x] : reads === 'output' ? [out] : []);
}

export const neg = (a: Tensor) => unaryOp('neg', a, (x) => -x, (_x, _y, g) => -g, 'Tensor.neg', 'none');
export const exp = (a: Tensor) => unaryOp('exp', a, Math.exp, (_x, y, g) => g * y, 'Tensor.exp', 'output');
export const log = (a: Tensor) => unaryOp('log', a, Math.log, (x, _y, g) => g / x, 'Tensor.log', 'input');
export const sqrt = (a: Tensor) => unaryOp('sqrt', a, Math.sqrt, (_x, y, g) => g / (2 * y), 'Tensor.sqrt', 'output');
// PyTorch: d|x|/dx = sign(x), 0 at 0.
export const abs = (a: Tensor) => unaryOp('abs', a, Math.abs, (x, _y, g) => (x > 0 ? g : x < 0 ? -g : 0), 'Tensor.abs', 'input');
// relu runs natively (native/kernels/activation.cc): CNNs apply it to millions of activations
// a step, and through unaryOp's shared call site (megamorphic, so V8 does not inline f, with a
// branch real data mispredicts half the time) it took 36 ms of a 75 ms step of bench/cnn.js;
// a branch-free JavaScript loop still took 8 ms, the native pass takes under 1.
// Semantics as torch.relu: NaN stays NaN; backward is threshold_backward on the result,
// result <= 0 ? 0 : g.
export function relu(a: Tensor): Tensor {
  // Checked here, not only in the kernel: a broken tensor must be named 'input', as every op does.
  checkTensor('Tensor.relu', 'input', a);
  const out = new Float32Array(a.numel);
  native.reluForward(out, a.data);
  return fromOp(out, a.shape.slice(), [a], 'relu', (g) => {
    const gx = new Float32Array(out.length);
    native.reluBackward(gx, g, out);
    return [gx];
  }, [out]);
}

export const sigmoid = (a: Tensor) =>
  unaryOp('sigmoid', a, (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), (_x, y, g) => g * y * (1 - y), 'Tensor.sigmoid', 'output');
export const tanh = (a: Tensor) => unaryOp('tanh', a, Math.tanh, (_x, y, g) => g * (1 - y * y), 'Tensor.tanh', 'output');

export function pow(a: Tensor, p: number): Tensor {
  checkTensor('Tensor.pow', 'input', a);
  checkNumber('Tensor.pow', 'p', p);
  if (p === 2) return unaryOp('pow', a, (x) => x * x, (x, _y, g) => 2 * x * g);
  // PyTorch: the gradient of x^0 is 0 everywhere.
  return unaryOp('pow', a, (x) => Math.pow(x, p), (x, _y, g) => (p === 0 ? 0 : g * p * Math.pow(x, p - 1)));
}

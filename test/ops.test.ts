// Tensor ops against PyTorch (test/fixtures/gen_core.py) and finite differences.
import { Tensor, tensor, nn } from '../lib';
import { expectClose, gradCheck, loadFixture } from './helpers';

interface Case {
  inputs: { shape: number[]; data: number[] }[];
  out: { shape: number[]; data: number[] };
  w: number[];
  grads: number[][];
}
const F = nn.functional;
const fixtures = loadFixture<Record<string, Case>>('core');

// Each entry quotes the PyTorch line in gen_core.py that it mirrors.
const ops: Record<string, (...x: Tensor[]) => Tensor> = {
  add_broadcast: (a, b) => a.add(b), // a + b
  sub_broadcast: (a, b) => a.sub(b), // a - b
  mul_broadcast: (a, b) => a.mul(b), // a * b
  div: (a, b) => a.div(b), // a / b
  exp: (a) => a.exp(),
  log: (a) => a.log(),
  sqrt: (a) => a.sqrt(),
  abs: (a) => a.abs(),
  pow3: (a) => a.pow(3), // a.pow(3)
  relu: (a) => a.relu(),
  sigmoid: (a) => a.sigmoid(),
  tanh: (a) => a.tanh(),
  matmul_2d: (a, b) => a.matmul(b), // a @ b
  matmul_batched: (a, b) => a.matmul(b),
  matmul_vec: (a, b) => a.matmul(b),
  matmul_mat_vec: (a, b) => a.matmul(b),
  matmul_nd_2d: (a, b) => a.matmul(b),
  sum_dim1: (a) => a.sum(1), // a.sum(1)
  sum_dims_keep: (a) => a.sum([0, 2], true), // a.sum((0, 2), keepdim=True)
  mean_all: (a) => a.mean(), // a.mean()
  mean_neg_dim: (a) => a.mean(-1),
  max_dim: (a) => a.max(1).values, // a.max(1).values
  softmax: (a) => a.softmax(1),
  log_softmax: (a) => a.logSoftmax(-1),
  transpose: (a) => a.transpose(0, 2),
  t: (a) => a.t(),
  reshape_flatten: (a) => a.flatten(1).reshape([-1, 6]), // a.flatten(1).reshape(-1, 6)
  gelu: (a) => F.gelu(a), // F.gelu(a)
  gelu_tanh: (a) => F.gelu(a, { approximate: 'tanh' }),
  selu: (a) => F.selu(a),
  leaky_relu: (a) => F.leakyRelu(a, { negativeSlope: 0.2 }), // F.leaky_relu(a, 0.2)
  linear: (x, w, b) => F.linear(x, w, { bias: b }), // F.linear(x, w, b)
  linear_3d: (x, w, b) => F.linear(x, w, { bias: b }),
};

describe('ops match PyTorch', () => {
  for (const [name, op] of Object.entries(ops)) {
    test(name, () => {
      const c = fixtures[name];
      expect(c).toBeDefined();
      const xs = c.inputs.map((i) => tensor(new Float32Array(i.data), { shape: i.shape, requiresGrad: true }));
      const y = op(...xs);
      expect(y.shape).toEqual(c.out.shape);
      expectClose(y, c.out.data, { rtol: 1e-5, atol: 1e-6, label: `${name} forward` });
      y.mul(tensor(new Float32Array(c.w), { shape: c.out.shape })).sum().backward();
      xs.forEach((x, k) => expectClose(x.grad!, c.grads[k], { rtol: 1e-4, atol: 1e-5, label: `${name} grad ${k}` }));
    });
  }
});

describe('finite-difference gradient checks', () => {
  const r = (shape: number[], positive = false) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const d = Array.from({ length: n }, (_, i) => Math.sin(i * 2.3 + 1) * 1.5);
    return tensor(d.map((v) => (positive ? Math.abs(v) + 0.5 : v)), { shape, requiresGrad: true });
  };
  for (const [name, op] of Object.entries(ops)) {
    test(name, () => {
      const c = fixtures[name];
      const positive = ['div', 'log', 'sqrt'].includes(name);
      // relu/abs/max/leaky are not differentiable at kinks; the sine inputs avoid them.
      gradCheck(op, c.inputs.map((i) => r(i.shape, positive)), { label: name });
    });
  }
});

describe('autograd engine', () => {
  test('a tensor used twice accumulates both paths', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).add(x).sum().backward(); // d/dx (x^2 + x) = 2x + 1
    expectClose(x.grad!, [3, 5, 7]);
  });

  test('gradients accumulate across backward calls, as PyTorch', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(2).sum().backward();
    x.mul(2).sum().backward();
    expectClose(x.grad!, [4, 4]);
  });

  test('a deep chain does not overflow the stack', () => {
    let x = tensor([1], { requiresGrad: true });
    const x0 = x;
    for (let i = 0; i < 20000; i++) x = x.add(0);
    x.sum().backward();
    expectClose(x0.grad!, [1]);
  });
});

// Inputs PyTorch refuses that kiln once accepted silently (issue 10, item 4): each is a
// RangeError or TypeError naming the argument, `<Where>: expected <what> for <name>, got <value>`.
// The PyTorch line each case mirrors is quoted (torch 1.13).
import { arange, full, randn, tensor, zeros, nn, Tensor } from '../lib';
import { expectError } from './helpers';

const F = nn.functional;
const init = nn.init;

describe('factories', () => {
  // torch.arange(-5) -> RuntimeError: upper bound and larger bound inconsistent with step sign
  test('arange(-5): end below start with a positive step', () => {
    expectError(() => arange(-5), 'RangeError', /^arange: expected a number >= start \(0\), as step 1 is positive, for end, got -5$/);
  });
  // torch.arange(0, 5, -1) -> the same error
  test('arange(0, 5, -1): end above start with a negative step', () => {
    expectError(() => arange(0, 5, -1), 'RangeError', /^arange: expected a number <= start \(0\), as step -1 is negative, for end, got 5$/);
    // torch.arange(0, 0) and torch.arange(0, 0, -1) are empty, not errors
    expect(arange(0).shape).toEqual([0]);
    expect(arange(3, 3, -1).shape).toEqual([0]);
    expect(Array.from(arange(3, 0, -1).data)).toEqual([3, 2, 1]);
  });
  // torch.full((2,), 1e39) -> RuntimeError: value cannot be converted to type float without overflow
  test('full with a value past float32 range', () => {
    expectError(() => full([2], 1e39), 'RangeError', /^full: expected NaN, \+-Infinity or a number in float32 range .* for value, got 1e\+39$/);
    // torch.full((2,), float('inf')) is allowed
    expect(full([2], Infinity).data[0]).toBe(Infinity);
    expect(Number.isNaN(full([1], NaN).data[0])).toBe(true);
  });
});

describe('Tensor.backward', () => {
  // x = torch.randn(2, 3, requires_grad=True); (x * 2).backward(torch.randn(6))
  // -> RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size([6]) and output[0] ... [2, 3]
  test('a grad Tensor of another shape with the same element count', () => {
    const x = randn([2, 3], { requiresGrad: true });
    expectError(() => x.mul(2).backward(randn([6])), 'RangeError', /^Tensor.backward: expected shape \[2, 3\] for grad, got \[6\]$/);
    expect(x.grad).toBeNull();
  });
  test('nested arrays of another shape', () => {
    const x = randn([2, 3], { requiresGrad: true });
    expectError(() => x.mul(2).backward([1, 2, 3, 4, 5, 6]), 'RangeError', /^Tensor.backward: expected shape \[2, 3\] for grad, got \[6\]$/);
    // A flat Float32Array of the output's length, and a number for one element, stay allowed.
    x.mul(2).backward(new Float32Array(6).fill(1));
    expect(Array.from(x.grad!.data)).toEqual([2, 2, 2, 2, 2, 2]);
    const y = randn([1, 1], { requiresGrad: true });
    y.mul(3).backward(1);
    expect(y.grad!.data[0]).toBe(3);
  });
});

describe('convolution', () => {
  // F.conv2d(torch.randn(1, 2, 4, 4), torch.zeros(0, 2, 3, 3))
  // -> RuntimeError: Given groups=1, expected weight to be at least 1 at dimension 0
  test('F.conv2d with a weight of 0 output channels', () => {
    expectError(() => F.conv2d(randn([1, 2, 4, 4]), zeros([0, 2, 3, 3])), 'RangeError', /^conv2d: expected a weight with at least 1 output channel \(dimension 0\) for weight, got a Tensor of shape \[0, 2, 3, 3\]$/);
    // With 0 input channels PyTorch gives zeros of shape [1, 2, 2, 2]
    const y = F.conv2d(randn([1, 0, 4, 4]), zeros([2, 0, 3, 3]));
    expect(y.shape).toEqual([1, 2, 2, 2]);
  });
});

describe('pooling', () => {
  // nn.MaxPool2d(2)(torch.zeros(1, 0, 4, 4))
  // -> RuntimeError: Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input
  test('MaxPool2d on an input with 0 channels', () => {
    expectError(() => new nn.MaxPool2d(2).forward(zeros([1, 0, 4, 4])), 'RangeError', /^MaxPool2d.forward: expected an input with non-zero sizes in every dimension but the batch for input, got a Tensor of shape \[1, 0, 4, 4\]$/);
  });
  test('F.maxPool2d on an unbatched input with 0 channels', () => {
    expectError(() => F.maxPool2d(zeros([0, 4, 4]), 2), 'RangeError', /^maxPool2d: expected an input with non-zero sizes in every dimension but the batch for input, got a Tensor of shape \[0, 4, 4\]$/);
  });
  // nn.AvgPool2d(2)(torch.zeros(1, 0, 4, 4)) -> the same error
  test('AvgPool2d on an input with 0 channels', () => {
    expectError(() => new nn.AvgPool2d(2).forward(zeros([1, 0, 4, 4])), 'RangeError', /^AvgPool2d.forward: expected an input with non-zero sizes in every dimension but the batch for input, got a Tensor of shape \[1, 0, 4, 4\]$/);
  });
  test('F.avgPool2d on an input with 0 channels', () => {
    expectError(() => F.avgPool2d(zeros([2, 0, 4, 4]), 2), 'RangeError', /^avgPool2d: expected an input with non-zero sizes in every dimension but the batch for input, got a Tensor of shape \[2, 0, 4, 4\]$/);
    // nn.MaxPool2d(2)(torch.zeros(0, 3, 4, 4)) -> shape [0, 3, 2, 2]; adaptive_avg_pool2d allows C = 0 in 1.13
    expect(F.maxPool2d(zeros([0, 3, 4, 4]), 2).shape).toEqual([0, 3, 2, 2]);
    expect(F.avgPool2d(zeros([0, 3, 4, 4]), 2).shape).toEqual([0, 3, 2, 2]);
    expect(new nn.AdaptiveAvgPool2d(2).forward(zeros([1, 0, 4, 4])).shape).toEqual([1, 0, 2, 2]);
  });
});

describe('Flatten', () => {
  // nn.Flatten()(torch.tensor(3.)) -> IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)
  test('Flatten (startDim 1) on a 0-d tensor', () => {
    expectError(() => new nn.Flatten().forward(tensor(3)), 'RangeError', /^Tensor.flatten: expected an integer in \[-1, 0\] for startDim, got 1$/);
  });
  // torch.tensor(3.).flatten() -> shape [1]; torch.tensor(3.).flatten(0, 1) -> IndexError
  test('Tensor.flatten on a 0-d tensor with endDim 1', () => {
    expect(tensor(3).flatten().shape).toEqual([1]);
    expect(new nn.Flatten(0).forward(tensor(3)).shape).toEqual([1]);
    expectError(() => tensor(3).flatten(0, 1), 'RangeError', /^Tensor.flatten: expected an integer in \[-1, 0\] for endDim, got 1$/);
  });
});

describe('init: values past float32 range', () => {
  const t = () => zeros([3, 3]);
  const finite = (x: Tensor) => x.data.every((v) => Number.isFinite(v));
  // nn.init.uniform_(torch.zeros(3), 0, 1e39) -> RuntimeError: to is out of bounds for float
  test('uniform with b = 1e39', () => {
    expectError(() => init.uniform(t(), 0, 1e39), 'RangeError', /^init.uniform: expected a number in float32 range .* for b, got 1e\+39$/);
  });
  test('uniform with a = -1e39', () => {
    expectError(() => init.uniform(t(), -1e39, 0), 'RangeError', /^init.uniform: expected a number in float32 range .* for a, got -1e\+39$/);
  });
  // nn.init.uniform_(t, -3e38, 3e38) -> RuntimeError: uniform_ expects to-from <= std::numeric_limits<Float>::max()
  test('uniform whose width b - a overflows float32', () => {
    expectError(() => init.uniform(t(), -3e38, 3e38), 'RangeError', /^init.uniform: expected a number at most 3.4028234663852886e\+38 \(float32's largest\) above a \(a is -3e\+38\) for b, got 3e\+38$/);
    // At the edges of float32's range the bounds are accepted.
    expect(finite(init.uniform(t(), -1.7e38, 1.7e38))).toBe(true);
    expect(init.constant(t(), 3.4028234663852886e38).data[0]).toBe(3.4028234663852886e38);
  });
  test('normal with std = 1e39', () => {
    expectError(() => init.normal(t(), 0, 1e39), 'RangeError', /^init.normal: expected a number in float32 range .* for std, got 1e\+39$/);
  });
  test('normal with mean = 1e39', () => {
    expectError(() => init.normal(t(), 1e39, 1), 'RangeError', /^init.normal: expected a number in float32 range .* for mean, got 1e\+39$/);
  });
  // nn.init.constant_(t, 1e39) -> RuntimeError: value cannot be converted to type float without overflow
  test('constant with 1e39', () => {
    expectError(() => init.constant(t(), 1e39), 'RangeError', /^init.constant: expected NaN, \+-Infinity or a number in float32 range .* for value, got 1e\+39$/);
    // nn.init.constant_(t, float('-inf')) is allowed
    expect(init.constant(t(), -Infinity).data[0]).toBe(-Infinity);
  });
  // nn.init.trunc_normal_(t, a=-1e39, b=1e39) -> RuntimeError: value cannot be converted to type float without overflow
  test('truncNormal with a finite cut-off past float32 range', () => {
    expectError(() => init.truncNormal(t(), { a: -1e39, b: 1 }), 'RangeError', /^init.truncNormal: expected \+-Infinity or a number in float32 range .* for a, got -1e\+39$/);
  });
  test('truncNormal with std = 1e39 or mean = 1e39', () => {
    expectError(() => init.truncNormal(t(), { std: 1e39 }), 'RangeError', /^init.truncNormal: expected a number in float32 range .* for std, got 1e\+39$/);
    expectError(() => init.truncNormal(t(), { mean: 1e39, a: -Infinity, b: Infinity }), 'RangeError', /^init.truncNormal: expected a number in float32 range .* for mean, got 1e\+39$/);
  });
  // nn.init.xavier_uniform_(torch.zeros(3, 3), gain=1e39) -> RuntimeError: from is out of bounds for float
  test('xavierUniform with a gain that overflows the float32 bound', () => {
    expectError(() => init.xavierUniform(t(), { gain: 1e39 }), 'RangeError', /^init.xavierUniform: expected a gain for which .* is finite for gain, got 1e\+39$/);
  });
  test('xavierNormal with a gain that overflows the float32 std', () => {
    expectError(() => init.xavierNormal(t(), { gain: 1e39 }), 'RangeError', /^init.xavierNormal: expected a gain for which .* is finite for gain, got 1e\+39$/);
    // kaiming's gain is at most sqrt(2) for any a: a = 1e39 is fine in PyTorch and here
    expect(finite(init.kaimingUniform(t(), { a: 1e39 }))).toBe(true);
    expect(finite(init.kaimingNormal(t(), { a: 1e39 }))).toBe(true);
  });
  test('orthogonal with gain = 1e39', () => {
    expectError(() => init.orthogonal(t(), { gain: 1e39 }), 'RangeError', /^init.orthogonal: expected a number in float32 range .* for gain, got 1e\+39$/);
  });
});

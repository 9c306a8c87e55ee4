// Max, average and adaptive average pooling against PyTorch (test/fixtures/gen_conv.py),
// finite differences and errors.
import { Tensor, tensor, nn, randn, Generator } from '../lib';
import { native } from '../lib/native';
import { expectClose, expectError, expectSameOnTwoThreads, gradCheck, loadFixture } from './helpers';

interface Case {
  args: Record<string, number | number[] | boolean>;
  inputs: { shape: number[]; data: number[] }[];
  out: { shape: number[]; data: number[] };
  w: number[];
  grads: number[][];
}
type Pair = number | [number, number];
const F = nn.functional;
const fixtures = loadFixture<Record<string, Case>>('conv');

const leaf = (i: { shape: number[]; data: number[] }) => tensor(new Float32Array(i.data), { shape: i.shape, requiresGrad: true });

// Each mirrors the gen_conv.py line of the same name.
const calls: Record<string, (x: Tensor, a: Case['args']) => Tensor> = {};
const max = (x: Tensor, a: Case['args']) => F.maxPool2d(x, a.kernel_size as Pair, { stride: a.stride as Pair | undefined, padding: a.padding as Pair | undefined });
const avg = (x: Tensor, a: Case['args']) =>
  F.avgPool2d(x, a.kernel_size as Pair, { stride: a.stride as Pair | undefined, padding: a.padding as Pair | undefined, countIncludePad: a.count_include_pad as boolean | undefined });
const adaptive = (x: Tensor, a: Case['args']) => F.adaptiveAvgPool2d(x, a.output_size as Pair);
for (const name of Object.keys(fixtures)) {
  if (name.startsWith('maxpool')) calls[name] = max; // F.max_pool2d(x, kernel_size, stride=..., padding=...)
  if (name.startsWith('avgpool')) calls[name] = avg; // F.avg_pool2d(x, kernel_size, stride, padding, count_include_pad)
  if (name.startsWith('adaptive')) calls[name] = adaptive; // F.adaptive_avg_pool2d(x, output_size)
}

describe('pooling matches PyTorch', () => {
  test('every pooling fixture is covered', () => {
    expect(Object.keys(calls).length).toBe(26);
  });
  for (const [name, call] of Object.entries(calls)) {
    test(name, () => {
      const c = fixtures[name];
      const x = leaf(c.inputs[0]);
      const y = call(x, c.args);
      expect(y.shape).toEqual(c.out.shape);
      expectClose(y, c.out.data, { rtol: 1e-5, atol: 1e-6, label: `${name} forward` });
      y.mul(tensor(new Float32Array(c.w), { shape: c.out.shape })).sum().backward();
      // Ties: the gradient must land on the same element as PyTorch's, exactly.
      expectClose(x.grad!, c.grads[0], { rtol: 1e-5, atol: 1e-6, label: `${name} grad` });
    });
  }

  test('modules match the functional forms', () => {
    const c = fixtures.maxpool_k3_s2_p1;
    const x = leaf(c.inputs[0]);
    expectClose(new nn.MaxPool2d(3, { stride: 2, padding: 1 }).forward(x), c.out.data);
    const a = fixtures.avgpool_k3_s2_p1_exclude_pad;
    expectClose(new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }).forward(leaf(a.inputs[0])), a.out.data);
    const d = fixtures.adaptive_non_divisible;
    expectClose(new nn.AdaptiveAvgPool2d([3, 2]).forward(leaf(d.inputs[0])), d.out.data);
  });

  test('NaN and -inf as PyTorch: NaN wins (the last one in scan order), ties go to the first', () => {
    // x = torch.tensor([[[[1, nan, 5, -inf, 2, 2, 0], [nan, 3, -inf, -inf, 2, 2, 0]]]])
    // F.max_pool2d(x, 2) -> [nan, 5, 2], indices [7, 2, 4]; the same for kernel (2, 3), stride (1, 2).
    const rows = [1, NaN, 5, -Infinity, 2, 2, 0, NaN, 3, -Infinity, -Infinity, 2, 2, 0];
    const grad = [0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    for (const [kernel, stride] of [[2, 2], [[2, 3], [1, 2]]] as [Pair, Pair][]) {
      const x = tensor(rows, { shape: [1, 1, 2, 7], requiresGrad: true });
      const y = F.maxPool2d(x, kernel, { stride });
      expect(Array.from(y.data).map(String)).toEqual(['NaN', '5', '2']);
      y.sum().backward();
      expect(Array.from(x.grad!.data)).toEqual(grad);
    }
  });
});

describe('pooling finite-difference gradient checks', () => {
  // Distinct values 0.1 apart: the 1e-2 steps of the check never change a window's maximum.
  const spaced = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = Array.from({ length: n }, (_, i) => ((i * 37) % n) * 0.1 - n * 0.05);
    return tensor(v, { shape, requiresGrad: true });
  };
  test('maxPool2d kernel 2', () => gradCheck((x) => F.maxPool2d(x, 2), [spaced([2, 2, 6, 5])]));
  test('maxPool2d overlapping kernel 3 stride 2 padding 1', () => gradCheck((x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }), [spaced([2, 2, 7, 6])]));
  test('avgPool2d kernel (3, 2) stride (2, 1) padding 1', () => gradCheck((x) => F.avgPool2d(x, [3, 2], { stride: [2, 1], padding: 1 }), [spaced([2, 2, 7, 6])]));
  test('avgPool2d without counting padding', () =>
    gradCheck((x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), [spaced([1, 2, 6, 7])]));
  test('adaptiveAvgPool2d to a non-divisible size', () => gradCheck((x) => F.adaptiveAvgPool2d(x, [3, 4]), [spaced([2, 2, 7, 5])]));
  test('adaptiveAvgPool2d to 1', () => gradCheck((x) => F.adaptiveAvgPool2d(x, 1), [spaced([2, 3, 4, 5])]));
});

describe('pooling with 1 and 2 threads', () => {
  test('identical results', () => {
    const run = () => {
      const x = randn([4, 16, 32, 32], { generator: new Generator(3), requiresGrad: true });
      const y = F.maxPool2d(x, 3, { stride: 2, padding: 1 }).add(F.avgPool2d(x, 2).sum(1, true).mean()).add(F.adaptiveAvgPool2d(x, [16, 16]));
      y.sum().backward();
      return [y.data, x.grad!.data];
    };
    expectSameOnTwoThreads(run, { labels: ['out', 'dinput'] });
  });
});

describe('pooling modules', () => {
  test("repr as PyTorch's", () => {
    // repr(nn.MaxPool2d(2)), repr(nn.MaxPool2d((3, 2), stride=1, padding=1)), ...
    expect(new nn.MaxPool2d(2).extraRepr()).toBe('kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False');
    expect(new nn.MaxPool2d([3, 2], { stride: 1, padding: 1 }).extraRepr()).toBe('kernel_size=(3, 2), stride=1, padding=1, dilation=1, ceil_mode=False');
    expect(new nn.AvgPool2d(3, { stride: 2 }).extraRepr()).toBe('kernel_size=3, stride=2, padding=0');
    expect(new nn.AdaptiveAvgPool2d([3, 2]).extraRepr()).toBe('output_size=(3, 2)');
    expect(new nn.AdaptiveAvgPool2d(1).extraRepr()).toBe('output_size=1');
  });
  test('stride defaults to the kernel size; no parameters', () => {
    const pool = new nn.MaxPool2d([2, 3]);
    expect(pool.stride).toEqual([2, 3]);
    expect(pool.parameters()).toEqual([]);
    expect(pool.forward(randn([2, 3, 8, 9])).shape).toEqual([2, 3, 4, 3]);
  });
});

describe('pooling errors', () => {
  const x = randn([2, 3, 4, 4]);
  test('wrong input type', () => {
    expectError(() => F.maxPool2d(null as unknown as Tensor, 2), 'TypeError', /^maxPool2d: expected a Tensor for input, got null/);
    expectError(() => new nn.AvgPool2d('2' as never), 'TypeError', /^AvgPool2d: expected a number or a pair of numbers for kernelSize, got '2'/);
  });
  test('NaN, negative and non-integer sizes', () => {
    expectError(() => F.maxPool2d(x, NaN), 'RangeError', /expected an integer in \[1, 2147483647\] for kernelSize, got NaN/);
    expectError(() => F.avgPool2d(x, 2, { padding: -1 }), 'RangeError', /expected an integer in \[0, 1073741823\] for padding, got -1/);
    expectError(() => new nn.MaxPool2d(2, { stride: 0.5 }), 'RangeError', /^MaxPool2d: expected an integer in \[1, 2147483647\] for stride, got 0.5/);
    expectError(() => new nn.AdaptiveAvgPool2d(0), 'RangeError', /^AdaptiveAvgPool2d: expected an integer in \[1, 2147483647\] for outputSize, got 0/);
    expectError(() => new nn.AdaptiveAvgPool2d([2, 2, 2]), 'RangeError', /expected a number or a pair of numbers for outputSize, got \[2, 2, 2\]/);
  });
  test('padding over half the kernel', () => {
    expectError(() => new nn.MaxPool2d(3, { padding: 2 }), 'RangeError', /^MaxPool2d: expected at most half the kernelSize \(3, 3\) for padding, got \(2, 2\)/);
  });
  test('wrong shapes', () => {
    expectError(() => new nn.MaxPool2d(2).forward(randn([4, 4])), 'RangeError', /^MaxPool2d\.forward: expected a 4-D \(N, C, H, W\) or 3-D \(C, H, W\) tensor for input, got \[4, 4\]/);
    expectError(
      () => new nn.MaxPool2d(5).forward(x),
      'RangeError',
      /^MaxPool2d\.forward: expected the kernel to fit the padded input for kernelSize, got input size \(4, 4\), kernel \(5, 5\), stride \(5, 5\), padding \(0, 0\)/,
    );
    expectError(() => F.adaptiveAvgPool2d(randn([1, 2, 0, 3]), 2), 'RangeError', /expected non-empty H and W for input, got \[1, 2, 0, 3\]/);
  });
  test('the native binding rejects out-of-plane argmax indices (the backstop)', () => {
    const k = native as unknown as { maxPool2dBackward: (...a: unknown[]) => void };
    expectError(
      () => k.maxPool2dBackward(new Float32Array(16), new Float32Array(4), new Int32Array([0, 1, 99, 2]), 1, 4, 4, 2, 2),
      'RangeError',
      /maxPool2dBackward: expected argmax entries in \[0, 16\), got 99 at index 2/,
    );
  });
});

// Conv2d against PyTorch (test/fixtures/gen_conv.py), finite differences, threads and errors.
import { Tensor, tensor, nn, Generator, randn } from '../lib';
import { native } from '../lib/native';
import { expectClose, expectError, expectSameOnTwoThreads, gradCheck, loadFixture } from './helpers';

interface Case {
  args: Record<string, number | number[]>;
  inputs: { shape: number[]; data: number[] }[];
  out: { shape: number[]; data: number[] };
  w: number[];
  grads: number[][];
}
const F = nn.functional;
const fixtures = loadFixture<Record<string, Case>>('conv');

const leaf = (i: { shape: number[]; data: number[] }) => tensor(new Float32Array(i.data), { shape: i.shape, requiresGrad: true });

// Each mirrors the gen_conv.py line of the same name: F.conv2d(x, w, b, stride=..., padding=...).
const convCases = [
  'conv_s2_p1_bias',
  'conv_s2_p1_nobias',
  'conv_s1_p0',
  'conv_rect_3x2',
  'conv_1x1',
  'conv_1x1_s2_p1',
  'conv_big_pad_stride3',
  'conv_5x5_many_channels',
  'conv_same_width_valid_height',
  'conv_same_width_1x5',
  'wino_p1_odd',
  'wino_p0',
  'wino_p2_c17',
  'wino_pad_3_1',
  'wino_one_sample',
  'wino_bands',
  'wino_wide_rows',
  'conv_unbatched',
];

describe('F.conv2d matches PyTorch', () => {
  for (const name of convCases) {
    test(name, () => {
      const c = fixtures[name];
      expect(c).toBeDefined();
      const [x, w, b] = c.inputs.map(leaf);
      const { stride, padding } = c.args as { stride: number | [number, number]; padding: number | [number, number] };
      const y = F.conv2d(x, w, { bias: b ?? null, stride, padding });
      expect(y.shape).toEqual(c.out.shape);
      expectClose(y, c.out.data, { rtol: 1e-4, atol: 1e-5, label: `${name} forward` });
      y.mul(tensor(new Float32Array(c.w), { shape: c.out.shape })).sum().backward();
      expectClose(x.grad!, c.grads[0], { rtol: 1e-4, atol: 1e-4, label: `${name} input grad` });
      expectClose(w.grad!, c.grads[1], { rtol: 1e-4, atol: 1e-4, label: `${name} weight grad` });
      if (b) expectClose(b.grad!, c.grads[2], { rtol: 1e-4, atol: 1e-4, label: `${name} bias grad` });
    });
  }

  test('gradients accumulate over two backward passes', () => {
    const c = fixtures.conv_s2_p1_bias;
    const [x, w, b] = c.inputs.map(leaf);
    const wt = tensor(new Float32Array(c.w), { shape: c.out.shape });
    for (let i = 0; i < 2; i++) F.conv2d(x, w, { bias: b, stride: 2, padding: 1 }).mul(wt).sum().backward();
    expectClose(w.grad!, c.grads[1].map((v) => 2 * v), { rtol: 1e-4, atol: 1e-4, label: 'weight grad x2' });
    expectClose(b.grad!, c.grads[2].map((v) => 2 * v), { rtol: 1e-4, atol: 1e-4, label: 'bias grad x2' });
  });

  test('a bias Tensor in third place works as { bias }', () => {
    const c = fixtures.conv_1x1;
    const [x, w, b] = c.inputs.map(leaf);
    expectClose(F.conv2d(x, w, b), c.out.data, { rtol: 1e-4, atol: 1e-5 });
  });
});

describe('conv2d finite-difference gradient checks', () => {
  const r = (shape: number[], k = 1) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, (_, i) => Math.sin(i * 2.3 + k) * 1.2), { shape, requiresGrad: true });
  };
  test('stride 2, padding 1, bias', () => {
    gradCheck((x, w, b) => F.conv2d(x, w, { bias: b, stride: 2, padding: 1 }), [r([2, 2, 5, 4]), r([3, 2, 3, 3], 2), r([3], 3)]);
  });
  test('rectangular 3x2 kernel, stride (1, 2), padding (0, 1)', () => {
    gradCheck((x, w) => F.conv2d(x, w, { stride: [1, 2], padding: [0, 1] }), [r([2, 3, 5, 5]), r([2, 3, 3, 2], 2)]);
  });
  test('1x1 kernel (the path without im2col)', () => {
    gradCheck((x, w, b) => F.conv2d(x, w, { bias: b }), [r([2, 4, 3, 3]), r([3, 4, 1, 1], 2), r([3], 3)]);
  });
  test('3x3, padding 1, stride 1 (the flat im2col path)', () => {
    gradCheck((x, w) => F.conv2d(x, w, { padding: 1 }), [r([2, 2, 4, 5]), r([3, 2, 3, 3], 2)]);
  });
  test('1x5 kernel with padding (1, 2) (flat path, padded rows only)', () => {
    gradCheck((x, w) => F.conv2d(x, w, { padding: [1, 2] }), [r([1, 2, 3, 6]), r([2, 2, 1, 5], 2)]);
  });
  test('Winograd F(2x2, 3x3): 8 channels, odd output size, padding 1', () => {
    gradCheck((x, w, b) => F.conv2d(x, w, { bias: b, padding: 1 }), [r([2, 8, 3, 5]), r([8, 8, 3, 3], 2), r([8], 3)]);
  });
  test('Winograd with padding 3 (cropping in the input gradient)', () => {
    gradCheck((x, w) => F.conv2d(x, w, { padding: [3, 0] }), [r([1, 8, 2, 4]), r([9, 8, 3, 3], 2)]);
  });
  test('padding larger than the kernel reach, stride 3', () => {
    gradCheck((x, w) => F.conv2d(x, w, { stride: 3, padding: 2 }), [r([1, 2, 4, 5]), r([2, 2, 2, 3], 2)]);
  });
});

describe('Conv2d module', () => {
  test('forward is F.conv2d with its own weight, bias, stride and padding', () => {
    const conv = new nn.Conv2d(3, 4, [3, 2], { stride: [2, 1], padding: [1, 0], generator: new Generator(1) });
    const c = fixtures.conv_rect_3x2;
    conv.loadStateDict({ weight: leaf(c.inputs[1]), bias: leaf(c.inputs[2]) });
    const y = conv.forward(leaf(c.inputs[0]));
    expectClose(y, c.out.data, { rtol: 1e-4, atol: 1e-5 });
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
  });

  test("init is PyTorch's: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias", () => {
    const conv = new nn.Conv2d(8, 64, 3, { generator: new Generator(0) });
    const bound = 1 / Math.sqrt(8 * 3 * 3);
    for (const p of [conv.weight, conv.bias!]) {
      expect(Math.max(...p.data)).toBeLessThanOrEqual(bound);
      expect(Math.min(...p.data)).toBeGreaterThanOrEqual(-bound);
    }
    // U(-b, b) has std b/sqrt(3); with 4608 samples the estimate is within 3% at ~4 sigma.
    const w = conv.weight.data;
    const mean = w.reduce((a, v) => a + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, v) => a + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.03);
    expect(Math.abs(mean)).toBeLessThan(0.05 * bound);
    // Same seed, same weights.
    const again = new nn.Conv2d(8, 64, 3, { generator: new Generator(0) });
    expect(Array.from(again.weight.data)).toEqual(Array.from(conv.weight.data));
  });

  test('shapes, parameters and repr as PyTorch', () => {
    const conv = new nn.Conv2d(1, 32, 3, { padding: 1, bias: false });
    expect(conv.weight.shape).toEqual([32, 1, 3, 3]);
    expect(conv.bias).toBeNull();
    expect(conv.parameters().length).toBe(1);
    // repr(nn.Conv2d(1, 32, 3, padding=1, bias=False))
    expect(conv.extraRepr()).toBe('1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False');
    // repr(nn.Conv2d(3, 8, (3, 2), stride=2))
    expect(new nn.Conv2d(3, 8, [3, 2], { stride: 2 }).extraRepr()).toBe('3, 8, kernel_size=(3, 2), stride=(2, 2)');
    const y = conv.forward(randn([2, 1, 28, 28]));
    expect(y.shape).toEqual([2, 32, 28, 28]);
    expect(conv.forward(randn([1, 28, 28])).shape).toEqual([32, 28, 28]);
  });
});

describe('conv2d with 1 and 2 threads', () => {
  const run = (N: number, k: number, stride: number, padding: number) => {
    const g = new Generator(7);
    const x = randn([N, 16, 16, 15], { generator: g, requiresGrad: true });
    const w = randn([24, 16, k, k], { generator: g, requiresGrad: true });
    const b = randn([24], { generator: g, requiresGrad: true });
    const y = F.conv2d(x, w, { bias: b, stride, padding });
    y.mul(randn(y.shape, { generator: g })).sum().backward();
    return [y.data, x.grad!.data, w.grad!.data, b.grad!.data];
  };
  // Batch 5 splits unevenly over 2 threads, each with its own partial weight gradient; batch 1
  // runs on the im2col path with the GEMMs threaded where they are large enough (the 3x3
  // stride-1 one is). 3x3 stride 1 runs Winograd at batch 5, stride 2 im2col, 1x1 the GEMM on
  // the input itself.
  const configs: [string, number, number, number][] = [
    ['3x3 stride 1 (Winograd)', 3, 1, 1],
    ['3x3 stride 2 (im2col)', 3, 2, 1],
    ['1x1 (no im2col)', 1, 1, 0],
  ];
  for (const [name, k, stride, padding] of configs) {
    for (const N of [5, 1]) {
      test(`${name}, batch ${N}`, () => {
        expectSameOnTwoThreads(() => run(N, k, stride, padding), { rtol: 1e-5, atol: 1e-4, labels: ['out', 'dinput', 'dweight', 'dbias'] });
      });
    }
  }
});

describe('conv2d errors', () => {
  const x = randn([8, 1, 28, 28]);
  const w = randn([4, 3, 3, 3]);
  test('wrong input type', () => {
    expectError(() => F.conv2d([1, 2] as unknown as Tensor, w), 'TypeError', /^conv2d: expected a Tensor for input, got \[1, 2\]/);
    expectError(() => F.conv2d(randn([1, 3, 5, 5]), w, 'x' as never), 'TypeError', /expected an options object for options, got 'x'/);
  });
  test('channel mismatch names both shapes', () => {
    const conv = new nn.Conv2d(3, 4, 3);
    expectError(() => conv.forward(x), 'RangeError', /^Conv2d\.forward: expected 3 channels for input, got \[8, 1, 28, 28\]$/);
  });
  test('input of the wrong rank', () => {
    expectError(() => F.conv2d(randn([3, 5]), w), 'RangeError', /expected a 4-D \(N, C, H, W\) or 3-D \(C, H, W\) tensor for input, got \[3, 5\]/);
    expectError(() => F.conv2d(randn([1, 3, 5, 5]), randn([4, 3, 3])), 'RangeError', /expected a 4-D tensor \(outChannels, inChannels, kH, kW\) for weight, got \[4, 3, 3\]/);
    expectError(() => F.conv2d(randn([1, 3, 5, 5]), w, { bias: randn([3]) }), 'RangeError', /expected shape \[4\] for bias, got \[3\]/);
  });
  test('kernel larger than the padded input names input, kernel, stride and padding', () => {
    expectError(
      () => F.conv2d(randn([1, 3, 2, 2]), w),
      'RangeError',
      /expected the kernel to fit the padded input for weight, got input size \(2, 2\), kernel \(3, 3\), stride \(1, 1\), padding \(0, 0\)/,
    );
  });
  test('NaN, negative and non-integer stride or padding', () => {
    const x1 = randn([1, 3, 5, 5]);
    expectError(() => F.conv2d(x1, w, { stride: NaN }), 'RangeError', /expected an integer in \[1, 2147483647\] for stride, got NaN/);
    expectError(() => F.conv2d(x1, w, { padding: -1 }), 'RangeError', /expected an integer in \[0, 1073741823\] for padding, got -1/);
    expectError(() => F.conv2d(x1, w, { stride: 1.5 }), 'RangeError', /expected an integer in \[1, 2147483647\] for stride, got 1.5/);
    expectError(() => F.conv2d(x1, w, { stride: [1, 2, 3] }), 'RangeError', /expected a number or a pair of numbers for stride, got \[1, 2, 3\]/);
    expectError(() => F.conv2d(x1, w, { stride: '2' as never }), 'TypeError', /expected a number or a pair of numbers for stride, got '2'/);
  });
  test('bad module arguments', () => {
    expectError(() => new nn.Conv2d(0, 4, 3), 'RangeError', /^Conv2d: expected an integer in \[1, 2147483647\] for inChannels, got 0/);
    expectError(() => new nn.Conv2d(3, 4, 0), 'RangeError', /^Conv2d: expected an integer in \[1, 2147483647\] for kernelSize, got 0/);
    expectError(() => new nn.Conv2d(3, 4, 3, { bias: 1 as never }), 'TypeError', /expected a boolean for bias, got 1/);
  });
  test('the native binding checks buffer lengths (the backstop)', () => {
    const k = native as unknown as { conv2dForward: (...a: unknown[]) => void };
    const out = new Float32Array(4 * 9);
    expectError(
      () => k.conv2dForward(out, new Float32Array(10), new Float32Array(4 * 27), null, 1, 3, 5, 5, 4, 3, 3, 1, 1, 0, 0),
      'RangeError',
      /conv2dForward: expected inp to hold 75 elements, got 10/,
    );
    expectError(
      () => k.conv2dForward(out, new Float32Array(75), new Float32Array(4 * 27), null, 1, 3, 5, 5, 4, 7, 7, 1, 1, 0, 0),
      'RangeError',
      /conv2dForward: expected a kernel that fits the padded input along H/,
    );
  });
});

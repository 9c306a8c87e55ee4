// Regression tests for what the fuzz tests (api.test.ts, native.test.ts) found, one per bug,
// each with the case that showed it. Before the fixes these calls crashed a service (a 16 GB
// fill), lost data silently (a partial copy), returned garbage, or threw errors that did not
// say which argument was wrong.
import { Tensor, arange, eye, tensor, randn, rand, nn, optim, data, save, load, zeros } from '../../lib';
import { expectClose, expectError, gradCheck } from '../helpers';
import { native as nativeBindings } from '../../lib/native';
import { filled as filledSin } from './kinds';
import { detachedF32 } from './values';

/** A tensor whose data was replaced after construction (`data` is the live, assignable buffer). */
function broken(shape: number[], data: unknown): Tensor {
  const t = zeros(shape);
  (t as { data: unknown }).data = data;
  return t;
}

describe('broken tensors are rejected by name before any op reads them', () => {
  // Found as: Tensor.neg(Tensor[3, 4] data=Float32Array(11)) threw "Tensor: expected data of
  // length 12 for shape [3, 4], got 11" (no argument named); linear(...) with detached data
  // reached the native backstop as "linearForward: expected a Float32Array for inp"; init.eye
  // on a detached tensor threw "Cannot perform %TypedArray%.prototype.fill on a detached ArrayBuffer".
  const cases: [string, (t: Tensor) => unknown][] = [
    ['Tensor.neg', (t) => t.neg()],
    ['Tensor.add', (t) => t.add(1)],
    ['Tensor.matmul', (t) => t.matmul(zeros([3, 2]))],
    ['Tensor.sum', (t) => t.sum()],
    ['Tensor.max', (t) => t.max(0)],
    ['Tensor.reshape', (t) => t.reshape([-1])],
    ['Tensor.clone', (t) => t.clone()],
    ['Tensor.item', (t) => t.item()],
    ['Tensor.toArray', (t) => t.toArray()],
    ['linear', (t) => nn.functional.linear(t, zeros([2, 3]))],
    ['init.eye', (t) => nn.init.eye(t)],
    ['init.uniform', (t) => nn.init.uniform(t)],
  ];
  test.each(cases)('%s: one short, one long, detached, Float64Array', (where, op) => {
    const name = where.startsWith('init.') ? 'tensor' : 'input';
    const what = `expected a Tensor whose data is a Float32Array of 6 elements \\(its shape \\[2, 3\\]\\) for ${name}`;
    expectError(() => op(broken([2, 3], new Float32Array(5))), 'RangeError', new RegExp(`^${where}: ${what}, got Float32Array\\(5\\) as data$`));
    expectError(() => op(broken([2, 3], new Float32Array(7))), 'RangeError', new RegExp(`${what}, got Float32Array\\(7\\)`));
    expectError(() => op(broken([2, 3], detachedF32(6))), 'TypeError', new RegExp(`${what}, got a detached Float32Array as data`));
    expectError(() => op(broken([2, 3], new Float64Array(6))), 'TypeError', new RegExp(`${what}, got Float64Array\\(6\\) as data`));
  });

  test('the other operand and the gradient are checked too', () => {
    expectError(() => zeros([2, 3]).mul(broken([2, 3], new Float32Array(2))), 'RangeError', /Tensor.mul: .* for other, got Float32Array\(2\) as data/);
    const x = zeros([2]).requiresGrad_();
    expectError(() => x.mul(2).backward(broken([2], detachedF32(2))), 'TypeError', /Tensor.backward: .* for grad, got a detached Float32Array/);
    // Found as: Tensor.backward(Tensor[1, 2], 'abc') blamed 'values' (of the tensor() it was passed to).
    expectError(() => x.mul(2).backward('abc' as never), 'TypeError', /Tensor.backward: expected a Tensor, a number, nested arrays or a Float32Array for grad, got 'abc'/);
  });
});

test('Module.loadStateDict no longer copies a short tensor partially (silently) or overflows on a long one', () => {
  // Found as: loadStateDict({ ..., '0.bias': Tensor[4] data=Float32Array(5) }) threw
  // "offset is out of bounds"; with Float32Array(3) it copied 3 values and left the 4th.
  const model = new nn.Sequential(new nn.Linear(3, 4));
  const before = model.stateDict()['0.bias'].data.slice();
  const sd = new nn.Sequential(new nn.Linear(3, 4)).stateDict();
  (sd['0.bias'] as { data: unknown }).data = new Float32Array(3).fill(9);
  expectError(() => model.loadStateDict(sd), 'RangeError', /Sequential.loadStateDict: .* for stateDict\['0.bias'\], got Float32Array\(3\) as data/);
  expect(Array.from(model.stateDict()['0.bias'].data)).toEqual(Array.from(before));
  (sd['0.bias'] as { data: unknown }).data = new Float32Array(5);
  expectError(() => model.loadStateDict(sd), 'RangeError', /for stateDict\['0.bias'\], got Float32Array\(5\) as data/);
  // Found as: loadStateDict(sd, 'abc') was accepted; the missing-keys message did not name stateDict.
  expectError(() => model.loadStateDict(model.stateDict(), 'abc' as never), 'TypeError', /expected an options object for options, got 'abc'/);
  expectError(() => model.loadStateDict({}), 'RangeError', /expected this module's keys and shapes for stateDict, got missing keys: 0.weight, 0.bias/);
});

test('nn.Linear bounds its weight before allocating it', () => {
  // Found as: new Linear(65536, 65536) passed (each size <= 2^31 - 1) and allocated and
  // filled a 16 GB weight, which takes a service down.
  expectError(() => new nn.Linear(65536, 65536), 'RangeError', /^Linear: expected at most 2147483647 elements for weight shape \[outFeatures, inFeatures\], got \[65536, 65536\]/);
  expect(new nn.Linear(65536, 2).weight.shape).toEqual([2, 65536]);
});

test('the Tensor constructor checks its shape and requiresGrad', () => {
  // Found as: new Tensor(data, 'abc') threw "shape.join is not a function"; requiresGrad 'abc' was kept.
  expectError(() => new Tensor(new Float32Array(2), 'abc' as never), 'TypeError', /^Tensor: expected an array of sizes for shape, got 'abc'/);
  expectError(() => new Tensor(new Float32Array(2), [1.5] as never), 'RangeError', /^Tensor: expected non-negative integer sizes of at most 2147483647 for shape, got \[1.5\]/);
  expectError(() => new Tensor(new Float32Array(2), [2], 'abc' as never), 'TypeError', /^Tensor: expected a boolean for requiresGrad, got 'abc'/);
  expectError(() => new Tensor(detachedF32(2), [2]), 'RangeError', /^Tensor: expected length 2 \(shape \[2\]\) for data, got a detached Float32Array/);
});

test('shapes bound each size, and toArray refuses to build billions of empty arrays', () => {
  // Found while hardening load against hostile files: [2^40, 0] has no elements (so passed the
  // element bound), and toArray of [2^31 - 1, 0] would build 2^31 empty arrays, a fatal V8 heap
  // exhaustion rather than an exception.
  expectError(() => zeros([2 ** 40, 0]), 'RangeError', /^zeros: expected sizes of at most 2147483647 for shape, got \[1099511627776, 0\]/);
  expectError(() => zeros([2 ** 31 - 1, 0]).toArray(), 'RangeError', /^Tensor.toArray: expected at most 16777216 nested arrays for input, got shape \[2147483647, 0\]/);
  expect(zeros([3, 0]).toArray()).toEqual([[], [], []]);
  expect(zeros([2 ** 24 + 1]).toArray()).toHaveLength(2 ** 24 + 1);
});

test('factories: a detached source, options that are not objects, arguments named', () => {
  // Found as: tensor(detached Float32Array) returned an empty tensor.
  expectError(() => tensor(detachedF32(4)), 'TypeError', /^tensor: expected .* for values, got a detached Float32Array/);
  // Found as: tensor([[1, 2], [3]]) did not name values.
  expectError(() => tensor([[1, 2], [3]]), 'RangeError', /^tensor: expected a rectangular nested array of shape \[2, 2\] for values, got a ragged one/);
  // Found as: randn([2], null) threw "Cannot read properties of null"; randn([2], 'abc') was accepted.
  expectError(() => randn([2], null as never), 'TypeError', /^randn: expected an options object for options, got null/);
  expectError(() => rand([2], 'abc' as never), 'TypeError', /^rand: expected an options object for options, got 'abc'/);
  expectError(() => randn([2], { requiresGrad: 1 as never }), 'TypeError', /^randn: expected a boolean for requiresGrad, got 1/);
  // Found as: eye(5, 1e308) blamed 'shape', which eye does not take.
  expectError(() => eye(5, 1e308), 'RangeError', /^eye: expected an integer in \[0, 2147483647\] for m, got 1e\+308/);
  expectError(() => eye(65536, 65536), 'RangeError', /^eye: expected at most 2147483647 elements for shape \[n, m\]/);
});

test('messages name the argument: broadcasting, matmul, permute, keepDim', () => {
  // Found as: "Tensor.mul: shapes [2] and [2, 3] cannot be broadcast together" (which is which?).
  expectError(() => zeros([2]).mul(zeros([2, 3])), 'RangeError', /^Tensor.mul: expected shapes that broadcast together for input and other, got \[2\] and \[2, 3\]$/);
  expectError(() => zeros([2, 3]).matmul(zeros([2, 3])), 'RangeError', /^Tensor.matmul: expected shapes that can be multiplied for input and other, got \[2, 3\] and \[2, 3\] \(3 != 2\)$/);
  expectError(() => zeros([2, 3]).matmul(tensor(1)), 'RangeError', /^Tensor.matmul: expected at least 1 dimension each for input and other, got \[2, 3\] and \[\]$/);
  expectError(() => zeros([4, 1]).permute([1, 2]), 'RangeError', /^Tensor.permute: expected an integer in \[-2, 1\] for dims\[1\], got 2/);
  // Found as: sum(0, 'abc') and max(0, 'abc') were accepted (as keepDim = true).
  expectError(() => zeros([2]).sum(0, 'abc' as never), 'TypeError', /^Tensor.sum: expected a boolean for keepDim, got 'abc'/);
  expectError(() => zeros([2]).argmax(0, 'abc' as never), 'TypeError', /^Tensor.argmax: expected a boolean for keepDim, got 'abc'/);
});

test('layers and init check their arguments when constructed', () => {
  // Found as: new Softmax('abc') was accepted and failed at forward; calculateGain('relu', 'abc') and
  // new Parameter(t, 'abc') were accepted; Buffer(t, undefined, 'abc') too.
  expectError(() => new nn.Softmax('abc' as never), 'TypeError', /^Softmax: expected an integer for dim, got 'abc'/);
  expectError(() => nn.init.calculateGain('relu', 'abc' as never), 'TypeError', /^calculateGain: expected a number \(the negative slope\) for param, got 'abc'/);
  expectError(() => new nn.Parameter(zeros([2]), 'abc' as never), 'TypeError', /^Parameter: expected a boolean for requiresGrad, got 'abc'/);
  expectError(() => new nn.Buffer(zeros([2]), undefined, 'abc' as never), 'TypeError', /^Buffer: expected an options object for options, got 'abc'/);
  expectError(() => new nn.Buffer(zeros([2]), [3]), 'TypeError', /^Buffer: expected no shape or the Tensor's own \[2\] for shape, got \[3\]/);
  // Found as: init.inspect(model, 'abc') failed inside the model ("Linear.forward: ... for input").
  expectError(() => nn.init.inspect(new nn.Linear(3, 2), 'abc' as never), 'TypeError', /^init.inspect: expected a Tensor for sampleInput, got 'abc'/);
  // Found as: init.inspect(a Sequential, [], undefined) failed inside the model ("Linear.forward: ... got undefined").
  expectError(() => nn.init.inspect(new nn.Linear(3, 2), []), 'TypeError', /^init.inspect: expected a Tensor or a non-empty array of Tensors for sampleInput, got \[\]$/);
});

test('optimisers: state dicts with broken state are rejected when loaded, by name', () => {
  const make = () => {
    const m = new nn.Linear(3, 2);
    for (const p of m.parameters()) p.grad = zeros(p.shape);
    const opt = new optim.Adam(m.parameters());
    opt.step();
    return opt;
  };
  const sd = make().stateDict();
  // Found as: a detached exp_avg threw "Cannot perform %TypedArray%.prototype.slice on a detached ArrayBuffer".
  const bad = { ...sd, state: { ...sd.state, 0: { ...sd.state[0], exp_avg: broken([2, 3], detachedF32(6)) } } };
  expectError(() => make().loadStateDict(bad), 'TypeError', /^Adam.loadStateDict: .* for state\[0\].exp_avg, got a detached Float32Array as data/);
  // Found as: a NaN step loaded, then failed in the native step as "adamStep: ... for step".
  const nanStep = { ...sd, state: { ...sd.state, 0: { ...sd.state[0], step: tensor(NaN) } } };
  expectError(() => make().loadStateDict(nanStep), 'RangeError', /^Adam.loadStateDict: expected a one-element Tensor holding a step count for state\[0\].step, got NaN/);
  // Found as: zeroGrad(null) threw "Cannot read properties of null"; zeroGrad('abc') was accepted.
  expectError(() => make().zeroGrad(null as never), 'TypeError', /^Adam.zeroGrad: expected an options object for options, got null/);
  // Found as: paramGroupsWithDecay([1]) blamed 'parameter 0', which is no argument.
  expectError(() => optim.paramGroupsWithDecay([1] as never, 0.1), 'TypeError', /^paramGroupsWithDecay: expected a Tensor for model\[0\], got 1/);
});

test('save and load reject a path with a NUL byte in their own words', async () => {
  // Found as: Node's own TypeError, which names 'path' (not kiln's argument, file).
  await expect(save({ w: zeros([1]) }, 'a\0b')).rejects.toMatchObject({ name: 'TypeError', message: expect.stringMatching(/^save: expected a file path without NUL bytes for file/) });
  await expect(load('a\0b')).rejects.toMatchObject({ name: 'TypeError', message: expect.stringMatching(/^load: expected a file path without NUL bytes for file/) });
});

test('DataLoader names the sample whose shape differs; arange names all three of its numbers', () => {
  // Found as: "... got x [2], y [] at index 1" (no argument named); arange(-1e308, 2) blamed end.
  const ragged = { length: 3, get: (i: number): [Tensor, Tensor] => [zeros([i + 1]), zeros([])] };
  expectError(() => [...new data.DataLoader(ragged, { batchSize: 3 })], 'RangeError', /for dataset.get\(1\), got x \[2\], y \[\]$/);
  expectError(() => arange(-1e308, 2), 'RangeError', /^arange: expected at most 2\^31-1 elements for \(start, end, step\), got \(-1e\+308, 2, 1\)/);
});

describe('normalisation, convolution and pooling (found when their bindings and layers joined the tables)', () => {
  const F = nn.functional;
  const native = nativeBindings as unknown as Record<string, (...a: unknown[]) => void>;

  test('Tensor.relu names a broken input before the native kernel sees it', () => {
    // Found as: Tensor.relu(Tensor[4] data=Float32Array(5)) threw "Tensor: expected data of length
    // 4 ..." and a detached one "reluForward: expected a Float32Array for inp, got a detached buffer".
    expectError(() => broken([4], new Float32Array(5)).relu(), 'RangeError', /^Tensor.relu: .* for input, got Float32Array\(5\) as data/);
    expectError(() => broken([4], detachedF32(4)).relu(), 'TypeError', /^Tensor.relu: .* for input, got a detached Float32Array as data/);
  });

  test('layer and RMS norm with no rows do not allocate by an unbacked D', () => {
    // Found as: rmsNormForward(Float32Array(0), Float32Array(0), Float32Array(0), null, 0, 2^31-1, eps)
    // took 10 s and 8 GB filling a stand-in weight of ones of D floats (a crash where memory is short).
    // Judged by memory, not time (a slow machine must not fail it): the process's peak RSS
    // (getrusage's maxrss, KiB) may not rise by anything like the GBs those tables take.
    const peakBefore = process.resourceUsage().maxRSS;
    const e = new Float32Array(0);
    native.rmsNormForward(e, e, e, null, 0, 2 ** 31 - 1, 1e-5);
    native.rmsNormBackward(null, null, e, e, null, e, 0, 2 ** 31 - 1);
    native.layerNormForward(e, e, e, e, null, null, 0, 2 ** 31 - 1, 1e-5);
    native.layerNormBackward(null, null, null, e, e, null, e, e, 0, 2 ** 31 - 1);
    // Found as: avgPool2dForward(..., P = 0, H = 1, W = 2^31-1, ...) took 13 s sizing a per-column table.
    native.avgPool2dForward(e, e, 0, 1, 2 ** 31 - 1, 4, 1, 3, 1, 2, 0, true);
    native.avgPool2dBackward(e, e, 0, 1, 2 ** 31 - 1, 4, 1, 3, 1, 2, 0, true);
    native.adaptiveAvgPool2dForward(e, e, 0, 1, 2 ** 31 - 1, 1, 3);
    expect((process.resourceUsage().maxRSS - peakBefore) * 1024).toBeLessThan(256 * 2 ** 20);
  });

  test('conv2d on an input with fewer rows than the kernel reaches past its padding (it crashed)', () => {
    // Found as: conv2d(Tensor[3, 3, 1, 4], Tensor[1, 3, 3, 3], { padding: 1 }) killed the process
    // (SIGSEGV): for kernel rows that read only padding, im2col's flat path cleared cols from a
    // start past the row's end, a negative length. Checked against the direct sum.
    const x = filledSin([3, 3, 1, 4], 1).requiresGrad_();
    const w = filledSin([1, 3, 3, 3], 2).requiresGrad_();
    const y = F.conv2d(x, w, { padding: 1 });
    expect(y.shape).toEqual([3, 1, 1, 4]);
    const want = new Float32Array(12);
    for (let n = 0; n < 3; n++)
      for (let ow = 0; ow < 4; ow++)
        for (let c = 0; c < 3; c++)
          for (let kw = 0; kw < 3; kw++) {
            const iw = ow - 1 + kw;
            if (iw >= 0 && iw < 4) want[n * 4 + ow] += x.data[(n * 3 + c) * 4 + iw] * w.data[(c * 3 + 1) * 3 + kw];
          }
    expectClose(y.data, want, { atol: 1e-5 });
    gradCheck((a, b) => F.conv2d(a, b, { padding: 1 }), [x, w]);
    // And a padding wider than the row (PW >= W), where the flat range would start before the plane.
    gradCheck((a, b) => F.conv2d(a, b, { padding: [1, 2] }), [filledSin([1, 2, 2, 1], 3).requiresGrad_(), filledSin([2, 2, 3, 5], 4).requiresGrad_()]);
  });

  test('conv2d of an empty input (H or W = 0) reads only padding: zeros, with no pointer formed off its null data', () => {
    // Found under UBSan as: conv2dForward(out(4), inp(0), weight(6), null, N 2, C 1, H 0, W 2, OC 1,
    // 2, 3, 1, 1, 1, 1) "applying non-zero offset to null pointer" in im2col (and with W = 0).
    // H = 0 with a "same"-width kernel takes im2col's flat path; W = 0 its row-by-row path.
    for (const [shape, kernel] of [[[2, 1, 0, 2], [1, 1, 2, 3]], [[2, 1, 3, 0], [1, 1, 2, 2]]]) {
      const x = zeros(shape).requiresGrad_();
      const w = filledSin(kernel, 1).requiresGrad_();
      const y = F.conv2d(x, w, { padding: 1 });
      expect(y.numel).toBeGreaterThan(0);
      expect(Array.from(y.data)).toEqual(new Array(y.numel).fill(0));
      y.sum().backward();
      expect(Array.from(w.grad!.data)).toEqual(new Array(w.numel).fill(0));
    }
  });

  test('pooling windows far wider than the input run without gigabytes of scratch (it crashed)', () => {
    // Found as: maxPool2dForward(out(1), argmax(1), inp(1), P 1, H 1, W 1, KH 1, KW 2^31-1, SH 1,
    // SW 1, PH 0, PW 2^30-1) segfaulted: the padded-row length overflowed int. Such windows now
    // take the direct loops; the same public call is refused by name first.
    const out = new Float32Array(1);
    const arg = new Int32Array(1);
    native.maxPool2dForward(out, arg, Float32Array.of(3), 1, 1, 1, 1, 2 ** 31 - 1, 1, 1, 0, 2 ** 30 - 1);
    expect([out[0], arg[0]]).toEqual([3, 0]);
    native.avgPool2dForward(out, Float32Array.of(3), 1, 1, 1, 1, 2 ** 31 - 1, 1, 2 ** 31 - 1, 0, 2 ** 30 - 1, false);
    expect(out[0]).toBe(3);
    expectError(() => F.maxPool2d(zeros([1, 1, 1, 1]), [1, 2 ** 31 - 1], { padding: [0, 2 ** 30] }), 'RangeError', /^maxPool2d: expected an integer in \[0, 1073741823\] for padding, got 1073741824/);
    // The direct path agrees with the closed form: a 2x2 input under a 5x5 window padded by 2
    // (padding wider than the input): every window holds the whole input.
    const x = tensor([[[[1, 4], [3, 2]]]], { requiresGrad: true });
    const m = F.maxPool2d(x, 5, { stride: 1, padding: 2 });
    expect(Array.from(m.data)).toEqual([4, 4, 4, 4]);
    m.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 4, 0, 0]);
    expectClose(F.avgPool2d(x, 5, { stride: 1, padding: 2, countIncludePad: false }).data, new Float32Array(4).fill(2.5));
    expectClose(F.avgPool2d(x, 5, { stride: 1, padding: 2 }).data, new Float32Array(4).fill(10 / 25));
    gradCheck((a) => F.avgPool2d(a, [3, 5], { stride: [1, 4], padding: [1, 2] }), [filledSin([1, 2, 2, 1], 5).requiresGrad_()]);
    gradCheck((a) => F.avgPool2d(a, 1, { stride: 4 }), [filledSin([1, 1, 3, 3], 6).requiresGrad_()]); // stride wider than the row
  });

  test('window arguments past the native limits are refused by name', () => {
    // Found as: maxPool2d(x, [1, 2^31]) blamed "the kernel" (no argument); new Conv2d(2, 3, 2^31)
    // and padding 1 for kernel [1, 2] named neither kernelSize; adaptiveAvgPool2d(x, 2^30) threw
    // V8's "Invalid typed array length: 6917529027641082000".
    const x = zeros([1, 3, 3, 4]);
    expectError(() => F.maxPool2d(x, [1, 2 ** 31]), 'RangeError', /^maxPool2d: expected an integer in \[1, 2147483647\] for kernelSize, got 2147483648/);
    expectError(() => F.avgPool2d(x, [1, 5]), 'RangeError', /^avgPool2d: expected the kernel to fit the padded input for kernelSize, got input size \(3, 4\), kernel \(1, 5\)/);
    expectError(() => F.conv2d(x, zeros([1, 3, 1, 5])), 'RangeError', /^conv2d: expected the kernel to fit the padded input for weight, got/);
    expectError(() => new nn.MaxPool2d([1, 2], { padding: 1 }), 'RangeError', /^MaxPool2d: expected at most half the kernelSize \(1, 2\) for padding, got \(1, 1\)/);
    expectError(() => new nn.Conv2d(2, 3, 2 ** 31 - 1), 'RangeError', /^Conv2d: expected a weight of at most 2\^31-1 elements for \(outChannels, inChannels, kernelSize\), got \[3, 2, 2147483647, 2147483647\]/);
    expectError(() => F.adaptiveAvgPool2d(x, 2 ** 30), 'RangeError', /^adaptiveAvgPool2d: expected at most 2\^31-1 elements for the output of input \[1, 3, 3, 4\] and outputSize \(1073741824, 1073741824\), got \[1, 3, 1073741824, 1073741824\]$/);
    expectError(() => F.conv2d(zeros([1, 1, 1, 1]), zeros([1, 1, 1, 1]), { padding: 2 ** 30 - 1 }), 'RangeError', /^conv2d: expected at most 2\^31-1 elements for the output of input .* padding \(1073741823, 1073741823\), got \[/);
  });

  test('Unflatten.forward blames the input whose rank or size does not fit, not its own dim', () => {
    // Found as: Unflatten(1, [2, 3]).forward(Tensor[4]) threw "expected an integer in [-1, 0] for dim, got 1".
    expectError(() => new nn.Unflatten(1, [2, 3]).forward(zeros([4])), 'RangeError', /^Unflatten.forward: expected a dimension 1 \(dim\) for input, got \[4\]/);
    expectError(() => new nn.Unflatten(1, [2, 3]).forward(zeros([4, 2])), 'RangeError', /^Unflatten.forward: expected dimension 1 of size 6 \(\[2, 3\]\) for input, got \[4, 2\]/);
  });

  test('init.xavierUniform names a gain so large that the bound overflows', () => {
    // Found as: init.xavierUniform(Tensor[0, 1], { gain: 1e308 }) failed in the generator as
    // "randomUniform: expected a finite number for low, got -inf".
    expectError(() => nn.init.xavierUniform(zeros([0, 1]), { gain: 1e308 }), 'RangeError', /^init.xavierUniform: expected a gain for which .* is finite for gain, got 1e\+308/);
  });
});

describe('save of a detached tensor', () => {
  test('is a TypeError naming the entry, not V8 failing to construct a view', async () => {
    const { zeros, save } = await import('../../lib');
    const t = zeros([3]);
    structuredClone(t.data.buffer, { transfer: [t.data.buffer as ArrayBuffer] });
    await expect(save({ a: t }, '/tmp/kiln-detached.safetensors')).rejects.toMatchObject({ name: 'TypeError', message: expect.stringMatching(/stateDict\['a'\].*detached/) });
  });
});

// Regression tests for what the fuzz tests (api.test.ts, native.test.ts) found, one per bug,
// each with the case that showed it. Before the fixes these calls crashed a service (a 16 GB
// fill), lost data silently (a partial copy), returned garbage, or threw errors that did not
// say which argument was wrong.
import { Tensor, arange, eye, tensor, randn, rand, nn, optim, data, save, load, zeros } from '../../lib';
import { expectError } from '../helpers';
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
  expectError(() => new Tensor(detachedF32(2), [2]), 'RangeError', /^Tensor: expected data of length 2 for shape \[2\], got a detached Float32Array/);
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
  expectError(() => zeros([2]).mul(zeros([2, 3])), 'RangeError', /^Tensor.mul: shapes \[2\] \(input\) and \[2, 3\] \(other\) cannot be broadcast together/);
  expectError(() => zeros([2, 3]).matmul(zeros([2, 3])), 'RangeError', /^Tensor.matmul: shapes \[2, 3\] \(input\) and \[2, 3\] \(other\) cannot be multiplied \(3 != 2\)/);
  expectError(() => zeros([2, 3]).matmul(tensor(1)), 'RangeError', /^Tensor.matmul: expected input and other with at least 1 dimension each/);
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

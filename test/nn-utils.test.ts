// nn.utils.clipGradValue, parametersToVector and vectorToParameters against torch.nn.utils
// (test/fixtures/gen_losses2.py, section utils).
import { Tensor, tensor, nn, zeros } from '../lib';
import { expectClose, expectError, loadFixture } from './helpers';

interface T {
  shape: number[];
  data: number[];
}
interface ClipCase {
  clip: number;
  params: T[];
  grads_before: (T | null)[];
  grads_after: (T | null)[];
}
interface VectorCase {
  params: T[];
  vec: T;
  w: T;
  grads: T[];
  new_vec: T;
  moved: T[];
}
const utils = loadFixture<{ utils: Record<string, ClipCase | VectorCase> }>('losses2').utils;
const t = (x: T, requiresGrad = false) => tensor(new Float32Array(x.data), { shape: x.shape, requiresGrad });

describe('clipGradValue (torch.nn.utils.clip_grad_value_)', () => {
  for (const name of ['clip_value_0.5', 'clip_value_1.0', 'clip_value_0.0']) {
    test(name, () => {
      const c = utils[name] as ClipCase;
      const params = c.params.map((p) => t(p, true));
      params.forEach((p, i) => {
        p.grad = c.grads_before[i] ? t(c.grads_before[i]!) : null;
      });
      const before = params.map((p) => Array.from(p.data));
      expect(nn.utils.clipGradValue(params, c.clip)).toBeUndefined(); // clip_grad_value_(params, clip)
      params.forEach((p, i) => {
        if (c.grads_after[i] === null) expect(p.grad).toBeNull();
        else expectClose(p.grad!, c.grads_after[i]!.data, { atol: 0, rtol: 0, label: `${name} grad ${i}` });
        expect(Array.from(p.data)).toEqual(before[i]); // only the gradients change
      });
    });
  }
  test('clips in place, takes one Tensor or any iterable, keeps NaN, Infinity changes nothing', () => {
    const p = tensor([1, 2, 3, 4], { requiresGrad: true });
    p.grad = tensor([5, -5, NaN, 0.25]);
    const g = p.grad.data;
    nn.utils.clipGradValue(p, 1);
    expect(p.grad.data).toBe(g);
    expect(Array.from(g)).toEqual([1, -1, NaN, 0.25]);
    nn.utils.clipGradValue(new Set([p]), Infinity);
    expect(Array.from(g)).toEqual([1, -1, NaN, 0.25]);
    // A model's parameters; the module's own view works the same.
    const m = new nn.Linear(3, 2);
    m.forward(tensor([[100, -100, 50]])).sum().backward();
    nn.utils.clipGradValue(m.parameters(), 0.1);
    for (const q of m.parameters()) for (const v of q.grad!.data) expect(Math.abs(v)).toBeLessThanOrEqual(Math.fround(0.1));
  });
  test('bad input', () => {
    const p = tensor([1], { requiresGrad: true });
    expectError(() => nn.utils.clipGradValue([p], -1), 'RangeError', /clipGradValue: expected a non-negative number for clipValue, got -1/);
    expectError(() => nn.utils.clipGradValue([p], NaN), 'RangeError', /clipGradValue: expected a non-negative number for clipValue, got NaN/);
    expectError(() => nn.utils.clipGradValue([p], '1' as never), 'TypeError', /clipGradValue: expected a number for clipValue, got '1'/);
    expectError(() => nn.utils.clipGradValue([p, 1] as never, 1), 'TypeError', /clipGradValue: expected a Tensor for parameters\[1\], got 1/);
    expectError(() => nn.utils.clipGradValue(3 as never, 1), 'TypeError', /expected a Tensor or an iterable of Tensors for parameters, got 3/);
  });
});

describe('parametersToVector and vectorToParameters (torch.nn.utils)', () => {
  const c = utils['vector'] as VectorCase;
  test('parametersToVector concatenates the flattened parameters; its gradient reaches each one', () => {
    const params = c.params.map((p) => t(p, true));
    const vec = nn.utils.parametersToVector(params); // parameters_to_vector(params)
    expect(vec.shape).toEqual(c.vec.shape);
    expectClose(vec, c.vec.data, { atol: 0, rtol: 0 });
    vec.mul(t(c.w)).sum().backward(); // (vec * w).sum().backward()
    params.forEach((p, i) => expectClose(p.grad!, c.grads[i].data, { atol: 0, rtol: 0, label: `grad ${i}` }));
    // A copy, not a view: changing the vector leaves the parameters alone.
    vec.data[0] = 1234;
    expect(params[0].data[0]).toBe(c.params[0].data[0]);
  });
  test('vectorToParameters copies slices into the parameters in place', () => {
    const params = c.params.map((p) => t(p, true));
    const buffers = params.map((p) => p.data);
    nn.utils.vectorToParameters(t(c.new_vec), params); // vector_to_parameters(new_vec, params)
    params.forEach((p, i) => {
      expect(p.data).toBe(buffers[i]);
      expect(p.shape).toEqual(c.moved[i].shape);
      expectClose(p, c.moved[i].data, { atol: 0, rtol: 0, label: `param ${i}` });
      expect(p.grad).toBeNull();
    });
  });
  test('a round trip through a model, without recording gradients', () => {
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    const x = tensor([[0.5, -1, 2]]);
    const y0 = Array.from((m.forward(x) as Tensor).data);
    const v = nn.utils.parametersToVector(m.parameters());
    expect(v.numel).toBe(3 * 4 + 4 + 4 * 2 + 2);
    expect(v.requiresGrad).toBe(true);
    nn.utils.vectorToParameters(zeros([v.numel]), m.parameters());
    expect(Array.from((m.forward(x) as Tensor).data)).toEqual([0, 0]);
    nn.utils.vectorToParameters(v.mul(1), m.parameters()); // a Tensor that is part of a graph
    expect(Array.from((m.forward(x) as Tensor).data)).toEqual(y0);
    for (const p of m.parameters()) expect(p.grad).toBeNull();
    // vec may be built from the parameters themselves (one shared buffer).
    const only = tensor([1, 2, 3]);
    nn.utils.vectorToParameters(only, [only]);
    expect(Array.from(only.data)).toEqual([1, 2, 3]);
  });
  test('bad input: the length must match, vec must be a 1-D Tensor', () => {
    const ps = [zeros([2, 2]), zeros([3])];
    expectError(() => nn.utils.vectorToParameters(zeros([6]), ps), 'RangeError', /vectorToParameters: expected a 1-D Tensor of shape \[7\] \(the parameters' total numel\) for vec, got \[6\]/);
    expectError(() => nn.utils.vectorToParameters(zeros([8]), ps), 'RangeError', /got \[8\]/);
    expectError(() => nn.utils.vectorToParameters(zeros([1, 7]), ps), 'RangeError', /got \[1, 7\]/);
    expectError(() => nn.utils.vectorToParameters([1, 2] as never, ps), 'TypeError', /vectorToParameters: expected a Tensor for vec/);
    expectError(() => nn.utils.vectorToParameters(zeros([1]), [1] as never), 'TypeError', /expected a Tensor for parameters\[0\], got 1/);
    expectError(() => nn.utils.parametersToVector(null as never), 'TypeError', /parametersToVector: expected a Tensor or an iterable of Tensors for parameters, got null/);
    expect(nn.utils.parametersToVector([]).shape).toEqual([0]);
  });
});

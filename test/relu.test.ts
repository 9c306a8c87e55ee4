// The native relu kernel (native/kernels/activation.cc): PyTorch's special-value semantics,
// thread independence and the binding's checks. Values against PyTorch and finite differences
// are in ops.test.ts.
import { tensor, randn, Generator } from '../lib';
import { native } from '../lib/native';
import { expectClose, expectError, expectSameOnTwoThreads } from './helpers';

describe('relu', () => {
  test('NaN and infinities as PyTorch', () => {
    // x = torch.tensor([-1, 0, -0.0, 2, nan, -inf, inf], requires_grad=True); y = x.relu()
    // -> [0, 0, -0, 2, nan, 0, inf]; y.backward(torch.tensor([1., 2, 3, 4, 5, 6, 7]))
    // -> x.grad = [0, 0, 0, 4, 5, 0, 7] (threshold_backward: result <= 0 ? 0 : g)
    const x = tensor([-1, 0, -0, 2, NaN, -Infinity, Infinity], { requiresGrad: true });
    const y = x.relu();
    expect(Array.from(y.data).map(String)).toEqual(['0', '0', '0', '2', 'NaN', '0', 'Infinity']);
    y.backward(tensor([1, 2, 3, 4, 5, 6, 7]));
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 4, 5, 0, 7]);
  });

  test('identical with 1 and 2 threads on a tensor split across threads', () => {
    const run = () => {
      const x = randn([150000], { generator: new Generator(5), requiresGrad: true });
      const y = x.relu();
      y.backward(randn([150000], { generator: new Generator(6) }));
      return [y.data, x.grad!.data];
    };
    expectSameOnTwoThreads(run, { labels: ['out', 'dinput'] });
  });

  test('the binding checks lengths and types (the backstop)', () => {
    const k = native as unknown as { reluForward: (...a: unknown[]) => void; reluBackward: (...a: unknown[]) => void };
    expectError(() => k.reluForward(new Float32Array(3), new Float32Array(4)), 'RangeError', /reluForward: expected out to hold 4 elements, got 3/);
    expectError(() => k.reluBackward(new Float32Array(4), new Float32Array(3), new Float32Array(4)), 'RangeError', /reluBackward: expected dout to hold 4 elements, got 3/);
    expectError(() => k.reluForward(new Float32Array(4), [1, 2, 3, 4]), 'TypeError', /reluForward: expected a Float32Array for inp, got an array/);
  });
});

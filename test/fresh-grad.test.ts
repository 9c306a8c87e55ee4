// The engine's handling of gradients marked with freshGrad (lib/tensor.ts): it may keep them
// uncopied or add into them in place, and must never write into the caller's seed.
import { tensor, nn } from '../lib';
import { fromOp, freshGrad } from '../lib/tensor';
import { expectClose } from './helpers';

const F = nn.functional;

describe('freshGrad and the uncopied seed', () => {
  test("backward(g) on a leaf gives a grad that does not alias g", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const g = tensor([0.5, -1, 2]);
    x.backward(g);
    expect(Array.from(x.grad!.data)).toEqual([0.5, -1, 2]);
    x.grad!.data[0] = 99;
    expect(g.data[0]).toBe(0.5);
  });

  test('the seed is never written, even when its tensor gets two gradients', () => {
    // y feeds z twice: the engine adds y's two gradients, and the seed is z's.
    const x = tensor([[1, 2, 3], [4, 5, 7]], { requiresGrad: true });
    const y = F.layerNorm(x, 3);
    const z = y.add(y);
    const g = tensor([[1, 2, 3], [-1, 0, 1]]);
    z.backward(g);
    expect(Array.from(g.data)).toEqual([1, 2, 3, -1, 0, 1]);
    const x2 = tensor([[1, 2, 3], [4, 5, 7]], { requiresGrad: true });
    F.layerNorm(x2, 3).backward(tensor([[2, 4, 6], [-2, 0, 2]]));
    expectClose(x.grad!, x2.grad!, { label: 'dx of y + y vs 2y' });
  });

  test('a fresh gradient that the engine adds into in place gives the right sum', () => {
    // x reaches the loss through the norm op (fresh dx) and through a mul: both add up.
    const data = [0.3, -1.2, 2.0, 0.7, 1.1, -0.4];
    const x = tensor(data, { shape: [2, 3], requiresGrad: true });
    F.rmsNorm(x, 3).sum().add(x.mul(3).sum()).backward();
    const a = tensor(data, { shape: [2, 3], requiresGrad: true });
    F.rmsNorm(a, 3).sum().backward();
    const expected = Array.from(a.grad!.data, (v) => v + 3);
    expectClose(x.grad!, expected, { label: 'dx' });
  });

  test('one fresh array returned for two inputs is claimed once and copied for the other', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const y = fromOp(new Float32Array([4, 6]), [2], [a, b], 'add', (g) => {
      const shared = freshGrad(Float32Array.from(g));
      return [shared, shared];
    });
    y.backward(tensor([1, 1]));
    expect(Array.from(a.grad!.data)).toEqual([1, 1]);
    expect(Array.from(b.grad!.data)).toEqual([1, 1]);
    expect(a.grad!.data).not.toBe(b.grad!.data);
  });
});

// nn.init.inspect: the seed's sigmoid-saturation example, the statistics it reports checked
// against direct computation, and that it leaves the model as it found it.
import { Tensor, Generator, tensor, rand, randn, nn } from '../lib';
import { main as example } from '../examples/init-inspector';
import { expectError } from './helpers';
import { moments } from './stats';

const { inspect } = nn.init;

describe('the seed example: 784 -> 256 Linear before a Sigmoid, inputs in [0, 1]', () => {
  const g = new Generator(1);
  const x = rand([128, 784], { generator: g });
  const fc = new nn.Linear(784, 256, { generator: g });
  const net = new nn.Sequential(fc, new nn.Sigmoid());

  test('N(0, 1) weights: pre-activations spread wide and most sigmoid outputs saturate', () => {
    nn.init.normal(fc.weight, 0, 1, { generator: g });
    const r = inspect(net, x);
    const [pre, act] = r.layers;
    expect(pre.type).toBe('Linear');
    // std ~ sqrt(784 * E[x^2]) = sqrt(784 / 3) ~ 16 (measured: 15.9 in the example).
    expect(pre.std).toBeGreaterThan(12);
    expect(pre.std).toBeLessThan(20);
    expect(act.type).toBe('Sigmoid');
    expect(act.saturated!).toBeGreaterThan(0.7);
    // On raw 0-255 pixels the same weights give a std in the thousands and ~all saturate.
    const raw = inspect(net, x.mul(255));
    expect(raw.layers[0].std).toBeGreaterThan(2000);
    expect(raw.layers[1].saturated!).toBeGreaterThan(0.99);
  });

  test('xavierUniform: pre-activations centred near zero with std ~1, no saturation', () => {
    nn.init.xavierUniform(fc.weight, { generator: g });
    const [pre, act] = inspect(net, x).layers;
    expect(Math.abs(pre.mean)).toBeLessThan(0.2);
    expect(pre.std).toBeGreaterThan(0.3);
    expect(pre.std).toBeLessThan(1.5);
    expect(act.saturated!).toBeLessThan(0.01);
    expect(act.std).toBeGreaterThan(0.05); // the outputs still vary: the sigmoid's responsive range
  });

  test('examples/init-inspector.ts reproduces it', () => {
    const lines: string[] = [];
    const r = example((s) => lines.push(s));
    expect(r.normal.layers[1].saturated!).toBeGreaterThan(0.7);
    expect(r.rawPixels.layers[1].saturated!).toBeGreaterThan(0.99);
    expect(r.xavier.layers[1].saturated!).toBeLessThan(0.01);
    expect(lines.join('\n')).toMatch(/Sigmoid outputs saturated .*with xavierUniform/);
  });
});

describe('statistics against direct computation', () => {
  test('mean, std, min, max, gradient norms of outputs and parameters', () => {
    const g = new Generator(2);
    const net = new nn.Sequential(new nn.Linear(6, 5, { generator: g }), new nn.Tanh(), new nn.Linear(5, 3, { generator: g }));
    const x = randn([4, 6], { generator: g });
    const r = inspect(net, x);
    expect(r.layers.map((l) => [l.name, l.type])).toEqual([['0', 'Linear'], ['1', 'Tanh'], ['2', 'Linear']]);

    // The same pass by hand.
    const h = (net.get(0) as nn.Linear).forward(x);
    const a = h.tanh();
    const y = (net.get(2) as nn.Linear).forward(a);
    const loss = y.pow(2).mean();
    loss.backward();
    expect(r.loss).toBeCloseTo(loss.item(), 6);
    const m = moments(h.data);
    expect(r.layers[0].mean).toBeCloseTo(m.mean, 6);
    expect(r.layers[0].std).toBeCloseTo(m.std, 6);
    expect(r.layers[0].min).toBe(m.min);
    expect(r.layers[0].max).toBe(m.max);
    expect(r.layers[0].outputShape).toEqual([4, 5]);
    // dL/dy = 2y / numel
    const dy = Math.sqrt(y.data.reduce((s, v) => s + (2 * v / y.numel) ** 2, 0));
    expect(r.layers[2].outputGradNorm!).toBeCloseTo(dy, 6);
    const gnorm = (t: Tensor) => Math.sqrt(t.grad!.data.reduce((s, v) => s + v * v, 0));
    const fc0 = net.get(0) as nn.Linear;
    expect(r.layers[0].params.map((p) => p.name)).toEqual(['weight', 'bias']);
    expect(r.layers[0].params[0].gradNorm!).toBeCloseTo(gnorm(fc0.weight), 6);
    expect(r.layers[0].params[1].gradNorm!).toBeCloseTo(gnorm(fc0.bias!), 6);
    expect(r.layers[0].params[0].std).toBeCloseTo(moments(fc0.weight.data).std, 6);
    expect(r.layers[1].params).toEqual([]);
    // Tanh saturation counts |y| > 0.99; not a ReLU, so no dead counts.
    expect(r.layers[1].saturated).toBe(a.data.filter((v) => Math.abs(v) > 0.99).length / a.numel);
    expect(r.layers[1].dead).toBeNull();
    expect(r.layers[0].saturated).toBeNull();
  });

  test('ReLU: the fraction of exact zeros, and units dead for the whole batch', () => {
    const fc = new nn.Linear(3, 4);
    nn.init.ones(fc.weight);
    fc.bias!.data.set([0, -100, 0, -100]); // units 1 and 3 can never fire on these inputs
    const net = new nn.Sequential(fc, new nn.ReLU());
    const x = tensor([[1, 2, 3], [-1, -2, -3]]);
    const [, relu] = inspect(net, x).layers;
    // row 0: [6, 0, 6, 0]; row 1: [0, 0, 0, 0]
    expect(relu.dead).toBe(6 / 8);
    expect(relu.deadUnits).toBe(2 / 4);
    expect(relu.saturated).toBeNull();
  });

  test('a custom loss', () => {
    const net = new nn.Sequential(new nn.Linear(2, 2));
    const r = inspect(net, tensor([[1, 2]]), { loss: (y) => y.sum() });
    expect(r.layers[0].outputGradNorm).toBeCloseTo(Math.SQRT2, 6); // dL/dy = [1, 1]
  });
});

describe('generic over leaf modules', () => {
  class ToImage extends nn.Module {
    override forward(x: Tensor): Tensor {
      return x.reshape([x.shape[0], 2, 2, 2]);
    }
  }
  class Block extends nn.Module {
    fc = new nn.Linear(4, 8);
    act = new nn.ReLU();
    override forward(x: Tensor): Tensor {
      return this.act.forward(this.fc.forward(x));
    }
  }

  test('nested modules, custom leaves and 4-D outputs; a shared module is reported per call', () => {
    const shared = new nn.Tanh();
    const net = new nn.Sequential(new Block(), new ToImage(), new nn.Flatten(), shared, shared);
    const r = inspect(net, randn([3, 4]));
    expect(r.layers.map((l) => l.name)).toEqual(['0.fc', '0.act', '1', '2', '3', '3#2']);
    expect(r.layers[2].outputShape).toEqual([3, 2, 2, 2]);
    expect(r.layers[2].type).toBe('ToImage');
    expect(r.layers[5].outputGradNorm).not.toBeNull();
  });

  test('a model that is itself a leaf', () => {
    const r = inspect(new nn.Linear(3, 2), randn([5, 3]));
    expect(r.layers).toHaveLength(1);
    expect(r.layers[0].name).toBe('Linear');
  });

  test('an output that does not reach the loss gets no gradient norm', () => {
    class Side extends nn.Module {
      a = new nn.Linear(2, 2);
      b = new nn.Linear(2, 2);
      override forward(x: Tensor): Tensor {
        this.b.forward(x); // computed and dropped
        return this.a.forward(x);
      }
    }
    const r = inspect(new Side(), randn([1, 2]));
    expect(r.layers.find((l) => l.name === 'b')!.outputGradNorm).toBeNull();
    expect(r.layers.find((l) => l.name === 'b')!.params[0].gradNorm).toBeNull();
    expect(r.layers.find((l) => l.name === 'a')!.outputGradNorm).not.toBeNull();
  });
});

describe('leaves the model as it was', () => {
  test('forward methods restored, gradients restored, the input untouched', () => {
    const net = new nn.Sequential(new nn.Linear(3, 3), new nn.Sigmoid());
    const fc = net.get(0) as nn.Linear;
    const earlier = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [3, 3] });
    fc.weight.grad = earlier;
    const x = randn([2, 3], { requiresGrad: true });
    inspect(net, x);
    expect(Object.prototype.hasOwnProperty.call(fc, 'forward')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(net.get(1), 'forward')).toBe(false);
    expect(fc.weight.grad).toBe(earlier);
    expect(fc.bias!.grad).toBeNull();
    expect(x.grad).toBeNull();
    expect(net.forward(x)).toBeInstanceOf(Tensor);
  });

  test('restored even when the loss throws', () => {
    const net = new nn.Sequential(new nn.Linear(2, 2));
    expectError(() => inspect(net, randn([1, 2]), { loss: (y) => y }), 'RangeError', /^init\.inspect: expected a one-element Tensor for the loss, got shape \[1, 2\]$/);
    expect(Object.prototype.hasOwnProperty.call(net.get(0), 'forward')).toBe(false);
  });
});

describe('report', () => {
  test('toString renders a table; print writes it; toJSON is plain data', () => {
    const net = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU());
    const r = inspect(net, randn([2, 4]));
    const s = r.toString();
    const lines = s.split('\n');
    expect(lines[0]).toMatch(/^Initialisation report \(loss [-0-9.e]+\)$/);
    expect(lines[1]).toMatch(/^layer\s+type\s+output\s+mean\s+std\s+min\s+max\s+saturated\s+dead\s+dead units\s+\|dL\/dout\|\s+steps 1\/L\s+\|dL\/dparam\|$/);
    expect(lines[2]).toMatch(/^0\s+Linear\s+\[2, 3\]\s.*weight [-0-9.e]+, bias [-0-9.e]+$/);
    expect(lines[3]).toMatch(/^1\s+ReLU\s+\[2, 3\]\s.*%/);
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    r.print();
    expect(spy).toHaveBeenCalledWith(s);
    spy.mockRestore();
    const plain = JSON.parse(JSON.stringify(r));
    expect(plain.layers).toHaveLength(2);
    expect(plain.layers[0].params[0].name).toBe('weight');
  });

  test('errors', () => {
    expectError(() => inspect({} as never, randn([1])), 'TypeError', /^init\.inspect: expected a Module for model, got an object$/);
    expectError(() => inspect(new nn.Linear(2, 2), randn([1, 2]), 3 as never), 'TypeError', /expected an options object for options, got 3/);
    expectError(() => inspect(new nn.Linear(2, 2), randn([1, 2]), { loss: 'mse' as never }), 'TypeError', /expected a function for loss, got 'mse'/);
    class Pair extends nn.Module {
      override forward(x: Tensor): unknown {
        return [x.shape, 'x'];
      }
    }
    expectError(() => inspect(new Pair(), randn([1])), 'TypeError', /expected a model whose output is a Tensor or an array holding one for model, got an array/);
  });
});

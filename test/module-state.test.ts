// Module state that PyTorch's own tests check (issue 10, item 6): BatchNorm reads
// track_running_stats at forward time, and a registered buffer stays a buffer whatever
// tensor (or None) is assigned to it (torch/nn/modules/module.py, Module.__setattr__).
import { tensor, randn, nn, Generator, Tensor } from '../lib';
import { expectClose, expectError } from './helpers';

describe('BatchNorm: trackRunningStats set after construction', () => {
  // bn = nn.BatchNorm1d(2); bn(x); bn.track_running_stats = False; bn(x2)
  // -> running_mean and num_batches_tracked unchanged by the second batch (_BatchNorm.forward)
  test('tracking turned off: training leaves the running statistics and the counter alone, evaluation uses them', () => {
    const bn = new nn.BatchNorm1d(2);
    bn.forward(randn([4, 2], { generator: new Generator(1) }));
    const mean = Array.from(bn.runningMean!.data);
    const variance = Array.from(bn.runningVar!.data);
    bn.trackRunningStats = false;
    const x = randn([4, 2], { generator: new Generator(2) }).mul(3).add(1);
    const y = bn.forward(x);
    expect(Array.from(bn.runningMean!.data)).toEqual(mean);
    expect(Array.from(bn.runningVar!.data)).toEqual(variance);
    expect(bn.numBatchesTracked!.data[0]).toBe(1);
    // Still normalised by the batch's own statistics: each column has mean 0.
    const colMean = y.mean(0);
    expectClose(colMean.data, new Float32Array(2), { atol: 1e-5 });
    // bn.eval() with track_running_stats False but buffers present: bn_training = False,
    // so the running statistics normalise: y = (x - running_mean) / sqrt(running_var + eps).
    bn.eval();
    const xe = tensor([[1, 2], [3, 4]]);
    const ye = bn.forward(xe);
    const rm = bn.runningMean!.data;
    const rv = bn.runningVar!.data;
    const want = new Float32Array(4).map((_, i) => (xe.data[i] - rm[i % 2]) / Math.sqrt(rv[i % 2] + 1e-5));
    expectClose(ye.data, want, { atol: 1e-5 });
  });

  test('turning tracking back on resumes the updates', () => {
    const bn = new nn.BatchNorm1d(2, { momentum: null });
    bn.trackRunningStats = false;
    bn.forward(randn([4, 2], { generator: new Generator(4) }));
    expect(bn.numBatchesTracked!.data[0]).toBe(0);
    bn.trackRunningStats = true;
    const x = randn([4, 2], { generator: new Generator(5) });
    bn.forward(x);
    expect(bn.numBatchesTracked!.data[0]).toBe(1);
    // Cumulative average after one batch: the batch mean itself.
    expectClose(bn.runningMean!.data, x.mean(0).data, { atol: 1e-5 });
  });
});

describe('Module: registered buffers stay buffers on assignment', () => {
  // bn.num_batches_tracked = torch.tensor(7) -> still in state_dict(), value 7
  test('a Tensor assigned to numBatchesTracked stays in stateDict and namedBuffers', () => {
    const bn = new nn.BatchNorm1d(2);
    const t = tensor(7);
    bn.numBatchesTracked = t as never;
    const sd = bn.stateDict();
    expect(Object.keys(sd)).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(sd.num_batches_tracked.data[0]).toBe(7);
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.numBatchesTracked).toBe(t);
    // And it is the tensor training counts in.
    bn.forward(randn([4, 2]));
    expect(t.data[0]).toBe(8);
  });

  // bn.num_batches_tracked = None -> left out of state_dict(), but still a registered buffer name
  test('null keeps the name registered and out of stateDict; a Tensor brings it back', () => {
    const bn = new nn.BatchNorm1d(2);
    bn.runningVar = null;
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'num_batches_tracked']);
    bn.runningVar = tensor([2, 2]) as never;
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  });

  test('a user module: a Tensor replacing a non-persistent Buffer stays non-persistent', () => {
    class Net extends nn.Module {
      scale: Tensor = new nn.Buffer(tensor([1, 2]), undefined, { persistent: false });
      shift: Tensor = new nn.Buffer(tensor([3]));
    }
    const net = new Net();
    net.scale = tensor([5, 6]);
    net.shift = tensor([4]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['scale', 'shift']);
    expect(Object.keys(net.stateDict())).toEqual(['shift']);
    expect(net.stateDict().shift.data[0]).toBe(4);
  });

  // bn.running_mean = 5 -> TypeError: cannot assign 'int' as buffer 'running_mean' (torch.Tensor or None expected)
  test('a non-tensor assigned to a buffer name is a TypeError naming it', () => {
    const bn = new nn.BatchNorm1d(2);
    expectError(() => { bn.runningMean = 5 as never; }, 'TypeError', /^BatchNorm1d: expected a Tensor or null \(it is a buffer\) for runningMean, got 5$/);
    // A Parameter assigned to a buffer's name becomes a parameter, as PyTorch's __setattr__.
    bn.runningMean = new nn.Parameter(tensor([0, 0])) as never;
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(['running_var', 'num_batches_tracked']);
    expect(bn.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias', 'running_mean']);
  });
});

// A 20-step training run of Linear-ReLU-Linear with cross-entropy, from the initial weights
// PyTorch used (test/fixtures/gen_train.py), whose loss curve must match PyTorch's.
import { Tensor, tensor, nn, optim } from '../lib';
import { expectClose, loadFixture } from './helpers';

interface T {
  shape: number[];
  data: number[];
}
interface Run {
  opt: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  labelSmoothing: number;
  losses: number[];
  final: Record<string, number[]>;
}
const mlp = loadFixture<{ mlp: { init: Record<string, T>; batches: { x: T; y: number[] }[] } & Record<string, Run> }>('train').mlp;
const t = (x: T) => tensor(new Float32Array(x.data), { shape: x.shape });

describe('MLP training trajectory matches PyTorch', () => {
  for (const name of ['adam', 'sgd', 'adamw_ls']) {
    test(name, () => {
      const run = mlp[name] as Run;
      // torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.ReLU(), torch.nn.Linear(32, 5))
      const model = new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Linear(32, 5));
      // mlp.load_state_dict(init)
      model.loadStateDict(Object.fromEntries(Object.entries(mlp.init).map(([k, v]) => [k, t(v)])));
      const Cls = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW }[run.opt] as unknown as new (p: unknown, o: unknown) => optim.Optimizer;
      const opt = new Cls(model.parameters(), run.options);
      const lossFn = new nn.CrossEntropyLoss({ labelSmoothing: run.labelSmoothing });
      const batches = mlp.batches.map((b) => [t(b.x), Int32Array.from(b.y)] as const);
      const losses: number[] = [];
      for (let step = 0; step < 20; step++) {
        const [x, y] = batches[step % 4];
        opt.zeroGrad();
        const loss = lossFn.forward(model.forward(x) as Tensor, y); // F.cross_entropy(mlp(x), y)
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      // Rounding differences compound over 20 steps; the losses stay within ~1 float32 ulp.
      expectClose(losses, run.losses, { rtol: 1e-6, atol: 1e-7, label: `${name} losses` });
      expect(losses[19]).toBeLessThan(losses[0]);
      const sd = model.stateDict();
      for (const [k, v] of Object.entries(run.final)) expectClose(sd[k], v, { rtol: 1e-5, atol: 1e-6, label: `${name} final ${k}` });
    });
  }
});

// nn.init.inspect through sequence layers: tuple outputs (RNN/LSTM/GRU, MultiheadAttention),
// per-time-step hidden-state norms and gradient norms through time for recurrent layers.
import { Generator, Tensor, randn, nn, tensor } from '../lib';

const { inspect } = nn.init;

class LM extends nn.Module {
  emb: nn.Embedding;
  rnn: nn.LSTM;
  head: nn.Linear;
  constructor(g: Generator) {
    super();
    this.emb = new nn.Embedding(20, 8, { generator: g });
    this.rnn = new nn.LSTM(8, 12, { batchFirst: true, generator: g });
    this.head = new nn.Linear(12, 20, { generator: g });
  }
  override forward(ids: Tensor): Tensor {
    const [y] = this.rnn.forward(this.emb.forward(ids) as Tensor);
    return this.head.forward(y) as Tensor;
  }
}

describe('inspect through recurrent and attention layers', () => {
  test('Embedding -> LSTM -> Linear: the LSTM row has per-step norms of length L, all finite', () => {
    const g = new Generator(3);
    const L = 7;
    const ids = tensor(Array.from({ length: 4 }, (_, b) => Array.from({ length: L }, (_, t) => (b * 7 + t * 3) % 20)));
    const r = inspect(new LM(g), ids);
    expect(r.layers.map((l) => [l.name, l.type])).toEqual([['emb', 'Embedding'], ['rnn', 'LSTM'], ['head', 'Linear']]);
    const lstm = r.layers[1];
    expect(lstm.outputShape).toEqual([4, L, 12]);
    const ts = lstm.timeSteps!;
    for (const a of [ts.hiddenNorm, ts.gradNorm, ts.inputGradNorm]) {
      expect(a).toHaveLength(L);
      for (const v of a) expect(Number.isFinite(v) && (v as number) > 0).toBe(true);
    }
    // The step norms make up the whole: sum of squared per-step gradient norms = |dL/dout|^2.
    const total = Math.sqrt(ts.gradNorm.reduce<number>((s, v) => s + (v as number) ** 2, 0));
    expect(total).toBeCloseTo(lstm.outputGradNorm!, 5);
    expect(r.layers[0].timeSteps).toBeUndefined();
    expect(lstm.params.map((p) => p.name)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    expect(lstm.params.every((p) => p.gradNorm !== null && p.gradNorm > 0)).toBe(true);
    const table = r.toString();
    expect(table).toMatch(/steps 1\/L/);
    expect(table.split('\n')[3]).toMatch(/\|h\| \S+ \|dL\/dx\| \S+/);
    expect(JSON.parse(JSON.stringify(r)).layers[1].timeSteps.hiddenNorm).toHaveLength(L);
  });

  test('hidden norms are the batch mean of |output[t]|, time dim per batchFirst (GRU, sequence-first)', () => {
    const g = new Generator(5);
    const gru = new nn.GRU(3, 4, { generator: g });
    const x = randn([5, 2, 3], { generator: g });
    const r = inspect(gru, x, { loss: (y) => y.sum() });
    const [out] = gru.forward(x);
    const want = [0, 1, 2, 3, 4].map((t) => {
      let s = 0;
      for (let b = 0; b < 2; b++) s += Math.hypot(...Array.from(out.data.subarray((t * 2 + b) * 4, (t * 2 + b + 1) * 4)));
      return s / 2;
    });
    r.layers[0].timeSteps!.hiddenNorm.forEach((v, t) => expect(v).toBeCloseTo(want[t], 5));
    // loss = sum: every output element's gradient is 1, so each step's is sqrt(N * H).
    expect(r.layers[0].timeSteps!.gradNorm).toEqual(new Array(5).fill(Math.sqrt(8)));
  });

  test('a TransformerEncoderLayer model runs; MultiheadAttention is one row (its tuple output measured)', () => {
    const g = new Generator(7);
    const net = new nn.Sequential(new nn.Linear(6, 16, { generator: g }), new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true, generator: g }));
    const r = inspect(net, randn([2, 5, 6], { generator: g }));
    const types = r.layers.map((l) => l.type);
    expect(types).toContain('MultiheadAttention');
    expect(types.filter((t) => t === 'Linear')).toHaveLength(3); // the input Linear and the feed-forward's two, not out_proj
    const mha = r.layers.find((l) => l.type === 'MultiheadAttention')!;
    expect(mha.outputShape).toEqual([2, 5, 16]);
    expect(mha.outputGradNorm! > 0).toBe(true);
    expect(mha.params.map((p) => p.name)).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
    expect(mha.timeSteps).toBeUndefined();
    for (const l of r.layers) expect(Number.isFinite(l.std)).toBe(true);
  });

  test('tanh RNN, loss on the last step: gradients through time vanish with N(0, 1/H)/4 weights, not with orthogonal ones', () => {
    const H = 32, L = 20;
    const run = (init: (w: Tensor, g: Generator) => void) => {
      const g = new Generator(11);
      const rnn = new nn.RNN(H, H, { bias: false, generator: g });
      const [[, wHh]] = rnn.allWeights;
      init(wHh, g);
      nn.init.orthogonal(rnn.allWeights[0][0], { generator: g });
      const x = randn([L, 4, H], { generator: g }).mul(0.1);
      return inspect(rnn, x, { loss: (y) => y.select(0, L - 1).sum() }).layers[0].timeSteps!;
    };
    const ortho = run((w, g) => nn.init.orthogonal(w, { generator: g }));
    const small = run((w, g) => nn.init.normal(w, 0, 1 / Math.sqrt(H) / 4, { generator: g }));
    const ratio = (ts: { inputGradNorm: (number | null)[] }) => (ts.inputGradNorm[0] as number) / (ts.inputGradNorm[L - 1] as number);
    // Only the last step's output gets a gradient directly; earlier steps get theirs through time.
    expect(ortho.gradNorm.slice(0, L - 1).every((v) => v === 0)).toBe(true);
    expect(ratio(ortho)).toBeGreaterThan(0.3);
    expect(ratio(small)).toBeLessThan(1e-6);
    // And monotone decay backwards in time for the scaled-down weights.
    for (let t = 1; t < L; t++) expect(small.inputGradNorm[t - 1]! < small.inputGradNorm[t]!).toBe(true);
    expect(ortho.hiddenNorm[L - 1]).toBeGreaterThan(small.hiddenNorm[L - 1]);
  });
});

'use strict';
// W8: the text demo's character-LSTM training step (examples/text, CharLSTM) at batch 64,
// sequence 16: Embedding(29 tokens, 32, paddingIdx 0) -> 2-layer LSTM(32 -> 128, batchFirst) ->
// LayerNorm(128) -> Linear(128 -> 29), cross-entropy over every position with ignoreIndex -100
// (padding after each word's end), gradient-norm clip 1, AdamW (lr 5e-3; weight decay 0.1 on the
// weight matrices, none on biases, norm weights and the embedding table). The demo's rows have 17
// positions (MAX_LEN 16 + 1); this step uses 16 as the issue states.
const VOCAB = 29;
const PAD = 0;
const START = 1;
const END = 2;
const LETTER0 = 3;
const IGNORE = -100;

/** Fixed token rows: START, n letters, PAD ...; targets: the letters, END, IGNORE ... */
function batchData(batch, seq) {
  const x = new Int32Array(batch * seq).fill(PAD);
  const y = new Int32Array(batch * seq).fill(IGNORE);
  for (let i = 0; i < batch; i++) {
    const n = 3 + (i % (seq - 3));
    x[i * seq] = START;
    for (let t = 0; t < n; t++) {
      const letter = LETTER0 + ((i * 7 + t * 5) % 26);
      x[i * seq + t + 1] = letter;
      y[i * seq + t] = letter;
    }
    y[i * seq + n] = END;
  }
  return { x, y };
}

module.exports = {
  id: 'W8',
  title: 'LSTM demo training step',
  unit: 'samples/s',
  higherIsBetter: true,
  cases: [{ batch: 64, seq: 16, emb: 32, hidden: 128, layers: 2 }],
  label: (c) => `batch ${c.batch}, seq ${c.seq}`,
  value: (c, secPerIter) => c.batch / secPerIter,
  torch: 'lstm_train',
  batchData,
  kiln(kiln, c) {
    const { nn } = kiln;
    kiln.manualSeed(0);
    const tok = new nn.Embedding(VOCAB, c.emb, { paddingIdx: PAD });
    const lstm = new nn.LSTM(c.emb, c.hidden, { numLayers: c.layers, batchFirst: true });
    const norm = new nn.LayerNorm(c.hidden);
    const head = new nn.Linear(c.hidden, VOCAB);
    const params = [tok, lstm, norm, head].flatMap((m) => m.parameters());
    const decay = params.filter((p) => p.ndim >= 2 && p !== tok.weight);
    const exempt = params.filter((p) => !decay.includes(p));
    const opt = new kiln.optim.AdamW(
      [
        { params: decay, weightDecay: 0.1 },
        { params: exempt, weightDecay: 0 },
      ],
      { lr: 5e-3 },
    );
    const lossFn = new nn.CrossEntropyLoss({ ignoreIndex: IGNORE });
    const { x, y } = batchData(c.batch, c.seq);
    const ids = new kiln.Tensor(Float32Array.from(x), [c.batch, c.seq]);
    return () => {
      opt.zeroGrad();
      const [out] = lstm.forward(tok.forward(ids));
      const logits = head.forward(norm.forward(out));
      lossFn.forward(logits.reshape([-1, VOCAB]), y).backward();
      nn.utils.clipGradNorm(params, 1);
      opt.step();
    };
  },
};

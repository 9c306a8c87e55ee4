// The text demo (examples/text/): its data pipeline, a few dozen training steps of each
// model through the demo's own code path (trainModel, sampleWords), single-threaded, and the
// command line it is run from.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadWords, splitIndices, encodeWords, epochOrders, batches, pick, decode, encode, range, PAD, START, END, LETTER0, VOCAB_SIZE, IGNORE_INDEX, MAX_LEN } from '../examples/text/data';
import { trainModel, sampleWords, evaluate, lrAt } from '../examples/text/train';
import { CharGPT, CharLSTM, decayGroups, causalMask } from '../examples/text/models';
import { Generator, manualSeed } from '../lib/random';

describe('text data', () => {
  const words = loadWords();

  test('word list: 1..16 letters a-z, 272,607 of the package\'s 274,937', () => {
    expect(words.length).toBe(272607);
    expect(words.every((w) => /^[a-z]{1,16}$/.test(w))).toBe(true);
    expect(loadWords(8).every((w) => w.length <= 8)).toBe(true);
  });

  test('split: 90/10, disjoint, covering, and replayed by its seed', () => {
    const s = splitIndices(words.length, 1);
    expect(s.val.length).toBe(Math.round(words.length * 0.1));
    expect(s.train.length + s.val.length).toBe(words.length);
    const seen = new Uint8Array(words.length);
    for (const i of s.train) seen[i]++;
    for (const i of s.val) seen[i]++;
    expect(seen.every((c) => c === 1)).toBe(true);
    expect(splitIndices(words.length, 1).val).toEqual(s.val);
    expect(splitIndices(words.length, 2).val).not.toEqual(s.val);
    // Shuffled, not a slice of the alphabetical list.
    expect(new Set(pick(words, s.val.subarray(0, 100)).map((w) => w[0])).size).toBeGreaterThan(10);
  });

  test('encoding: start, letters, padding in; letters, end, ignore out', () => {
    const enc = encodeWords(['cab', 'a'], 4);
    expect(enc.t).toBe(5);
    const [c, a, b] = encode('cab');
    expect([c, a, b]).toEqual([LETTER0 + 2, LETTER0, LETTER0 + 1]);
    expect(Array.from(enc.x)).toEqual([START, c, a, b, PAD, START, a, PAD, PAD, PAD]);
    expect(Array.from(enc.y)).toEqual([c, a, b, END, IGNORE_INDEX, a, END, IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX]);
    expect(decode([c, a, b, END, a])).toBe('cab');
    expect(() => encodeWords(['abcde'], 4)).toThrow(/encodeWords: expected a word of 1..4 letters a-z for words\[0\], got 'abcde'/);
    expect(() => encodeWords(['Ab'], 4)).toThrow(RangeError);
  });

  test('batches: every row once per epoch, in order, counting the non-ignored targets', () => {
    const ws = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    const enc = encodeWords(ws, 6);
    const [order] = epochOrders(ws.length, 1, 3);
    const bs = [...batches(enc, order, 2)];
    expect(bs.map((b) => b.x.shape)).toEqual([[2, 7], [2, 7], [1, 7]]);
    const seen = bs.flatMap((b) => Array.from({ length: b.x.shape[0] }, (_, i) => decode(b.y.data.subarray(i * 7, (i + 1) * 7))));
    expect(seen).toEqual(Array.from(order, (i) => ws[i]));
    expect(bs.map((b) => b.count)).toEqual(bs.map((b) => Array.from(b.y.data).filter((v) => v !== IGNORE_INDEX).length));
    expect(bs.reduce((s, b) => s + b.count, 0)).toBe(1 + 2 + 3 + 4 + 5 + ws.length);
    // Each epoch draws a fresh order; the seed replays them.
    const two = epochOrders(1000, 2, 3);
    expect(two[0]).not.toEqual(two[1]);
    expect(epochOrders(1000, 2, 3)).toEqual(two);
    expect(Array.from(range(3))).toEqual([0, 1, 2]);
  });

  test('learning rate: linear warmup, then cosine to 0', () => {
    expect(lrAt(0, 100, 1, 10)).toBeCloseTo(0.1);
    expect(lrAt(9, 100, 1, 10)).toBeCloseTo(1);
    expect(lrAt(10, 100, 1, 10)).toBeCloseTo(1);
    expect(lrAt(55, 100, 1, 10)).toBeCloseTo(0.5);
    expect(lrAt(100, 100, 1, 10)).toBeCloseTo(0);
  });
});

describe('text models, a few dozen steps through the demo\'s code path', () => {
  const words = loadWords();
  const split = splitIndices(words.length, 1);
  const train = encodeWords(pick(words, split.train.subarray(0, 1920)));
  const val = encodeWords(pick(words, split.val.subarray(0, 512)));
  const orders = epochOrders(train.n, 2, 2);
  const opts = { epochs: 2, batchSize: 64, lr: 1e-2, warmup: 5, weightDecay: 0.1, clip: 1, orders };

  const models = {
    gpt: () => new CharGPT({ blockSize: MAX_LEN + 1, dModel: 16, nhead: 2, numLayers: 1, dimFeedforward: 32 }, new Generator(3)),
    lstm: () => new CharLSTM({ embeddingDim: 8, hiddenSize: 16, numLayers: 2 }, new Generator(3)),
  };

  for (const [kind, make] of Object.entries(models)) {
    test(`${kind}: the loss falls and samples are words of a-z that end`, () => {
      manualSeed(3);
      const model = make();
      const before = evaluate(model, val);
      expect(before).toBeGreaterThan(2.9); // about ln(29) = 3.37 at init
      const history = trainModel(model, train, val, opts);
      expect(history.map((h) => h.epoch)).toEqual([1, 2]);
      expect(history[0].val).toBeLessThan(before - 0.3);
      expect(history[1].val).toBeLessThan(history[0].val);
      expect(history[1].train).toBeLessThan(history[0].train);
      const { words: ws, tokens } = sampleWords(model, 16, MAX_LEN, new Generator(4));
      expect(ws).toHaveLength(16);
      for (let i = 0; i < ws.length; i++) {
        expect(ws[i]).toMatch(/^[a-z]{1,16}$/);
        const t = tokens[i];
        expect(t[t.length - 1]).toBe(END);
        expect(t.slice(0, -1).every((k) => k >= LETTER0 && k < VOCAB_SIZE)).toBe(true);
        expect(decode(t)).toBe(ws[i]);
      }
      // The same generator state gives the same words.
      expect(sampleWords(model, 16, MAX_LEN, new Generator(4)).words).toEqual(ws);
    });
  }

  test('sampling forces the end after maxLen letters', () => {
    manualSeed(3);
    const { words: ws, tokens } = sampleWords(models.lstm(), 8, 3, new Generator(5));
    for (let i = 0; i < ws.length; i++) {
      expect(ws[i].length).toBeGreaterThanOrEqual(1);
      expect(ws[i].length).toBeLessThanOrEqual(3);
      expect(tokens[i][tokens[i].length - 1]).toBe(END);
    }
  });

  test('init and groups: orthogonal gate blocks, forget bias 1, no decay on embeddings, norms and biases', () => {
    manualSeed(3);
    const lstm = models.lstm();
    const H = 16;
    const w = lstm.lstm.namedParameters().find(([n]) => /^weight_?hh_?l0$/i.test(n))![1].data;
    for (let g = 0; g < 4; g++) {
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) {
          let dot = 0;
          for (let k = 0; k < H; k++) dot += w[(g * H + i) * H + k] * w[(g * H + j) * H + k];
          expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-5);
        }
      }
    }
    const bih = lstm.lstm.namedParameters().find(([n]) => /^bias_?ih_?l0$/i.test(n))![1].data;
    expect(Array.from(bih.subarray(H, 2 * H))).toEqual(new Array(H).fill(1));
    const gpt = models.gpt();
    const [decay, exempt] = decayGroups(gpt, 0.1);
    expect(decay.weightDecay).toBe(0.1);
    expect(exempt.weightDecay).toBe(0);
    expect(exempt.params).toContain(gpt.tok.weight);
    expect(exempt.params).toContain(gpt.pos.weight);
    expect(exempt.params).toContain(gpt.norm.weight);
    expect(exempt.params).toContain(gpt.head.bias);
    expect(decay.params).toContain(gpt.head.weight);
    expect(decay.params.every((p) => p.ndim === 2)).toBe(true);
    expect(decay.params.length + exempt.params.length).toBe(gpt.parameters().length);
    // The padding row starts at 0.
    expect(Array.from(gpt.tok.weight.data.subarray(PAD * 16, PAD * 16 + 16))).toEqual(new Array(16).fill(0));
    expect(Array.from(causalMask(3).data)).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
  });
});

describe('npm run demo -- --model lstm|gpt', () => {
  const root = path.resolve(__dirname, '..');
  const demo = ['scripts/run-ts.js', 'examples/mnist/main.ts'];

  test('the MNIST demo hands --model lstm to the text demo: epoch line, new words, weights', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-text-'));
    const out = path.join(dir, 'lstm.safetensors');
    const r = spawnSync(process.execPath, [...demo, '--model', 'lstm', '--epochs', '1', '--words-per-epoch', '128', '--samples', '3', '--threads', '1', '--no-progress', '--out', out], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^epoch 1\/1: train \d\.\d{4} {2}val \d\.\d{4} nats\/char/m);
    expect(r.stdout).toMatch(/^3 new words: [a-z]+ [a-z]+ [a-z]+$/m);
    expect(fs.existsSync(out)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('bad text-demo options are refused with a message', () => {
    const r = spawnSync(process.execPath, [...demo, '--model=gpt', '--words-per-epoch', '-1'], { cwd: root, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--words-per-epoch must be a non-negative integer, got '-1'/);
  });
});

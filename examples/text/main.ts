// `npm run demo -- --model gpt` / `--model lstm`: a next-character language model of English
// words (data.ts), trained with AdamW, then 20 sampled words that are not in the dictionary.
// bench/text_lm.py trains the same models in PyTorch on the same batches; README "Text demo"
// compares the two. `npm run demo -- --model gpt --help` lists the options.
import { Command, InvalidArgumentError } from 'commander';
import * as path from 'path';
import { manualSeed, Generator } from '../../lib/random';
import { backendInfo, setNumThreads } from '../../lib/backend';
import { save } from '../../lib/io';
import { loadWords, splitIndices, encodeWords, epochOrders, pick, MAX_LEN } from './data';
import { CharGPT, CharLSTM } from './models';
import { trainModel, sampleWords, LanguageModel } from './train';
import { splitSeed, shuffleSeed, initSeed, sampleSeed } from './seeds';

/**
 * Kept equal to DEFAULTS in bench/text_lm.py. Sized to train in under 3 minutes on 2 busy
 * cores: each epoch trains on a fresh random sample of `wordsPerEpoch` of the 245,346
 * training words (the head of that epoch's permutation), then evaluates on all 27,261
 * validation words.
 */
export const DEFAULTS = {
  gpt: { epochs: 3, wordsPerEpoch: 32768, batchSize: 64, lr: 4e-3, warmup: 100, weightDecay: 0.1, clip: 1, dModel: 64, nhead: 4, numLayers: 2, dimFeedforward: 256 },
  lstm: { epochs: 3, wordsPerEpoch: 49152, batchSize: 64, lr: 5e-3, warmup: 100, weightDecay: 0.1, clip: 1, embeddingDim: 32, hiddenSize: 128, numLayers: 2 },
};

export type TextModelKind = keyof typeof DEFAULTS;

/** Builds the model of that kind with its default sizes (seeded by `generator` and the default generator). */
export function buildModel(kind: TextModelKind, generator: Generator): LanguageModel {
  if (kind === 'gpt') {
    const d = DEFAULTS.gpt;
    return new CharGPT({ blockSize: MAX_LEN + 1, dModel: d.dModel, nhead: d.nhead, numLayers: d.numLayers, dimFeedforward: d.dimFeedforward }, generator);
  }
  const d = DEFAULTS.lstm;
  return new CharLSTM({ embeddingDim: d.embeddingDim, hiddenSize: d.hiddenSize, numLayers: d.numLayers }, generator);
}

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got '${v}'`);
    return n;
  };
}

function nonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got '${v}'`);
    return n;
  };
}

/** Runs the text demo with these command-line arguments (process.argv form). */
export async function runTextDemo(argv: string[]): Promise<void> {
  const program = new Command()
    .name('kiln-demo')
    .description('Train a character-level GPT or LSTM on English words and sample new ones')
    .option('--model <kind>', "'gpt' or 'lstm'", 'gpt')
    .option('--epochs <n>', `training epochs (default: ${DEFAULTS.gpt.epochs} for gpt, ${DEFAULTS.lstm.epochs} for lstm)`, positiveInt('--epochs'))
    .option('--words-per-epoch <n>', `training words sampled per epoch, 0 for all (default: ${DEFAULTS.gpt.wordsPerEpoch} for gpt, ${DEFAULTS.lstm.wordsPerEpoch} for lstm)`, nonNegativeInt('--words-per-epoch'))
    .option('--seed <n>', 'random seed (split, shuffling, weights, samples)', nonNegativeInt('--seed'), 0)
    .option('--threads <n>', 'kernel threads (default: all cores)', positiveInt('--threads'))
    .option('--samples <n>', 'new words to print', nonNegativeInt('--samples'), 20)
    .option('--out <path>', 'where to save the trained weights (default: kiln-text-<model>.safetensors)')
    .option('--no-progress', 'no progress output')
    .parse(argv);
  const o = program.opts();
  if (o.model !== 'gpt' && o.model !== 'lstm') program.error(`--model must be 'gpt' or 'lstm', got '${o.model}'`);
  const kind = o.model as TextModelKind;
  const d = DEFAULTS[kind];
  if (o.threads) setNumThreads(o.threads);
  const epochs: number = o.epochs ?? d.epochs;

  const words = loadWords(MAX_LEN);
  const split = splitIndices(words.length, splitSeed(o.seed));
  const train = encodeWords(pick(words, split.train));
  const val = encodeWords(pick(words, split.val));
  const orders = epochOrders(train.n, epochs, shuffleSeed(o.seed));

  manualSeed(initSeed(o.seed));
  const model = buildModel(kind, new Generator(initSeed(o.seed)));
  const nParams = model.parameters().reduce((s, p) => s + p.numel, 0);
  const info = backendInfo();
  console.log(`kiln ${info.variant} build, ${info.threads} thread(s), ${info.simd.split(',')[0]}`);
  const perEpoch = Math.min(train.n, (o.wordsPerEpoch ?? d.wordsPerEpoch) || train.n);
  console.log(`${kind.toUpperCase()} on English words: ${train.n} train / ${val.n} validation words of 1-${MAX_LEN} letters, ${nParams} parameters`);
  console.log(`${epochs} epochs of ${perEpoch} words, batch ${d.batchSize}, AdamW lr ${d.lr} (warmup ${d.warmup} steps, cosine to 0), weight decay ${d.weightDecay}, clip ${d.clip}`);
  console.log(String(model));

  const started = Date.now();
  let lastShown = 0;
  const history = trainModel(model, train, val, {
    ...d,
    epochs,
    orders,
    limit: o.wordsPerEpoch ?? d.wordsPerEpoch,
    onStep: (step, total, loss) => {
      if (!o.progress || Date.now() - lastShown < 2000) return;
      lastShown = Date.now();
      process.stderr.write(`\r  step ${step}/${total}  loss ${loss.toFixed(4)}   `);
    },
    onEpoch: (e) => {
      if (o.progress) process.stderr.write('\r' + ' '.repeat(48) + '\r');
      console.log(`epoch ${e.epoch}/${epochs}: train ${e.train.toFixed(4)}  val ${e.val.toFixed(4)} nats/char  (${e.seconds.toFixed(1)} s)`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`trained in ${seconds.toFixed(1)} s; final validation loss ${history[history.length - 1].val.toFixed(4)} nats/char`);

  const known = new Set(words);
  const g = new Generator(sampleSeed(o.seed));
  const fresh: string[] = [];
  for (let tries = 0; tries < 10 && fresh.length < o.samples; tries++) {
    for (const w of sampleWords(model, 64, MAX_LEN, g).words) if (!known.has(w) && !fresh.includes(w)) fresh.push(w);
  }
  console.log(`${o.samples} new words: ${fresh.slice(0, o.samples).join(' ')}`);

  const out = path.resolve(o.out ?? `kiln-text-${kind}.safetensors`);
  await save(model.stateDict(), out);
  console.log(`saved weights to ${out}`);
}

if (require.main === module) {
  runTextDemo(process.argv).catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}

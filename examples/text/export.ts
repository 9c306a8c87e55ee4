#!/usr/bin/env node
// Writes the text demo's split and per-epoch batch orders as JSON, so bench/text_lm.py (the
// PyTorch twin of the demo) trains on the same words in the same order:
//   node scripts/run-ts.js examples/text/export.ts <out.json> <epochs> [seed]
// The JSON holds indices into the filtered word list (loadWords: 1..maxLen letters a-z, in
// the package's order), which the Python side rebuilds from the package's index.json.
import * as fs from 'fs';
import { loadWords, splitIndices, epochOrders, MAX_LEN } from './data';
import { splitSeed, shuffleSeed } from './seeds';

const [out, epochsArg, seedArg] = process.argv.slice(2);
if (!out || !epochsArg) {
  process.stderr.write('usage: node scripts/run-ts.js examples/text/export.ts <out.json> <epochs> [seed]\n');
  process.exit(1);
}
const epochs = Number(epochsArg);
const seed = Number(seedArg ?? 0);
const words = loadWords(MAX_LEN);
const split = splitIndices(words.length, splitSeed(seed));
const orders = epochOrders(split.train.length, epochs, shuffleSeed(seed));
fs.writeFileSync(
  out,
  JSON.stringify({
    maxLen: MAX_LEN,
    nWords: words.length,
    train: Array.from(split.train),
    val: Array.from(split.val),
    // Positions into `train`, one permutation per epoch.
    orders: orders.map((o) => Array.from(o)),
  }),
);

// Child of checkpoint-kill.test.ts: saves a ~20 MB state dict to one path over and over, each
// version's tensors filled with their own values, until it is killed. It reports
// "started <v>" before save(v) and "saved <v>" once save(v) has resolved, with synchronous
// writes so that the parent knows exactly how far it got.
//   node scripts/run-ts.js test/crash/save-loop.ts <file> <first version>
import * as fs from 'fs';
import { save } from '../../lib/io';
import { Tensor } from '../../lib/tensor';

/** The value of every element of tensor k in version v: exact in float32 for the versions a test writes. */
export const valueOf = (v: number, k: number) => v * 8 + k;
export const SHAPES = [[1000, 1000], [1000, 1000], [1000, 1000], [1000, 1000], [1000, 1000]];

async function main(): Promise<void> {
  const [file, first] = process.argv.slice(2);
  const sd: Record<string, Tensor> = {};
  SHAPES.forEach((s, k) => (sd[`layer${k}.weight`] = new Tensor(new Float32Array(s[0] * s[1]), s)));
  for (let v = Number(first); ; v++) {
    Object.values(sd).forEach((t, k) => t.data.fill(valueOf(v, k)));
    fs.writeSync(1, `started ${v}\n`);
    await save(sd, file);
    fs.writeSync(1, `saved ${v}\n`);
  }
}

if (require.main === module) void main();

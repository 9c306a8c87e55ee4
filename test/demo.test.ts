// The main job, shortened: one epoch of the MLP demo (examples/mnist/main.ts, run the way
// `npm run demo` runs it: through scripts/run-ts.js), checking its progress lines, its final
// accuracy line and the saved checkpoint.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { load } from '../lib';

const root = path.resolve(__dirname, '..');
const demo = ['scripts/run-ts.js', 'examples/mnist/main.ts'];

test('npm run demo, one epoch: progress, test accuracy line, loadable safetensors', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-demo-'));
  const out = path.join(dir, 'mlp.safetensors');
  const r = spawnSync(process.execPath, [...demo, '--epochs', '1', '--threads', '1', '--out', out], { cwd: root, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const text = r.stdout + r.stderr;
  expect(text).toMatch(/Epoch 1\/1 - loss \d\.\d+ - accuracy 0\.\d+ - val_loss/);
  const m = /^test accuracy: (0\.\d{4})$/m.exec(r.stdout);
  expect(m).not.toBeNull();
  // One epoch of this recipe reaches ~0.93; 0.85 catches a broken model without flaking.
  expect(Number(m![1])).toBeGreaterThan(0.85);
  const sd = await load(out);
  expect(Object.keys(sd)).toEqual(expect.arrayContaining(['0.weight', '1.running_var', '1.num_batches_tracked', '8.bias']));
  expect(sd['0.weight'].shape).toEqual([512, 784]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('bad options are refused with a message', () => {
  const r = spawnSync(process.execPath, [...demo, '--model', 'rnn'], { cwd: root, encoding: 'utf8' });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/--model must be 'mlp', 'cnn', 'gpt' or 'lstm', got 'rnn'/);
});

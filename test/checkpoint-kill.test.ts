// Atomic checkpoints under SIGKILL: a child saves a ~20 MB state dict to one path in a loop
// and is killed at a random moment, many times. After every kill the file must load, hold
// one whole version (no torn or mixed write), never an older one than the last save that
// resolved, and any temporary left behind must be unmistakable for a checkpoint (a dot
// file with '.tmp-' in its name, beside the target) and removed by the next save: after a
// save has completed, only the temporary of the writer just killed may remain. Only orders
// and counts are asserted; the kill delays vary where a kill lands, not what must hold.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tensor, load, save } from '../lib';
import { SHAPES, valueOf } from './crash/save-loop';

const KILLS = 40;
const root = path.resolve(__dirname, '..');

/** mulberry32: seeded, so the kill times replay. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the save loop from version `first`, kills it `delay` ms after its first save starts; returns its report lines and pid. */
function runAndKill(file: string, first: number, delay: number): Promise<{ lines: string[]; pid: number }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [path.join(root, 'scripts/run-ts.js'), path.join(__dirname, 'crash/save-loop.ts'), file, String(first)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let timer: NodeJS.Timeout | null = null;
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (timer === null && out.includes('started')) timer = setTimeout(() => child.kill('SIGKILL'), delay);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the save loop ended by itself (code ${code}, signal ${signal}):\n${out}`));
      else resolve({ lines: out.split('\n').filter(Boolean), pid: child.pid! });
    });
  });
}

/** The version a checkpoint holds, after checking that every element of every tensor belongs to it. */
function versionOf(sd: Record<string, Tensor>): number {
  const names = Object.keys(sd);
  expect(names).toEqual(SHAPES.map((_, k) => `layer${k}.weight`));
  const v = (sd[names[0]].data[0] - 0) / 8;
  names.forEach((name, k) => {
    const t = sd[name];
    expect(t.shape).toEqual(SHAPES[k]);
    const want = valueOf(v, k);
    const bad = t.data.findIndex((x) => x !== want);
    if (bad >= 0) throw new Error(`${name}: element ${bad} is ${t.data[bad]}, expected ${want} (version ${v}): a torn write`);
  });
  return v;
}

test(`a checkpoint survives ${KILLS} SIGKILLs in the middle of save: always whole, loadable and current`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-kill-'));
  const file = path.join(dir, 'model.safetensors');
  try {
    // Version 0, written before any child runs.
    const sd0: Record<string, Tensor> = {};
    SHAPES.forEach((s, k) => (sd0[`layer${k}.weight`] = new Tensor(new Float32Array(s[0] * s[1]).fill(valueOf(0, k)), s)));
    await save(sd0, file);
    const random = rng(20240917);
    let next = 1;
    let lastSaved = 0;
    let midSave = 0;
    let withTemp = 0;
    const tempPid = (f: string) => Number(/\.tmp-(\d+)-/.exec(f)![1]);
    for (let kill = 0; kill < KILLS; kill++) {
      const { lines, pid } = await runAndKill(file, next, Math.floor(random() * 400));
      const started = lines.filter((l) => l.startsWith('started ')).map((l) => Number(l.slice(8)));
      const saved = lines.filter((l) => l.startsWith('saved ')).map((l) => Number(l.slice(6)));
      const inFlight = started.length > saved.length ? started[started.length - 1] : null;
      if (inFlight !== null) midSave++;
      if (saved.length) lastSaved = saved[saved.length - 1];
      // The file holds the last version whose save resolved, or the one in flight if its rename happened.
      const v = versionOf(await load(file));
      expect([lastSaved, ...(inFlight !== null ? [inFlight] : [])]).toContain(v);
      lastSaved = v;
      next = Math.max(next, ...started) + 1;
      // Whatever else is in the folder is a temporary that no one could take for a checkpoint.
      const others = fs.readdirSync(dir).filter((f) => f !== 'model.safetensors');
      for (const f of others) expect(f).toMatch(/^\.model\.safetensors\.tmp-\d+-[0-9a-f]{12}$/);
      // Left in place: the next child's first save must remove them (their writers are gone).
      // A child whose save completed has removed those of the children before it.
      if (saved.length) expect(others.filter((f) => tempPid(f) !== pid)).toEqual([]);
      expect(others.filter((f) => tempPid(f) === pid).length).toBeLessThanOrEqual(1);
      if (others.some((f) => tempPid(f) === pid)) withTemp++;
    }
    // A later save, here in the test's process, leaves no temporary behind.
    await save(sd0, file);
    expect(fs.readdirSync(dir)).toEqual(['model.safetensors']);
    expect(versionOf(await load(file))).toBe(0);
    console.log(`checkpoint kills: ${KILLS} survived, ${midSave} during a save, ${withTemp} left a temporary (each removed by the next save); last version ${lastSaved}`);
    // The kills must mostly land inside save, or the test would prove little.
    expect(midSave).toBeGreaterThanOrEqual(KILLS / 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);

// save and the file system around its target: a path that cannot be a file (a directory, a
// name or path too long) is a clear error naming the path and why, before anything is
// written; a name that fits is saved even when the temporary's name would not have; and the
// temporaries that a killed writer left behind are removed by the next save, while a live
// process's are kept. (Kills during save, for real: checkpoint-kill.test.ts.)
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { load, save, tensor } from '../lib';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-save-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The rejection of a promise, which must reject. */
async function rejection(p: Promise<unknown>): Promise<Error & NodeJS.ErrnoException> {
  try {
    await p;
  } catch (e) {
    return e as Error & NodeJS.ErrnoException;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

const temps = () => fs.readdirSync(dir).filter((f) => f.includes('.tmp-'));

describe('a target that cannot be a file', () => {
  test('a directory (empty or not): TypeError naming the path, code EISDIR kept, nothing written', async () => {
    for (const name of ['empty', 'full']) {
      const target = path.join(dir, name);
      fs.mkdirSync(target);
      if (name === 'full') fs.writeFileSync(path.join(target, 'keep'), 'x');
      const e = await rejection(save({ w: tensor([1]) }, target));
      expect(e.name).toBe('TypeError');
      expect(e.message).toBe(`save: expected a path to a file (not a directory) for file, got '${target}' (a directory)`);
      expect(e.code).toBe('EISDIR');
      expect(e.path).toBe(target);
      expect(fs.statSync(target).isDirectory()).toBe(true);
    }
    expect(temps()).toEqual([]);
  });

  test('a directory that appears between the check and the rename: the same error, no temporary left', async () => {
    const target = path.join(dir, 'late');
    const realRename = fs.promises.rename;
    const rename = jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      fs.mkdirSync(String(to));
      return realRename(from, to);
    });
    try {
      const e = await rejection(save({ w: tensor([1]) }, target));
      expect(e.name).toBe('TypeError');
      expect(e.message).toMatch(/^save: expected a path to a file \(not a directory\) for file, got '.*late' \(a directory\)$/);
      expect(e.code).toBe('EISDIR');
      expect(e.syscall).toBe('rename');
      expect((e as { cause?: unknown }).cause).toMatchObject({ code: 'EISDIR' });
    } finally {
      rename.mockRestore();
    }
    expect(temps()).toEqual([]);
  });

  test('a name over 255 bytes: RangeError naming the path and its length, code ENAMETOOLONG kept', async () => {
    const target = path.join(dir, `${'n'.repeat(300)}.safetensors`);
    const e = await rejection(save({ w: tensor([1]) }, target));
    expect(e.name).toBe('RangeError');
    expect(e.message).toBe(`save: expected a path the file system accepts for file, got '${target}' (a name of 312 bytes, over the file system's limit of 255: ENAMETOOLONG)`);
    expect(e.code).toBe('ENAMETOOLONG');
    expect(temps()).toEqual([]);
  });

  test('a path over the system limit (each name short enough): RangeError naming the path', async () => {
    const target = path.join(dir, ...Array.from({ length: 20 }, () => 'd'.repeat(250)), 'model.safetensors');
    const e = await rejection(save({ w: tensor([1]) }, target));
    expect(e.name).toBe('RangeError');
    expect(e.message).toMatch(/^save: expected a path the file system accepts for file, got '.*model\.safetensors' \(a path of \d+ bytes, too long for the file system: ENAMETOOLONG\)$/);
    expect(e.code).toBe('ENAMETOOLONG');
  });

  test('other file-system errors pass through as they come', async () => {
    await expect(save({ w: tensor([1]) }, path.join(dir, 'missing', 'x.safetensors'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

test('a name that fits is saved even where ".<name>.tmp-<pid>-<random>" would not fit: the temporary cuts the name', async () => {
  // 240 bytes, 2-byte characters included so that the cut falls on a character.
  const name = `${'é'.repeat(60)}${'m'.repeat(108)}.safetensors`;
  expect(Buffer.byteLength(name)).toBe(240);
  const target = path.join(dir, name);
  const seen: string[] = [];
  const realRename = fs.promises.rename;
  const rename = jest.spyOn(fs.promises, 'rename').mockImplementation((from, to) => {
    seen.push(path.basename(String(from)));
    return realRename(from, to);
  });
  try {
    await save({ w: tensor([7]) }, target);
  } finally {
    rename.mockRestore();
  }
  expect((await load(target)).w.item()).toBe(7);
  expect(seen.length).toBe(1);
  expect(Buffer.byteLength(seen[0])).toBeLessThanOrEqual(255);
  expect(seen[0].startsWith(`.${'é'.repeat(60)}m`)).toBe(true);
  expect(seen[0]).toMatch(new RegExp(`\\.tmp-${process.pid}-[0-9a-f]{12}$`));
  expect(temps()).toEqual([]);
});

describe('temporaries left by a killed writer', () => {
  // save names its temporaries .<name>.tmp-<pid>-<host><random>: 6 hex digits of the host
  // name's SHA-256, then 6 random ones; the pid means something only on the host that wrote it.
  const host = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 6);
  const deadPid = (): number => {
    const pid = spawnSync(process.execPath, ['-e', '']).pid!;
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    return pid;
  };

  test('the next save to the target removes those whose process is gone, and nothing else', async () => {
    const dead = deadPid();
    const otherHost = host === 'abcdef' ? '123456' : 'abcdef';
    const files = {
      dead: `.model.safetensors.tmp-${dead}-${host}0a1b2c`,
      deadOtherHost: `.model.safetensors.tmp-${dead}-${otherHost}0a1b2c`,
      self: `.model.safetensors.tmp-${process.pid}-${host}3d4e5f`,
      liveParent: `.model.safetensors.tmp-${process.ppid}-${host}777777`,
      otherTarget: `.other.safetensors.tmp-${dead}-${host}0a1b2c`,
      notATemp: `.model.safetensors.tmp-${dead}-${host}0a1b2c.bak`,
      plain: 'notes.txt',
    };
    for (const f of Object.values(files)) fs.writeFileSync(path.join(dir, f), 'partial');
    await save({ w: tensor([1]) }, path.join(dir, 'model.safetensors'));
    const left = new Set(fs.readdirSync(dir));
    expect(left.has(files.dead)).toBe(false);
    for (const keep of [files.deadOtherHost, files.self, files.liveParent, files.otherTarget, files.notATemp, files.plain, 'model.safetensors']) expect(left.has(keep)).toBe(true);
    expect(left.size).toBe(7);
  });

  test('the stale temporaries of a long name are found by the name cut as save cuts it', async () => {
    const dead = deadPid();
    const long = `${'q'.repeat(240)}.safetensors`; // 252 bytes: the temporary's name is cut
    const staleLong = `.${'q'.repeat(226)}.tmp-${dead}-${host}abcdef`;
    expect(Buffer.byteLength(staleLong)).toBeLessThanOrEqual(255);
    fs.writeFileSync(path.join(dir, staleLong), 'partial');
    await save({ w: tensor([2]) }, path.join(dir, long));
    expect(fs.readdirSync(dir)).toEqual([long]);
  });
});

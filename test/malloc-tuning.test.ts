// native/memory.cc: glibc keeps large freed tensors warm unless the user opts out.
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
// The child loads the built package (dist/, made by `npm run build:ts` or prepare).
function tunedIn(env: Record<string, string>): string {
  const base = { ...process.env };
  for (const k of ['KILN_MALLOC_TUNING', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'GLIBC_TUNABLES']) delete base[k];
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('./dist/native').native.mallocTuned))"], {
    cwd: root,
    env: { ...base, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

const isGlibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime !== undefined;
// Under `npm run sanitize` ASan's allocator replaces glibc's, and its mallopt does nothing.
const underAsan = (process.env.LD_PRELOAD ?? '').includes('libasan');

describe('malloc tuning at load', () => {
  test('is applied by default on glibc', () => {
    expect(tunedIn({})).toBe(isGlibc && !underAsan ? 'true' : 'false');
  });
  test('KILN_MALLOC_TUNING=0 turns it off', () => {
    expect(tunedIn({ KILN_MALLOC_TUNING: '0' })).toBe('false');
  });
  test("the user's own MALLOC_MMAP_THRESHOLD_ wins", () => {
    expect(tunedIn({ MALLOC_MMAP_THRESHOLD_: '65536' })).toBe('false');
  });
});

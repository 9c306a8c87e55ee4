// Test files follow one naming case (kebab-case), so a newcomer finds `lr-scheduler.test.ts`
// by the same rule as `native-loader.test.ts`.
import * as fs from 'fs';
import * as path from 'path';

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(p);
    return e.name.endsWith('.ts') ? [path.relative(__dirname, p)] : [];
  });
}

test('every TypeScript file under test/ is named in kebab-case', () => {
  const files = testFiles(__dirname);
  expect(files.length).toBeGreaterThan(40);
  expect(files.filter((f) => !/^[a-z0-9]+(-[a-z0-9]+)*(\.test)?\.ts$/.test(path.basename(f)))).toEqual([]);
});

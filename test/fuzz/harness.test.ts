// The harness itself: a case that kills the child (a signal, an abort) is counted, reported
// with its description and the child's last words, and the run resumes with the next case;
// the name check tells the article "a" from a parameter named a.
import { namesArgument } from './engine';
import { runFuzz } from './harness';

test('a crashing case is reported with its description and the run goes on after it', () => {
  const r = runFuzz('canary', 7, 120, { maxCrashes: 100 });
  expect(r.cases).toBe(120);
  expect(r.crashes.length).toBeGreaterThan(0);
  expect(r.crashes.length).toBe(r.outcomes.crash);
  for (const c of r.crashes) {
    expect(c.case).toMatch(/^crashOnNaN\((NaN|Infinity)\)/);
    expect(c.how).toMatch(/killed by (SIGSEGV|SIGABRT)/);
  }
  expect(r.crashes.some((c) => c.how.includes('SIGSEGV'))).toBe(true);
  expect(r.crashes.some((c) => c.how.includes('SIGABRT'))).toBe(true);
  // The other cases ran to their outcome, after each crash too.
  expect(r.outcomes.ok + r.outcomes.TypeError).toBe(120 - r.crashes.length);
  expect(r.violations).toEqual([]);
});

test('namesArgument: whole words, and the article a is not the parameter a', () => {
  expect(namesArgument('sgemm: expected a Float32Array for a, got 5', 'a')).toBe(true);
  expect(namesArgument('sgemm: expected a to hold 6 elements, got 5', 'a')).toBe(true);
  expect(namesArgument('sgemm: expected a Float32Array for b, got 5', 'a')).toBe(false);
  expect(namesArgument('linear: expected input with last dimension 3, got [2]', 'input')).toBe(true);
  expect(namesArgument('linear: expected inputs, got [2]', 'input')).toBe(false);
  expect(namesArgument("crossEntropy: expected a class index in [0, 3) for target[0], got 5", 'target')).toBe(true);
});

// A table whose one entry kills its process on one kind of input, to check that the harness
// reports a crash with the case that caused it and goes on with the next case.
import * as fc from 'fast-check';
import { Entry } from './engine';
import { number } from './kinds';

export const CANARY_TABLE: Entry[] = [
  {
    name: 'crashOnNaN',
    slots: [{ name: 'x', corrupt: number }],
    valid: fc.double({ min: -1, max: 1, noNaN: true }).map((x) => [x]),
    call: (a) => {
      if (Number.isNaN(a[0])) process.kill(process.pid, 'SIGSEGV');
      if (a[0] === Infinity) process.abort();
      if (typeof a[0] !== 'number') throw new TypeError(`crashOnNaN: expected a number for x, got ${typeof a[0]}`);
    },
  },
];

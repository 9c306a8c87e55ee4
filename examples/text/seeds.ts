// The demo's random streams, derived from its one --seed so that the split, the shuffling,
// the weights and the samples are independent and each replays on its own.

/** The word split's stream (fixed by the seed alone: every model sees the same split). */
export const splitSeed = (seed: number): number => seed * 4 + 1;
/** The per-epoch batch orders' stream. */
export const shuffleSeed = (seed: number): number => seed * 4 + 2;
/** The initial weights' stream. */
export const initSeed = (seed: number): number => seed * 4 + 3;
/** The samples' stream. */
export const sampleSeed = (seed: number): number => seed * 4 + 4;

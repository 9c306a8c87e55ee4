// Kernels use one thread in unit tests unless a test is about threads: two jest workers on a
// shared 2-core machine would otherwise oversubscribe it.
process.env.KILN_NUM_THREADS = process.env.KILN_NUM_THREADS ?? '1';

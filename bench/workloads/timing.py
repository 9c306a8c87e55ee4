"""Timing shared by the PyTorch side of the benchmarks."""
import time


def timed(fn, iters):
    """Seconds per call of fn, after one warm-up call."""
    fn()
    t = time.perf_counter()
    for _ in range(iters):
        fn()
    return (time.perf_counter() - t) / iters

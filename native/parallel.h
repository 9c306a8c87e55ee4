// A small thread pool for kernels: parallel_for splits [0, n) into contiguous chunks.
//
// Why not OpenMP: its barriers busy-wait, and on a shared 2-core machine a 2-thread GEMM
// collapsed from ~200 to ~15 GFLOP/s when another process held a core. These workers sleep
// on a condition variable, and the calling thread takes a chunk itself, so a busy core
// costs at most one chunk of waiting. It also needs no libgomp at load time.
#pragma once
#include <cstddef>
#include <functional>

namespace kiln {

// Number of threads kernels use (>= 1). Defaults to the hardware concurrency.
int get_num_threads();
void set_num_threads(int n);

// Runs fn(begin, end) over disjoint chunks covering [0, n). Chunks are at least `grain`
// long, so small problems stay on the calling thread. Blocks until every chunk is done.
// fn must not throw.
void parallel_for(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& fn);

}  // namespace kiln

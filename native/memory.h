// Process allocator settings for large tensors.
#pragma once

namespace kiln {

// Keeps large freed blocks in glibc's heap instead of returning them to the kernel, so the
// next tensor of the same size reuses warm pages instead of page-faulting fresh ones
// (measured here: BatchNorm2d fwd+bwd on (256, 64, 32, 32) 90 -> 33 ms per step; PyTorch
// users get the same effect from MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_). Applied
// once at load unless KILN_MALLOC_TUNING=0 or the process set its own MALLOC_* variables.
// Returns true when the settings were applied. A no-op outside glibc.
bool tune_malloc();

}  // namespace kiln

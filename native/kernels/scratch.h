// Per-thread scratch buffers for kernels (im2col columns, Winograd tiles).
#pragma once
#include <cstddef>
#include <vector>

namespace kiln {

inline std::vector<float>& scratch_buffer() {
  thread_local std::vector<float> buf;  // one per thread, shared by every kernel file
  return buf;
}

// A buffer of at least n floats on this thread, reused across calls: the pool's threads live as
// long as the process, so a training loop allocates its buffers once, not once per step.
// Contents are undefined; one user per thread at a time (kernels do not nest their use).
inline float* scratch(std::size_t n) {
  std::vector<float>& buf = scratch_buffer();
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

// Frees the buffer if it grew past `keep` floats (64 MB by default), so that one call on a very
// large input does not pin its memory for the life of the process.
inline void trim_scratch(std::size_t keep = std::size_t(1) << 24) {
  std::vector<float>& buf = scratch_buffer();
  if (buf.size() > keep) std::vector<float>().swap(buf);
}

}  // namespace kiln

#include "memory.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace kiln {

bool tune_malloc() {
#if defined(__GLIBC__)
  const char* opt = std::getenv("KILN_MALLOC_TUNING");
  if (opt != nullptr && std::strcmp(opt, "0") == 0) return false;
  // The user's own MALLOC_* settings win.
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_") || std::getenv("GLIBC_TUNABLES"))
    return false;
  // 1 GiB: tensors below it come from the heap, whose freed blocks are reused warm.
  const int mmap_ok = mallopt(M_MMAP_THRESHOLD, 1 << 30);
  // Keep up to 1 GiB of free memory at the top of the heap instead of trimming it each free.
  const int trim_ok = mallopt(M_TRIM_THRESHOLD, 1 << 30);
  return mmap_ok == 1 && trim_ok == 1;
#else
  return false;
#endif
}

}  // namespace kiln

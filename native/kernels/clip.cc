#include "clip.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../parallel.h"

namespace kiln {

namespace {

constexpr std::size_t kGrain = std::size_t(1) << 16;

// Each chunk's partial sum is kept apart, then summed in chunk order, so the result does not
// depend on which thread ran first.
template <typename F>
double chunked_sum(int n, F partial) {
  const std::size_t N = static_cast<std::size_t>(n);
  const std::size_t chunks = (N + kGrain - 1) / kGrain;
  std::vector<double> parts(chunks, 0.0);
  parallel_for(chunks, 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t c = begin; c < end; c++) {
      const std::size_t lo = c * kGrain, hi = std::min(N, lo + kGrain);
      parts[c] = partial(lo, hi);
    }
  });
  double total = 0.0;
  for (double s : parts) total += s;
  return total;
}

}  // namespace

double sum_abs_pow(const float* x, int n, double p) {
  return chunked_sum(n, [&](std::size_t lo, std::size_t hi) {
    Eigen::Map<const Eigen::ArrayXf> a(x + lo, static_cast<Eigen::Index>(hi - lo));
    // Float blocks of 64K summed into a double: error ~1e-7 relative per block.
    if (p == 2.0) return static_cast<double>(a.square().sum());
    if (p == 1.0) return static_cast<double>(a.abs().sum());
    if (p == 0.0) return static_cast<double>((a != 0.0f).count());
    double s = 0.0;
    for (std::size_t i = lo; i < hi; i++) s += std::pow(std::fabs(static_cast<double>(x[i])), p);
    return s;
  });
}

float max_abs(const float* x, int n) {
  if (n == 0) return 0.0f;
  return Eigen::Map<const Eigen::ArrayXf>(x, n).abs().maxCoeff<Eigen::PropagateNaN>();
}

void scale_inplace(float* x, int n, float c) {
  parallel_for(static_cast<std::size_t>(n), kGrain, [&](std::size_t begin, std::size_t end) {
    Eigen::Map<Eigen::ArrayXf> a(x + begin, static_cast<Eigen::Index>(end - begin));
    a *= c;
  });
}

}  // namespace kiln

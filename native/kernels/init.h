// Weight initialisation that needs more than a plain uniform or normal fill: the truncated
// normal and the (semi-)orthogonal matrix of torch.nn.init.
//
// Sizes: n elements (any shape, flattened); rows = size of dimension 0, cols = the product of
// the other dimensions (torch.nn.init.orthogonal_ flattens them).
//   trunc_normal: out (n)
//   orthogonal:   out (rows, cols), row-major
// Both draw from the counter-based stream of random.h: value i of a draw is a function of
// (seed, offset + i), so the result does not depend on the thread count.
#pragma once
#include <cstddef>
#include <cstdint>

namespace kiln {

// out[i] ~ N(mean, std^2) conditioned on a <= out[i] <= b (absolute bounds, as PyTorch's
// trunc_normal_). a may be -inf and b +inf; requires std > 0 and a < b. Draws n values.
void trunc_normal(float* out, std::size_t n, double mean, double std, double a, double b, std::uint64_t seed,
                  std::uint64_t offset);

// out = gain * Q, a (semi-)orthogonal matrix: Q^T Q = I when rows >= cols, Q Q^T = I otherwise.
// Draws rows * cols values. Returns false (out untouched) if scratch memory cannot be had.
bool orthogonal(float* out, int rows, int cols, float gain, std::uint64_t seed, std::uint64_t offset);

// The standard normal quantile Phi^-1(p), p in [0, 1] (+-inf at the ends); exposed for tests.
double normal_quantile(double p);

}  // namespace kiln

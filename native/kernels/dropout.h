// Dropout (Srivastava et al. 2014), in the "inverted" form PyTorch uses: in training each
// element is zeroed with probability p and the survivors are scaled by 1/(1-p), so the
// expected output equals the input and evaluation needs no rescaling.
//
// Sizes: n elements (any shape, flattened).
//   dropout_forward:  out (n), mask (n) or nullptr, inp (n)
//   dropout_backward: dinp (n), dout (n), mask (n)
// The keep/drop decision for element i is a function of (seed, offset + i) only (random.h),
// so the same Generator state gives the same mask whatever the thread count.
#pragma once
#include <cstddef>
#include <cstdint>

namespace kiln {

// out = inp * mask, where mask[i] = 0 with probability p and 1/(1-p) otherwise. The mask
// (each element's multiplier) is saved for the backward pass; pass nullptr when no gradient
// is needed. p in [0, 1]; p = 1 zeroes everything, as PyTorch.
void dropout_forward(float* out, float* mask, const float* inp, std::size_t n, double p, std::uint64_t seed,
                     std::uint64_t offset);

// dinp += dout * mask: the gradient flows through the survivors, scaled as they were.
void dropout_backward(float* dinp, const float* dout, const float* mask, std::size_t n);

}  // namespace kiln

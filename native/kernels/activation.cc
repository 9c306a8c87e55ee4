// ReLU natively: CNN feature maps are millions of elements per step, where a JavaScript loop
// (bounds checks, no SIMD) cost ~2 ns an element against ~0.1 here; both directions are a
// single vectorised pass, parallel over contiguous chunks.
#include "activation.h"

#include "../parallel.h"

namespace kiln {
namespace {

constexpr std::size_t kGrain = 1 << 16;  // elements per task: below this a hand-off costs more

// The loops take restrict pointers as plain parameters (not a lambda's captures, which the
// stores could alias): that is what lets the compiler vectorise them.
void relu_range(float* __restrict out, const float* __restrict inp, std::size_t n) {
  // a < 0 ? 0 : a keeps NaN (the comparison is false) and compiles to one vmaxps.
  for (std::size_t i = 0; i < n; ++i) out[i] = inp[i] < 0.0f ? 0.0f : inp[i];
}

void relu_backward_range(float* __restrict dinp, const float* __restrict dout, const float* __restrict out,
                         std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dinp[i] += out[i] <= 0.0f ? 0.0f : dout[i];
}

}  // namespace

void relu_forward(float* out, const float* inp, std::size_t n) {
  parallel_for(n, kGrain, [=](std::size_t b, std::size_t e) { relu_range(out + b, inp + b, e - b); });
}

void relu_backward(float* dinp, const float* dout, const float* out, std::size_t n) {
  parallel_for(n, kGrain, [=](std::size_t b, std::size_t e) { relu_backward_range(dinp + b, dout + b, out + b, e - b); });
}

}  // namespace kiln

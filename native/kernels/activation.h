// Elementwise activations on flat float buffers.
//
// Sizes: n elements.
//   out, inp, dinp, dout: (n)
#pragma once
#include <cstddef>

namespace kiln {

// out = max(inp, 0), NaN kept (torch.relu). out may not alias inp.
void relu_forward(float* out, const float* inp, std::size_t n);

// dinp += out <= 0 ? 0 : dout: PyTorch's threshold_backward on the result, so a NaN passes
// its gradient as there. dinp may not alias dout or out.
void relu_backward(float* dinp, const float* dout, const float* out, std::size_t n);

}  // namespace kiln

// Fully connected layer, y = x W^T + b (torch.nn.Linear's layout: W is (OC, C)).
//
// Sizes: N rows (batch, and any leading dimensions flattened), C input features,
// OC output features.
//   out:    (N, OC)     inp:  (N, C)
//   weight: (OC, C)     bias: (OC), or nullptr for no bias
#pragma once

namespace kiln {

void linear_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C, int OC);

// Gradients accumulate (+=) so that shared weights work; a null output is skipped.
//   dinp: (N, C)   dweight: (OC, C)   dbias: (OC)   dout: (N, OC)
void linear_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp, const float* weight,
                     int N, int C, int OC);

}  // namespace kiln

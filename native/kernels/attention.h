// The softmax of scaled dot-product attention (Vaswani et al. 2017, "Attention is all you
// need"), fused: scale, additive mask, causal mask, row max, exp and normalisation in one pass
// over each row of scores, and its backward. The two matrix products around it (Q K^T and P V)
// run on gemm.
//
// Sizes: B batches (every leading dimension flattened), L query rows, S key columns; BM mask
// batches, 1 (one (L, S) mask for every batch) or B.
//   attention_softmax_forward:  probs (B, L, S), scores (B, L, S), mask (BM, L, S) or nullptr
//   attention_softmax_backward: dscores (B * L, S), probs (B * L, S), dprobs (B * L, S)
#pragma once

namespace kiln {

// probs[b, i, :] = softmax(scale * scores[b, i, :] + mask[b or 0, i, :] + causal[i, :]), where
// causal[i, j] = -inf for j > i when `causal`, else 0. Numerically stable (the row max is
// subtracted before exp, sums in double). A row whose every entry is -inf (fully masked) gives
// NaN, as PyTorch's softmax does. probs may alias scores.
void attention_softmax_forward(float* probs, const float* scores, const float* mask, int B, int L, int S, int BM,
                               float scale, bool causal);

// dscores[r, :] = probs[r, :] * (dprobs[r, :] - sum_j probs[r, j] dprobs[r, j]): the gradient
// with respect to the softmax's input z = scale * scores + mask (the mask's gradient as is; the
// scores' after multiplying by scale). Writes (=), over `rows` rows of S.
void attention_softmax_backward(float* dscores, const float* probs, const float* dprobs, int rows, int S);

}  // namespace kiln

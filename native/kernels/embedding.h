// Embedding lookup (torch.nn.Embedding / F.embedding): a gather of weight rows by integer id,
// and its adjoint, a scatter-add of the output gradient into the rows the ids named.
//
// Sizes: n ids (every dimension of the id tensor flattened), V rows of the table
// (numEmbeddings), E columns (embeddingDim).
//   out, dout:  (n, E)       weight, dweight: (V, E)       ids: (n) int32, each in [0, V)
//   padding_idx: a row in [0, V) whose gradient stays zero, or -1 for none
#pragma once
#include <cstdint>

namespace kiln {

// out[i, :] = weight[ids[i], :].
void embedding_forward(float* out, const float* weight, const std::int32_t* ids, int n, int V, int E);

// dweight[ids[i], :] += dout[i, :] for every i with ids[i] != padding_idx. Repeated ids add up.
// Deterministic: each thread owns a band of columns and walks the ids in order, so every
// element of dweight receives its additions in the order of i whatever the thread count (no
// races, no atomics).
void embedding_backward(float* dweight, const float* dout, const std::int32_t* ids, int n, int V, int E,
                        int padding_idx);

}  // namespace kiln

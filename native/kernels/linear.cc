#include "linear.h"

#include <Eigen/Core>

#include "gemm.h"

namespace kiln {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void linear_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C, int OC) {
  // W is read transposed in place: no copy of the weight per step.
  sgemm(out, inp, weight, N, OC, C, false, true, 0.0f);
  if (bias != nullptr && N > 0) {
    Eigen::Map<RowMat> Y(out, N, OC);
    Eigen::Map<const Eigen::RowVectorXf> b(bias, OC);
    Y.rowwise() += b;
  }
}

void linear_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp, const float* weight,
                     int N, int C, int OC) {
  if (dinp != nullptr) sgemm(dinp, dout, weight, N, C, OC, false, false, 1.0f);     // dX += dY W
  if (dweight != nullptr) sgemm(dweight, dout, inp, OC, C, N, true, false, 1.0f);   // dW += dY^T X
  if (dbias != nullptr && N > 0) {
    Eigen::Map<const RowMat> dY(dout, N, OC);
    Eigen::Map<Eigen::RowVectorXf> db(dbias, OC);
    // The column sums go through an aligned vector first: Eigen sums a column in another order
    // in its scalar path, which it takes for the elements of an unaligned destination before
    // its first aligned address, so summing straight into dbias made the bits depend on where
    // dbias lies.
    const Eigen::RowVectorXf sums = dY.colwise().sum();
    db += sums;
  }
}

}  // namespace kiln

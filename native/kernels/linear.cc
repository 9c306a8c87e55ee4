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
    db += dY.colwise().sum();
  }
}

}  // namespace kiln

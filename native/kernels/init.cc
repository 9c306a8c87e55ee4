#include "init.h"

#include <Eigen/Core>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <new>

#include "../parallel.h"
#include "random.h"

namespace kiln {

namespace {

using ColMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Phi(z) through erfc, which keeps relative precision in the left tail (Phi(-10) ~ 7.6e-24).
double normal_cdf(double z) { return 0.5 * std::erfc(-z * 0.70710678118654752440); }

// Uniform in (0, 1), never 0 or 1, so the quantile below stays finite: 52 bits, centred.
double open_uniform(std::uint64_t bits) { return (static_cast<double>(bits >> 12) + 0.5) * (1.0 / 4503599627370496.0); }

// Q (m, k) of the thin QR of X (m, k), m >= k, from the Householder vectors Eigen left in X.
// Q = H_0 H_1 ... H_{k-1} [I_k; 0] is built from the last reflector back: block j touches only
// rows and columns >= j, because the columns left of j are still those of the identity (as
// LAPACK's sorgqr). Blocks of 96 reflectors let Eigen apply them as two 48-wide block
// reflectors (Schreiber & Van Loan 1989), i.e. through matrix products rather than rank-1 updates.
template <typename Dst>
void form_q(Dst& Q, const ColMat& X, const Eigen::VectorXf& h) {
  const Eigen::Index m = X.rows(), k = X.cols();
  const Eigen::Index B = 96;
  Q.setZero();
  for (Eigen::Index j = 0; j < k; ++j) Q(j, j) = 1.0f;
  for (Eigen::Index j = ((k - 1) / B) * B; j >= 0; j -= B) {
    const Eigen::Index bs = std::min(B, k - j);
    auto dst = Q.block(j, j, m - j, k - j);
    dst.applyOnTheLeft(Eigen::householderSequence(X.block(j, j, m - j, bs), h.segment(j, bs)));
  }
}

}  // namespace

// Wichura 1988, Algorithm AS 241 (PPND16): the normal quantile to about 1e-16 relative.
double normal_quantile(double p) {
  if (!(p > 0.0)) return p == 0.0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  if (!(p < 1.0)) return p == 1.0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    const double num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                            45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                         133.14166789178437745) * r + 3.387132872796366608) * q;
    const double den = (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                            21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
                         42.313330701600911252) * r + 1.0);
    return num / den;
  }
  double r = std::sqrt(-std::log(q < 0 ? p : 1.0 - p));
  double x;
  if (r <= 5.0) {
    r -= 1.6;
    x = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
             1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
          4.6303378461565452959) * r + 1.42343711074968357734) /
        (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
             0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
          2.05319162663775882187) * r + 1.0);
  } else {
    r -= 5.0;
    x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
             0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
          5.4637849111641143699) * r + 6.6579046435011037772) /
        (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
             7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
          0.59983220655588793769) * r + 1.0);
  }
  return q < 0 ? -x : x;
}

// Inverse-CDF sampling, the method of PyTorch's trunc_normal_ (Burkardt, "The Truncated Normal
// Distribution"): x = mean + std * Phi^-1(Phi(alpha) + u (Phi(beta) - Phi(alpha))). PyTorch
// runs it in float32 through erfinv; here it runs in double, and an interval right of the
// mean is reflected to the left, where the CDF is small and keeps its precision, so that
// tails like [3 std, 4 std] are sampled as accurately as the centre.
void trunc_normal(float* out, std::size_t n, double mean, double std, double a, double b, std::uint64_t seed,
                  std::uint64_t offset) {
  double alpha = (a - mean) / std, beta = (b - mean) / std;
  const bool flip = alpha + beta > 0;
  if (flip) {
    const double t = alpha;
    alpha = -beta;
    beta = -t;
  }
  const double lo = normal_cdf(alpha), span = normal_cdf(beta) - lo;
  const double sign = flip ? -std : std;
  parallel_for(n, 1 << 13, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const double z = normal_quantile(lo + open_uniform(random_bits(seed, offset + i)) * span);
      // The clamp only catches rounding at the ends (and a degenerate interval in the far tail).
      out[i] = static_cast<float>(std::min(std::max(mean + sign * z, a), b));
    }
  });
}

// Saxe, McClelland & Ganguli 2013 (orthogonal initialisation), sampled as in PyTorch's
// orthogonal_: the QR of a standard normal matrix, transposed when wide, with the columns of Q
// multiplied by sign(diag(R)) so that Q is Haar-distributed (Mezzadri 2007, "How to generate
// random matrices from the classical compact groups"); without the fix, Q's distribution
// depends on the sign convention of the QR routine.
bool orthogonal(float* out, int rows, int cols, float gain, std::uint64_t seed, std::uint64_t offset) {
  if (rows == 0 || cols == 0) return true;
  // Factorise an (m, k) matrix with m >= k: the matrix itself when tall, its transpose when wide.
  const bool wide = rows < cols;
  const Eigen::Index m = wide ? cols : rows, k = wide ? rows : cols;
  try {
    ColMat X(m, k);
    random_normal(X.data(), static_cast<std::size_t>(m) * static_cast<std::size_t>(k), 0.0f, 1.0f, seed, offset);
    Eigen::HouseholderQR<Eigen::Ref<ColMat>> qr(X);  // in place: R above the diagonal, reflectors below
    Eigen::VectorXf h = qr.hCoeffs();
    Eigen::RowVectorXf scale(k);
    for (Eigen::Index j = 0; j < k; ++j) scale(j) = X(j, j) < 0 ? -gain : gain;  // sign(0) taken as +1
    // The output is row-major (rows, cols). Tall: that is Q itself, written row-major. Wide: the
    // output is Q^T, whose row-major layout is Q's column-major one. Either way no transpose copy.
    if (wide) {
      Eigen::Map<ColMat> Q(out, m, k);
      form_q(Q, X, h);
      Q.array().rowwise() *= scale.array();
    } else {
      Eigen::Map<RowMat> Q(out, m, k);
      form_q(Q, X, h);
      Q.array().rowwise() *= scale.array();
    }
  } catch (const std::bad_alloc&) {
    return false;
  }
  return true;
}

}  // namespace kiln

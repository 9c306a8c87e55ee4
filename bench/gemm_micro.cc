// Standalone sgemm microbenchmark: kiln's sgemm vs Eigen's GEMM vs OpenBLAS (if it can be
// dlopen'ed), on square and training-shaped problems, plus a float64 check of kiln's result.
// Not part of the addon. Build and run (from the repo root):
//   g++ -O3 -march=native -std=c++17 -DNDEBUG -DEIGEN_DONT_PARALLELIZE -I/usr/include/eigen3 \
//     bench/gemm_micro.cc native/kernels/gemm.cc native/parallel.cc -o /tmp/gemm_micro -ldl -pthread
//   OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=1 /tmp/gemm_micro 1
// The argument is the thread count (kiln's and OpenBLAS's). Set KILN_OPENBLAS to the library's
// path to override the default /usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0.
#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <random>
#include <string>
#include <vector>

#include "../native/kernels/gemm.h"
#include "../native/parallel.h"

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMat>;

// The previous implementation, single call (no banding): Eigen's GEMM.
void eigen_gemm(float* c, const float* a, const float* b, int M, int N, int K, bool ta, bool tb, float beta) {
  Eigen::Map<RowMat> C(c, M, N);
  auto go = [&](const auto& A) {
    if (tb) {
      ConstMap B(b, N, K);
      if (beta == 0.0f) C.noalias() = A * B.transpose(); else C.noalias() += A * B.transpose();
    } else {
      ConstMap B(b, K, N);
      if (beta == 0.0f) C.noalias() = A * B; else C.noalias() += A * B;
    }
  };
  if (ta) go(ConstMap(a, K, M).transpose()); else go(ConstMap(a, M, K));
}

using CblasSgemm = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float,
                            float*, int);
using SetThreads = void (*)(int);
CblasSgemm blas = nullptr;

void blas_gemm(float* c, const float* a, const float* b, int M, int N, int K, bool ta, bool tb, float beta) {
  // CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112.
  blas(101, ta ? 112 : 111, tb ? 112 : 111, M, N, K, 1.0f, a, ta ? M : K, b, tb ? K : N, beta, c, N);
}

struct Shape {
  const char* name;
  int M, N, K;
  bool ta, tb;
};

template <class F>
double gflops(F f, const Shape& s) {
  const double flop = 2.0 * s.M * s.N * s.K;
  int iters = std::max(1, static_cast<int>(2e8 / flop));
  f();  // warm up (and grow packing buffers)
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) f();
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / iters;
    best = std::min(best, dt);
  }
  return flop / best / 1e9;
}

double check(const Shape& s, const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& c) {
  double worst = 0;
  for (int i = 0; i < s.M; i += std::max(1, s.M / 17))
    for (int j = 0; j < s.N; j += std::max(1, s.N / 13)) {
      double acc = 0;
      for (int k = 0; k < s.K; ++k) {
        double x = s.ta ? a[static_cast<size_t>(k) * s.M + i] : a[static_cast<size_t>(i) * s.K + k];
        double y = s.tb ? b[static_cast<size_t>(j) * s.K + k] : b[static_cast<size_t>(k) * s.N + j];
        acc += x * y;
      }
      worst = std::max(worst, std::abs(acc - c[static_cast<size_t>(i) * s.N + j]));
    }
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  kiln::set_num_threads(threads);
  const char* lib = std::getenv("KILN_OPENBLAS");
  if (void* h = dlopen(lib ? lib : "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0", RTLD_NOW)) {
    blas = reinterpret_cast<CblasSgemm>(dlsym(h, "cblas_sgemm"));
    if (auto st = reinterpret_cast<SetThreads>(dlsym(h, "openblas_set_num_threads"))) st(threads);
  }
  std::vector<Shape> shapes = {
      {"sq256", 256, 256, 256, false, false},
      {"sq512", 512, 512, 512, false, false},
      {"sq1024", 1024, 1024, 1024, false, false},
      {"sq2048", 2048, 2048, 2048, false, false},
      {"mlp fwd b32  X W^T", 32, 512, 784, false, true},
      {"mlp fwd b512 X W^T", 512, 512, 784, false, true},
      {"mlp dW b128 dY^T X", 512, 784, 128, true, false},
      {"mlp dX b128 dY W", 128, 784, 512, false, false},
      {"dW shape, no trans", 512, 784, 128, false, false},
      {"dW shape, K=256 trans_a", 512, 784, 256, true, false},
      {"conv fwd 64x288x784", 64, 784, 288, false, false},
      {"conv fwd 64x288x25088", 64, 25088, 288, false, false},
      {"conv dW 64x784x288 ^T", 64, 288, 784, false, true},
      {"conv dcol 288x64x784 T", 288, 784, 64, true, false},
      {"gemv 1x512x784 W^T", 1, 512, 784, false, true},
      {"gemv 1x784x512 W", 1, 784, 512, false, false},
      {"gemv 512x1x784", 512, 1, 784, false, false},
      {"small 4x512x784 W^T", 4, 512, 784, false, true},
      {"small 8x10x64", 8, 10, 64, false, false},
      {"small 2x512x784 W^T", 2, 512, 784, false, true},
      {"small 3x512x784 W^T", 3, 512, 784, false, true},
      {"small 32x32x32", 32, 32, 32, false, false},
      {"small 33x33x33", 33, 33, 33, false, false},
      {"small 48x64x48", 48, 64, 48, false, false},
  };
  std::mt19937 rng(1);
  std::normal_distribution<float> nd;
  std::printf("%-26s %9s %9s %9s %7s  %s\n", "shape", "kiln", "eigen", "openblas", "k/blas", "max err");
  for (const Shape& s : shapes) {
    std::vector<float> a(static_cast<size_t>(s.M) * s.K), b(static_cast<size_t>(s.K) * s.N),
        c(static_cast<size_t>(s.M) * s.N);
    for (auto& x : a) x = nd(rng);
    for (auto& x : b) x = nd(rng);
    auto run = [&](auto fn) { return [&, fn] { fn(c.data(), a.data(), b.data(), s.M, s.N, s.K, s.ta, s.tb, 0.0f); }; };
    double k = gflops(run(kiln::sgemm), s);
    double err = check(s, a, b, c);
    double e = threads == 1 ? gflops(run(eigen_gemm), s) : 0.0;
    double o = blas ? gflops(run(blas_gemm), s) : 0.0;
    std::printf("%-26s %9.1f %9.1f %9.1f %7.2f  %.2e\n", s.name, k, e, o, o > 0 ? k / o : 0.0, err);
  }
}

#include "parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kiln {
namespace {

class ThreadPool {
 public:
  ~ThreadPool() { resize(0); }

  // Keeps `workers` background threads; the caller of run() is one more.
  void resize(int workers) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
    stop_ = false;
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { loop(); });
  }

  int workers() const { return static_cast<int>(threads_.size()); }

  // Runs task(i) for i in [0, tasks); the calling thread takes tasks too.
  void run(int tasks, const std::function<void(int)>& task) {
    std::lock_guard<std::mutex> one_job(job_mu_);  // kernels called from two JS threads queue here
    // Each run has its own Job, shared with the workers, so a worker that wakes late can
    // only find an exhausted counter: it can never run a task of the next job twice.
    auto job = std::make_shared<Job>();
    job->task = &task;
    job->tasks = tasks;
    {
      std::unique_lock<std::mutex> lock(mu_);
      job_ = job;
    }
    cv_.notify_all();
    drain(*job);
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return job->pending.load() == job->tasks; });
    job_.reset();
  }

 private:
  struct Job {
    const std::function<void(int)>* task = nullptr;
    int tasks = 0;
    std::atomic<int> next{0};
    std::atomic<int> pending{0};  // tasks finished
  };

  void drain(Job& job) {
    for (;;) {
      int i = job.next.fetch_add(1);
      if (i >= job.tasks) return;
      (*job.task)(i);
      if (job.pending.fetch_add(1) + 1 == job.tasks) {
        std::lock_guard<std::mutex> lock(mu_);
        done_cv_.notify_all();
      }
    }
  }

  void loop() {
    std::shared_ptr<Job> last;
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || (job_ && job_ != last); });
        if (stop_) return;
        job = job_;
      }
      last = job;
      drain(*job);
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mu_, job_mu_;
  std::condition_variable cv_, done_cv_;
  std::shared_ptr<Job> job_;
  bool stop_ = false;
};

int g_threads = 0;  // 0: not yet set, use the hardware concurrency

ThreadPool& pool() {
  static ThreadPool p;
  return p;
}

}  // namespace

int get_num_threads() {
  if (g_threads <= 0) {
    unsigned hc = std::thread::hardware_concurrency();
    g_threads = hc == 0 ? 1 : static_cast<int>(hc);
  }
  return g_threads;
}

void set_num_threads(int n) { g_threads = std::max(1, n); }

void parallel_for(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& fn) {
  if (n == 0) return;
  const std::size_t threads = static_cast<std::size_t>(get_num_threads());
  grain = std::max<std::size_t>(grain, 1);
  std::size_t chunks = std::min(threads, (n + grain - 1) / grain);
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  ThreadPool& p = pool();
  if (p.workers() != static_cast<int>(threads) - 1) p.resize(static_cast<int>(threads) - 1);
  const std::size_t step = (n + chunks - 1) / chunks;
  p.run(static_cast<int>(chunks), [&](int c) {
    std::size_t b = static_cast<std::size_t>(c) * step;
    std::size_t e = std::min(n, b + step);
    if (b < e) fn(b, e);
  });
}

}  // namespace kiln

#pragma once
// The pool that runs request handlers (DESIGN.md §3): blocking work (SQLite reads, waiting for
// the writer) happens here, never on an I/O thread. The queue is bounded so overload is refused
// early instead of growing memory.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace harbour::core {

class WorkerPool {
 public:
  using Task = std::function<void()>;

  // nice > 0 lowers the threads' CPU priority (Linux per-thread nice): for long CPU work that
  // must yield to the I/O thread and the other workers.
  WorkerPool(unsigned threads, std::size_t max_queue, int nice = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full or the pool is stopping; the caller answers 503.
  bool try_post(Task task);
  // Runs every queued task, then joins the threads. Idempotent.
  void stop();
  std::size_t queue_depth() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  std::size_t max_queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace harbour::core

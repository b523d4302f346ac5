// A Communicator whose "processes" are threads of one program: what the
// data-parallel Trainer does is tested without MPI. Each sum adds the ranks'
// values in rank order on every thread, so every thread gets the same bits.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scratchnet/training/communicator.hpp"

namespace scratchnet::test {

// What the threads share: the barrier and each rank's posted data.
class ThreadGroup {
 public:
  explicit ThreadGroup(int size)
      : posted_(static_cast<std::size_t>(size)),
        bytes_(static_cast<std::size_t>(size)),
        size_(size) {}

  int size() const { return size_; }

  // Returns when every thread has called it (as many times).
  void wait_for_all() {
    std::unique_lock<std::mutex> lock(mutex_);
    const long long round = round_;
    if (++arrived_ == size_) {
      arrived_ = 0;
      ++round_;
      all_arrived_.notify_all();
    } else {
      all_arrived_.wait(lock, [&] { return round_ != round; });
    }
  }

  std::vector<const void*> posted_;
  std::vector<std::string> bytes_;

 private:
  int size_;
  std::mutex mutex_;
  std::condition_variable all_arrived_;
  int arrived_ = 0;
  long long round_ = 0;
};

class ThreadProcess : public Communicator {
 public:
  ThreadProcess(ThreadGroup& group, int rank) : group_(group), rank_(rank) {}

  int rank() const override { return rank_; }
  int size() const override { return group_.size(); }
  void sum(float* values, std::size_t count) override { sum_in_rank_order(values, count); }
  void sum(double* values, std::size_t count) override { sum_in_rank_order(values, count); }

  std::vector<std::string> all_gather(const std::string& bytes) override {
    group_.bytes_[static_cast<std::size_t>(rank_)] = bytes;
    group_.wait_for_all();
    std::vector<std::string> all = group_.bytes_;
    group_.wait_for_all();
    return all;
  }

 private:
  template <typename T>
  void sum_in_rank_order(T* values, std::size_t count) {
    group_.posted_[static_cast<std::size_t>(rank_)] = values;
    group_.wait_for_all();
    std::vector<T> total(count, T(0));
    for (const void* posted : group_.posted_) {
      const T* theirs = static_cast<const T*>(posted);
      for (std::size_t i = 0; i < count; ++i) total[i] += theirs[i];
    }
    group_.wait_for_all();  // every thread has read every other's values
    std::copy(total.begin(), total.end(), values);
  }

  ThreadGroup& group_;
  int rank_;
};

// Runs body(process) on `size` threads, one rank each, and returns when all
// have finished.
inline void run_as_processes(int size, const std::function<void(Communicator&)>& body) {
  ThreadGroup group(size);
  std::vector<std::thread> threads;
  for (int r = 0; r < size; ++r) {
    threads.emplace_back([&group, &body, r] {
      ThreadProcess process(group, r);
      body(process);
    });
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace scratchnet::test

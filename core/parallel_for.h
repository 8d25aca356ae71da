#pragma once
// The project's one thread pool. Demo collection, evaluation rollouts and all-pairs DTW run
// independent jobs on worker threads and need the same two guarantees: results that do not depend
// on the thread count, and the error of a failing job reported as if the jobs had run in order.

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace immimic::core {

// Threads to use for `requested` (0: one per core), never more than `jobs`, at least 1.
inline int ThreadsFor(int requested, int jobs) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return std::max(1, std::min(requested > 0 ? requested : cores, jobs));
}

template <typename State, typename Result>
struct OrderedParallelJobs {
  // Runs on a worker for index 0, 1, 2, ... with that worker's own State (default-constructed on
  // the worker, so expensive members can be made lazily inside produce).
  std::function<Result(int index, State& state)> produce;
  // Runs on the calling thread, strictly in index order. Returning false stops: no further index
  // starts, and the call returns once running jobs end.
  std::function<bool(int index, Result& result)> consume;
  // Optional admission: asked under the pool's lock before index `next` starts, with `consumed`
  // results taken so far; workers wait while it says no. It must say yes whenever next ==
  // consumed (nothing running or waiting), or the pool would wait forever. What else it reads is
  // updated by produce and consume (atomics); the pool asks again after each of them.
  std::function<bool(int next, int consumed)> may_start;
};

// Runs jobs [0, count) on `threads` workers, at most `lookahead` indices ahead of the consumer.
// An exception thrown by produce is rethrown here when its index's turn to be consumed comes, so
// the error is the one of the first failing index for any thread count; one thrown by consume
// stops the workers and is rethrown after they have joined.
template <typename State, typename Result>
void OrderedParallelFor(int count, int threads, int lookahead,
                        const OrderedParallelJobs<State, Result>& jobs) {
  struct Slot {
    std::optional<Result> result;
    std::exception_ptr error;
  };
  std::mutex mutex;
  std::condition_variable changed;
  std::map<int, Slot> finished;
  int next = 0, consumed = 0;
  bool stop = false;
  auto may_start = [&] {
    return next < consumed + lookahead && (!jobs.may_start || jobs.may_start(next, consumed));
  };
  auto worker = [&] {
    State state;
    for (;;) {
      int index;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return stop || next >= count || may_start(); });
        if (stop || next >= count) return;
        index = next++;
      }
      Slot slot;
      try {
        slot.result.emplace(jobs.produce(index, state));
      } catch (...) {
        slot.error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex);
      finished[index] = std::move(slot);
      changed.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < std::max(1, threads); ++i) pool.emplace_back(worker);
  auto stop_workers = [&] {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stop = true;
    }
    changed.notify_all();
    for (std::thread& thread : pool) thread.join();
  };
  try {
    for (int index = 0; index < count; ++index) {
      Slot slot;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return finished.count(index) > 0; });
        slot = std::move(finished[index]);
        finished.erase(index);
      }
      if (slot.error) std::rethrow_exception(slot.error);
      const bool go_on = jobs.consume(index, *slot.result);
      {
        std::lock_guard<std::mutex> lock(mutex);
        consumed = index + 1;
      }
      changed.notify_all();
      if (!go_on) break;
    }
  } catch (...) {
    stop_workers();
    throw;
  }
  stop_workers();
}

// Runs task(index, state) for index in [0, count) on `threads` threads, each with its own State,
// in any order; each task writes only its own output slot. Rethrows the error of the lowest
// failing index.
template <typename State, typename Task>
void ParallelFor(int count, int threads, const Task& task) {
  OrderedParallelJobs<State, bool> jobs;
  jobs.produce = [&](int index, State& state) {
    task(index, state);
    return true;
  };
  jobs.consume = [](int, bool&) { return true; };
  OrderedParallelFor(count, std::min(threads, std::max(1, count)), count, jobs);
}

}  // namespace immimic::core

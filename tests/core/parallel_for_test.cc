#include "core/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

namespace immimic::core {
namespace {

// Consumed indices and values for a run of `count` squaring jobs on `threads` workers.
std::vector<int> SquaresInOrder(int count, int threads) {
  OrderedParallelJobs<int, int> jobs;
  std::vector<int> seen;
  jobs.produce = [](int index, int& calls) {
    ++calls;  // per-worker state
    return index * index;
  };
  jobs.consume = [&](int index, int& value) {
    EXPECT_EQ(value, index * index);
    seen.push_back(index);
    return true;
  };
  OrderedParallelFor(count, threads, 2 * threads, jobs);
  return seen;
}

TEST(OrderedParallelFor, ConsumesEveryIndexInOrderForAnyThreadCount) {
  std::vector<int> expected(37);
  for (int i = 0; i < 37; ++i) expected[i] = i;
  for (int threads : {1, 2, 5}) EXPECT_EQ(SquaresInOrder(37, threads), expected) << threads;
  EXPECT_TRUE(SquaresInOrder(0, 3).empty());
}

TEST(OrderedParallelFor, RethrowsTheFirstFailingIndexWhateverFinishesFirst) {
  for (int threads : {1, 4}) {
    OrderedParallelJobs<int, int> jobs;
    int consumed = 0;
    jobs.produce = [](int index, int&) -> int {
      if (index == 7 || index == 9) throw std::runtime_error("job " + std::to_string(index));
      return index;
    };
    jobs.consume = [&](int, int&) { return ++consumed, true; };
    try {
      OrderedParallelFor(20, threads, 2 * threads, jobs);
      FAIL() << "no exception";
    } catch (const std::runtime_error& error) {
      EXPECT_EQ(std::string(error.what()), "job 7");
    }
    EXPECT_EQ(consumed, 7);
  }
}

TEST(OrderedParallelFor, StopsWhenTheConsumerSaysSoAndStaysWithinTheLookahead) {
  std::atomic<int> started{0}, running_ahead_max{0};
  std::atomic<int> consumed{0};
  OrderedParallelJobs<int, int> jobs;
  jobs.produce = [&](int index, int&) {
    ++started;
    int ahead = index - consumed.load();
    int seen = running_ahead_max.load();
    while (ahead > seen && !running_ahead_max.compare_exchange_weak(seen, ahead)) {
    }
    return index;
  };
  jobs.consume = [&](int index, int&) {
    consumed = index + 1;
    return index < 9;
  };
  OrderedParallelFor(1000, 3, 4, jobs);
  EXPECT_EQ(consumed.load(), 10);
  EXPECT_LE(started.load(), 10 + 4);
  EXPECT_LT(running_ahead_max.load(), 4);
}

TEST(OrderedParallelFor, AdmissionHoldsJobsBackUntilEarlierOnesAreConsumed) {
  // at most one unconsumed job at a time: a pool of 4 behaves as a sequence
  std::atomic<int> in_flight{0}, most{0};
  OrderedParallelJobs<int, int> jobs;
  jobs.may_start = [](int next, int consumed) { return next == consumed; };
  jobs.produce = [&](int index, int&) {
    most = std::max(most.load(), ++in_flight);
    return index;
  };
  jobs.consume = [&](int, int&) { return --in_flight, true; };
  OrderedParallelFor(25, 4, 8, jobs);
  EXPECT_EQ(most.load(), 1);
}

TEST(OrderedParallelFor, AnErrorInTheConsumerStopsTheWorkers) {
  OrderedParallelJobs<int, int> jobs;
  jobs.produce = [](int index, int&) { return index; };
  jobs.consume = [](int index, int&) -> bool {
    if (index == 3) throw std::invalid_argument("bad result");
    return true;
  };
  EXPECT_THROW(OrderedParallelFor(100000, 2, 4, jobs), std::invalid_argument);
}

TEST(ParallelFor, RunsEveryIndexOnceWithPerWorkerState) {
  std::vector<int> hits(500, 0);
  ParallelFor<std::vector<int>>(500, 3, [&](int index, std::vector<int>& scratch) {
    scratch.push_back(index);
    hits[index] += 1;
  });
  for (int h : hits) EXPECT_EQ(h, 1);
  EXPECT_THROW(ParallelFor<int>(50, 2,
                                [](int index, int&) {
                                  if (index == 20) throw std::runtime_error("x");
                                }),
               std::runtime_error);
}

TEST(ThreadsFor, NeverMoreThanTheJobsAndAtLeastOne) {
  EXPECT_EQ(ThreadsFor(4, 2), 2);
  EXPECT_EQ(ThreadsFor(3, 10), 3);
  EXPECT_EQ(ThreadsFor(5, 0), 1);
  EXPECT_GE(ThreadsFor(0, 1000), 1);
}

}  // namespace
}  // namespace immimic::core

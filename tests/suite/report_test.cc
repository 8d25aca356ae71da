// The report's statistics against hand calculations.
#include "suite/report.h"

#include <gtest/gtest.h>

namespace immimic::suite {
namespace {

TEST(Report, McNemarExactMatchesTheBinomialTail) {
  EXPECT_DOUBLE_EQ(McNemarExactP(0, 0), 1.0);
  EXPECT_NEAR(McNemarExactP(5, 0), 2.0 / 32, 1e-12);        // 2 x (1/2)^5
  EXPECT_NEAR(McNemarExactP(0, 10), 2.0 / 1024, 1e-12);     // 2 x (1/2)^10
  EXPECT_NEAR(McNemarExactP(6, 2), 2.0 * 37 / 256, 1e-12);  // 2 x (1 + 8 + 28) / 2^8
  EXPECT_DOUBLE_EQ(McNemarExactP(3, 3), 1.0);               // capped
}

TEST(Report, WilsonIntervalMatchesTheFormula) {
  const auto [low, high] = WilsonInterval(1, 4);
  EXPECT_NEAR(low, 0.0456, 1e-4);
  EXPECT_NEAR(high, 0.6994, 1e-4);
  const auto [zero_low, zero_high] = WilsonInterval(0, 50);
  EXPECT_DOUBLE_EQ(zero_low, 0.0);
  EXPECT_NEAR(zero_high, 0.0713, 1e-4);
}

}  // namespace
}  // namespace immimic::suite

#include "agents/normalizer.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"

namespace immimic::agents {
namespace {

TEST(MinMaxNormalizer, MapsFittedRangeToMinusOneOne) {
  // 3 rows x 3 dims; the last dimension is constant
  const std::vector<double> data = {0.0, -2.0, 0.5, 1.0, 2.0, 0.5, 0.5, 0.0, 0.5};
  MinMaxNormalizer::Fitter fitter(3);
  fitter.Add(data.data(), 3);
  const MinMaxNormalizer n = fitter.Fit();
  EXPECT_EQ(n.low(), (std::vector<double>{0.0, -2.0, 0.5}));
  EXPECT_EQ(n.high(), (std::vector<double>{1.0, 2.0, 0.5}));
  std::vector<float> out(9);
  n.Normalize(data.data(), out.data(), 3);
  const std::vector<float> expected = {-1, -1, 0, 1, 1, 0, 0, 0, 0};
  for (size_t i = 0; i < 9; ++i) EXPECT_NEAR(out[i], expected[i], 1e-7) << i;
  // constant dimension: centred, unit scale (a value 0.1 off stays 0.1 off)
  EXPECT_NEAR(n.Normalize({0.5, 0.0, 0.6})[2], 0.1, 1e-6);
  std::vector<double> back(9);
  n.Unnormalize(out.data(), back.data(), 3);
  for (size_t i = 0; i < 9; ++i) EXPECT_NEAR(back[i], data[i], 1e-6) << i;
}

TEST(MinMaxNormalizer, JsonRoundTripAndValidation) {
  PolicyNormalizer p{MinMaxNormalizer({0, 1}, {2, 3}), MinMaxNormalizer({-1}, {1})};
  const PolicyNormalizer back = PolicyNormalizer::FromJson(p.ToJson(), "normalizer.json");
  EXPECT_EQ(back.action.low(), p.action.low());
  EXPECT_EQ(back.action.high(), p.action.high());
  EXPECT_EQ(back.proprio.high(), p.proprio.high());

  nlohmann::json bad = p.ToJson();
  bad["action"]["high"] = {2};  // size mismatch
  try {
    PolicyNormalizer::FromJson(bad, "normalizer.json");
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("normalizer.json: action"), std::string::npos) << e.what();
  }
  bad = p.ToJson();
  bad["proprio"]["low"] = "x";
  EXPECT_THROW(PolicyNormalizer::FromJson(bad, "n.json"), core::InputError);
  EXPECT_THROW(PolicyNormalizer::FromJson(nlohmann::json::array(), "n.json"), core::InputError);
  EXPECT_THROW(MinMaxNormalizer({1.0}, {0.0}), core::InputError);  // low > high
}

TEST(MinMaxNormalizer, RejectsNonFiniteDataAndEmptyFit) {
  MinMaxNormalizer::Fitter fitter(2);
  EXPECT_THROW(fitter.Fit(), core::InputError);
  const std::vector<double> data = {0.0, NAN};
  EXPECT_THROW(fitter.Add(data.data(), 1, "actions of demo_0"), core::InputError);
  EXPECT_THROW(MinMaxNormalizer({0.0}, {0.0}).Normalize({1.0, 2.0}), core::InputError);
}

}  // namespace
}  // namespace immimic::agents

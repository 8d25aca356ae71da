// The stage graph: shared stages appear once, keys follow everything that determines a stage.
#include "suite/stage_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

namespace immimic::suite {
namespace {

SuiteSpec Spec() {
  SuiteSpec s;
  s.name = "t";
  s.tasks = {"push"};
  s.embodiments = {"robotiq", "ability"};
  s.methods = {"robot_only", "immimic_a"};
  s.seeds = {0, 1};
  return s;
}

int Count(const StageGraph& g, const std::string& kind) {
  return static_cast<int>(std::count_if(g.stages.begin(), g.stages.end(),
                                        [&](const Stage& s) { return s.kind == kind; }));
}

// Every stage of `part` is in `whole`, key for key: adding rows left the others' cache alone.
void ExpectStagesKept(const StageGraph& part, const StageGraph& whole) {
  for (const Stage& stage : part.stages) {
    EXPECT_TRUE(std::any_of(whole.stages.begin(), whole.stages.end(), [&](const Stage& o) {
      return o.key == stage.key;
    })) << stage.label;
  }
}

TEST(StageGraph, SharesDataAndOrdersDependenciesFirst) {
  const StageGraph g = BuildStageGraph(Spec());
  EXPECT_EQ(Count(g, "human_videos"), 1);  // one task: its videos serve both end-effectors
  EXPECT_EQ(Count(g, "robot_demos"), 2);
  EXPECT_EQ(Count(g, "retarget"), 2);
  EXPECT_EQ(Count(g, "map"), 2);  // only immimic_a needs one, once per cell
  EXPECT_EQ(Count(g, "train"), 8);
  EXPECT_EQ(Count(g, "eval"), 8);
  EXPECT_EQ(Count(g, "expert_eval"), 2);
  for (size_t i = 0; i < g.stages.size(); ++i) {
    for (int dep : g.stages[i].deps) EXPECT_LT(dep, static_cast<int>(i)) << g.stages[i].label;
  }
}

TEST(StageGraph, KeysAreStableAndFollowTheSettings) {
  const StageGraph a = BuildStageGraph(Spec()), b = BuildStageGraph(Spec());
  ASSERT_EQ(a.stages.size(), b.stages.size());
  for (size_t i = 0; i < a.stages.size(); ++i) EXPECT_EQ(a.stages[i].key, b.stages[i].key);

  SuiteSpec more_episodes = Spec();
  more_episodes.eval.episodes = 7;
  const StageGraph c = BuildStageGraph(more_episodes);
  for (size_t i = 0; i < a.stages.size(); ++i) {
    const bool evaluation = a.stages[i].kind == "eval" || a.stages[i].kind == "expert_eval";
    EXPECT_EQ(a.stages[i].key == c.stages[i].key, !evaluation) << a.stages[i].label;
  }
  SuiteSpec other_demos = Spec();
  other_demos.data.robot_demos = 6;
  const StageGraph d = BuildStageGraph(other_demos);
  for (size_t i = 0; i < a.stages.size(); ++i) {
    const std::string& kind = a.stages[i].kind;
    const bool same = kind == "human_videos" || kind == "retarget" || kind == "expert_eval";
    EXPECT_EQ(a.stages[i].key == d.stages[i].key, same) << a.stages[i].label;
  }
}

TEST(StageGraph, FolderMarkersResolveToStageFolders) {
  const StageGraph g = BuildStageGraph(Spec());
  const auto train = std::find_if(g.stages.begin(), g.stages.end(),
                                  [](const Stage& s) { return s.kind == "train"; });
  const auto args = ResolvedArgs("/cache", g, *train);
  const std::string robot = StageDir("/cache", g.stages[train->deps[0]]) + "/data.hdf5";
  EXPECT_NE(std::find(args.begin(), args.end(), robot), args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), StageDir("/cache", *train) + "/run"), args.end());
}

}  // namespace
}  // namespace immimic::suite

namespace immimic::suite {
namespace {

// A data sweep: every method at every robot demo count; human-data methods at every human video
// count above 0; robot_only once per robot count, as the 0-video point.
TEST(StageGraph, TheOracleTrainsRobotOnlyOnHumanStyleRobotDemos) {
  SuiteSpec s = Spec();
  s.embodiments = {"robotiq"};
  s.oracle.demos = 100;
  const StageGraph g = BuildStageGraph(s);
  EXPECT_EQ(Count(g, "robot_demos"), 2);  // the cell's 5 and the oracle's 100
  EXPECT_EQ(Count(g, "train"), 2 * 2 + 2);
  int oracle_evals = 0;
  for (const Stage& stage : g.stages) {
    if (stage.kind == "robot_demos" && stage.label.find("x100") != std::string::npos) {
      const auto style = std::find(stage.args.begin(), stage.args.end(), "--style");
      ASSERT_NE(style, stage.args.end());
      EXPECT_EQ(*(style + 1), "human");
    }
    if (stage.kind == "eval" && stage.method == "oracle") ++oracle_evals;
    if (stage.kind == "train" && stage.label.find("/oracle/") != std::string::npos) {
      const auto method = std::find(stage.args.begin(), stage.args.end(), "--method");
      ASSERT_NE(method, stage.args.end());
      EXPECT_EQ(*(method + 1), "robot_only");
      EXPECT_EQ(std::find(stage.args.begin(), stage.args.end(), "--map"), stage.args.end());
    }
  }
  EXPECT_EQ(oracle_evals, 2);
  // the oracle adds stages and leaves the others' keys as they were
  SuiteSpec without = s;
  without.oracle.demos = 0;
  const StageGraph plain = BuildStageGraph(without);
  EXPECT_EQ(plain.stages.size() + 5, g.stages.size());  // its demos, 2 trainings, 2 evaluations
  ExpectStagesKept(plain, g);
}

TEST(StageGraph, AMethodVariantTrainsWithItsFileUnderItsOwnName) {
  SuiteSpec s = Spec();
  s.embodiments = {"robotiq"};
  s.seeds = {0};
  const std::string file = ::testing::TempDir() + "/variant.yaml";
  std::ofstream(file) << "mixup: {kind: linear}\n";
  s.method_variants = {{"immimic_a_open_end", "immimic_a", file}};
  const StageGraph g = BuildStageGraph(s);
  EXPECT_EQ(Count(g, "train"), 3);
  EXPECT_EQ(Count(g, "map"), 1);  // the variant shares immimic_a's alignment
  const auto variant = std::find_if(g.stages.begin(), g.stages.end(), [](const Stage& stage) {
    return stage.kind == "train" && stage.label.find("immimic_a_open_end") != std::string::npos;
  });
  ASSERT_NE(variant, g.stages.end());
  const auto flag = std::find(variant->args.begin(), variant->args.end(), "--method-config");
  ASSERT_NE(flag, variant->args.end());
  EXPECT_EQ(*(flag + 1), file);
  EXPECT_TRUE(std::any_of(g.stages.begin(), g.stages.end(), [](const Stage& stage) {
    return stage.kind == "eval" && stage.method == "immimic_a_open_end";
  }));
  SuiteSpec plain = s;
  plain.method_variants.clear();
  ExpectStagesKept(BuildStageGraph(plain), g);
}

TEST(StageGraph, ASweepTrainsEveryPointOnceAndLabelsItsSizes) {
  SuiteSpec s = Spec();
  s.embodiments = {"robotiq"};
  s.seeds = {0};
  s.data.robot_demo_sweep = {5, 10, 20};
  s.data.robot_demos = 20;
  s.data.human_video_sweep = {0, 25, 100};
  s.data.human_videos = 100;
  const StageGraph g = BuildStageGraph(s);
  EXPECT_EQ(Count(g, "robot_demos"), 3);
  EXPECT_EQ(Count(g, "human_videos"), 2);  // 25 and 100; 0 needs none
  EXPECT_EQ(Count(g, "retarget"), 2);
  EXPECT_EQ(Count(g, "train"), 3 + 3 * 2);  // robot_only x 3, immimic_a x 3 x 2
  EXPECT_EQ(Count(g, "map"), 3 * 2);
  int robot_only_points = 0;
  for (const Stage& stage : g.stages) {
    if (stage.kind != "eval") continue;
    EXPECT_GE(stage.robot_demos, 5) << stage.label;
    if (stage.method == "robot_only") {
      ++robot_only_points;
      EXPECT_EQ(stage.human_videos, 0) << stage.label;
    } else {
      EXPECT_GT(stage.human_videos, 0) << stage.label;
    }
  }
  EXPECT_EQ(robot_only_points, 3);
  const auto found = std::find_if(g.stages.begin(), g.stages.end(), [](const Stage& stage) {
    return stage.label == "train push/robotiq/immimic_a/s0 r10 h25";
  });
  EXPECT_NE(found, g.stages.end());
}

}  // namespace
}  // namespace immimic::suite

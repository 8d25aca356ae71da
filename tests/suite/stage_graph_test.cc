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

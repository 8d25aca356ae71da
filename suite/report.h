#pragma once
// The suite's results from its finished evaluations: results.json (every figure, with the
// suite's hash, seeds and software version; timings apart, under "timing"), results.csv and
// report.md (methods x cells with success and its 95 % Wilson interval, and paired comparisons).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "suite/runner.h"
#include "suite/stage_graph.h"

namespace immimic::suite {

// Two-sided exact McNemar test on paired binary outcomes: `a_only` pairs where only A succeeded,
// `b_only` where only B did. Pairs are the same training seed and evaluation episode (the same
// initial state), so the test reads only the episodes where the two methods disagree.
double McNemarExactP(int a_only, int b_only);

// Wilson score interval for k successes in n trials at 95 %.
std::pair<double, double> WilsonInterval(int k, int n);

nlohmann::json CollectResults(const SuiteSpec& spec, const StageGraph& graph,
                              const std::string& cache);

// Writes results.json, results.csv and report.md into `out_dir` (atomically, each), and copies
// each method's rollout video per cell (the first training seed's first episode) to
// `out_dir`/videos/. report.md shows the plots in `out_dir`/plots/ that exist
// (scripts/plot_suite draws them from results.json).
void WriteReports(const nlohmann::json& results, const std::string& out_dir);

}  // namespace immimic::suite

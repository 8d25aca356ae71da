// immimic metrics: SPARC and LDLJ of a speed profile from a file, so the smoothness metrics of
// the reports can be checked against published reference values.

#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "benchmarks/metrics.h"
#include "cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"

namespace immimic::cli {
namespace {

// One speed (m/s, >= 0) per line; blank lines and lines starting with '#' are skipped.
Eigen::VectorXd ReadSpeeds(const std::string& path) {
  IMMIMIC_THROW_UNLESS(std::filesystem::is_regular_file(path), core::InputError, path,
                       ": no such file");
  std::istringstream lines(core::ReadFile(path));
  std::vector<double> speeds;
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream cell(line);
    double value = 0;
    std::string rest;
    IMMIMIC_THROW_UNLESS(cell >> value && !(cell >> rest) && std::isfinite(value) && value >= 0,
                         core::InputError, path, ":", number,
                         ": expected one finite speed >= 0 per line, got '", line, "'");
    speeds.push_back(value);
  }
  IMMIMIC_THROW_UNLESS(speeds.size() >= 3, core::InputError, path, ": ", speeds.size(),
                       " speeds; SPARC and LDLJ need at least 3");
  return Eigen::Map<const Eigen::VectorXd>(speeds.data(), static_cast<long>(speeds.size()));
}

nlohmann::json NumberOrNull(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace

Command RegisterMetrics(CLI::App& app) {
  auto speed_path = std::make_shared<std::string>();
  auto rate = std::make_shared<double>(0.0);
  auto* sub = app.add_subcommand(
      "metrics", "SPARC and LDLJ of a speed profile (JSON), to check against reference values");
  sub->add_option("--speed", *speed_path, "Text file: one speed (m/s) per line")->required();
  sub->add_option("--rate", *rate, "Sample rate of the profile (Hz)")
      ->required()
      ->check(CLI::PositiveNumber);
  return [speed_path, rate] {
    const Eigen::VectorXd speed = ReadSpeeds(*speed_path);
    const nlohmann::json report = {{"samples", speed.size()},
                                   {"rate_hz", *rate},
                                   {"sparc", NumberOrNull(benchmarks::Sparc(speed, *rate))},
                                   {"ldlj", NumberOrNull(benchmarks::Ldlj(speed, *rate))}};
    std::cout << report.dump() << "\n";
    return 0;
  };
}

}  // namespace immimic::cli

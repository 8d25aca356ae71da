#pragma once
// Per-end-effector parameters of a task's scripted expert (grip, push geometry, preshape), read
// from configs/experts/<task>.yaml: one entry per embodiment with exactly the keys the planner
// names. A missing entry or key, or an extra key, is a core::ConfigError naming the file, so a
// new end-effector gets its expert by files, never by a silent fallback to another's geometry.
#include <map>
#include <string>
#include <vector>

namespace immimic::envs {

std::map<std::string, double> LoadExpertParameters(const std::string& task,
                                                   const std::string& embodiment,
                                                   const std::vector<std::string>& keys);

}  // namespace immimic::envs

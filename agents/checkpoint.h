#pragma once
// A trained policy on disk: a folder holding
//   policy.yaml       the resolved PolicyConfig (agents/policy_config.h)
//   normalizer.json   action and proprio min-max bounds (agents/normalizer.h)
//   weights.pt        every parameter and buffer of the DiffusionPolicy (torch archive)
//   policy.json       proprio and action sizes, format version, the weights' SHA-256
// Each file is written under a temporary name and all are renamed only after all were written,
// so an interrupted save never leaves a half-written file under its final name.

#include <string>

#include "agents/diffusion_policy.h"
#include "agents/normalizer.h"
#include "agents/policy_config.h"

namespace immimic::agents {

struct PolicyCheckpoint {
  PolicyConfig config;
  PolicyNormalizer normalizer;
  DiffusionPolicy policy{nullptr};
};

// Creates `dir` if needed and (re)writes the four files. Throws core::Error on I/O failure and
// core::InputError if the normaliser sizes do not match the policy.
void SaveCheckpoint(const std::string& dir, DiffusionPolicy& policy,
                    const PolicyNormalizer& normalizer);

// Throws core::InputError naming the file for a missing, unreadable or corrupt file, weights
// whose SHA-256 differs from policy.json's (checked before LibTorch reads them), a missing or
// extra parameter, or a parameter whose shape differs from what the config builds.
PolicyCheckpoint LoadCheckpoint(const std::string& dir);

}  // namespace immimic::agents

#pragma once
// Demo generation throughput against raw physics + rendering, in one run (`immimic bench
// --generation`): how much of `immimic demos`' time is the simulator and renderer themselves
// and how much the expert, the recording and the HDF5 writing add.

#include <string>

#include "datasets/demo_collector.h"

namespace immimic::benchmarks {

struct GenerationThroughput {
  std::string task, embodiment;
  int threads = 0;  // collector workers
  int attempts = 0, kept = 0;
  long frames = 0;                     // recorded frames (observations) of the collection
  int cameras = 0;                     // renders per frame: agentview (+ wrist for robots)
  double seconds = 0;                  // CollectDemos wall time, file written
  double frames_per_second = 0;        // frames / seconds
  double raw_seconds = 0;              // the same frames as bare mj_step x substeps + renders
  double raw_frames_per_second = 0;    // one thread
  double raw_single_thread_share = 0;  // raw_seconds / (seconds x threads): the simulator's part
};

// Collects `options` into `scratch_path` (removed afterwards), then times the same number of
// frames of raw stepping and rendering on the same scene in this thread.
GenerationThroughput MeasureGeneration(const datasets::CollectOptions& options,
                                       const std::string& scratch_path);

}  // namespace immimic::benchmarks

// The files a user hands the program, as arbitrary bytes: HDF5 datasets (robot or human, before
// or after retargeting), alignment files, bridge logs, bundles (the manifest) and MJCF parts
// through the composer. The first byte picks the loader. Bad input must end in an exception
// derived from core::Error, never in a crash.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "datasets/dataset_reader.h"
#include "datasets/stream_log.h"
#include "envs/mjcf_composer.h"
#include "mapping/alignment_file.h"
#include "sim2real/bundle.h"
#include "tests/fuzz/fuzz_input.h"

using namespace immimic;

namespace {

void ReadDataset(const std::string& path) {
  datasets::DatasetReader reader(path);
  for (size_t k = 0; k < reader.num_demos(); ++k) reader.Read(k);
}

// A bundle folder whose manifest is the input and which holds one small file.
void LoadBundleWithManifest(const uint8_t* data, size_t size) {
  const std::filesystem::path dir = fuzz::ScratchPath("bundle");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "run");
  std::ofstream(dir / "run" / "run.json") << "{}";
  std::ofstream(dir / "manifest.json", std::ios::binary)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  sim2real::LoadBundle(dir.string(), "robotiq");
}

void ComposeMjcf(const uint8_t* data, size_t size) {
  envs::MjcfComposer composer("<mujoco><worldbody/></mujoco>", "scene");
  composer.AddPart(std::string(reinterpret_cast<const char*>(data), size), "part", "p", "", "", "");
  composer.Xml();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t* bytes = data + 1;
  const size_t n = size - 1;
  try {
    switch (data[0] % 5) {
      case 0:
        ReadDataset(fuzz::WriteScratch("dataset.hdf5", bytes, n));
        break;
      case 1:
        mapping::ReadAlignmentFile(fuzz::WriteScratch("alignment.json", bytes, n));
        break;
      case 2:
        datasets::ReadStreamLog(fuzz::WriteScratch("log.h5", bytes, n));
        break;
      case 3:
        LoadBundleWithManifest(bytes, n);
        break;
      default:
        ComposeMjcf(bytes, n);
        break;
    }
  } catch (const core::Error&) {
  }
  return 0;
}

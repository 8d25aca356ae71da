#include <gtest/gtest.h>

#include <hdf5.h>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/rng.h"
#include "datasets/dataset_reader.h"
#include "datasets/dataset_rewrite.h"
#include "datasets/dataset_writer.h"

namespace immimic::datasets {
namespace {

namespace fs = std::filesystem;

constexpr char kRobotArgs[] = R"({"task": "pick_place-v1", "embodiment": "robotiq", "seed": 3})";
constexpr char kHumanArgs[] = R"({"task": "pick_place-v1", "embodiment": {"kind": "human"}})";

// A fresh, empty folder per test.
std::string FreshDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir = ::testing::TempDir() + "/datasets_test/" + info->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

Array RandomDoubles(core::Rng& rng, std::vector<size_t> shape) {
  size_t count = 1;
  for (size_t dim : shape) count *= dim;
  std::vector<double> values(count);
  for (double& value : values) value = rng.Normal();
  return Array::Float64(std::move(shape), std::move(values));
}

Array RandomBytes(core::Rng& rng, std::vector<size_t> shape) {
  size_t count = 1;
  for (size_t dim : shape) count *= dim;
  std::vector<uint8_t> values(count);
  for (uint8_t& value : values) value = static_cast<uint8_t>(rng.NextU64() % 8 * 32);
  return Array::Uint8(std::move(shape), std::move(values));
}

Episode MakeEpisode(uint64_t seed, size_t steps, bool with_actions = true) {
  core::Rng rng(seed);
  Episode episode;
  episode.num_samples = steps;
  if (with_actions) episode.actions = RandomDoubles(rng, {steps, 4});
  episode.states = RandomDoubles(rng, {steps, 9});
  episode.rewards = RandomDoubles(rng, {steps});
  std::vector<uint8_t> dones(steps, 0);
  dones.back() = 1;
  episode.dones = Array::Uint8({steps}, dones);
  episode.obs["eef_pose"] = RandomDoubles(rng, {steps, 7});
  episode.obs["object_state"] = RandomDoubles(rng, {steps, 6});
  episode.obs["agentview_image"] = RandomBytes(rng, {steps, 8, 10, 3});
  episode.obs["wrist_image"] = RandomBytes(rng, {steps, 8, 10, 3});
  episode.model_file = "<mujoco model=\"episode " + std::to_string(seed) + "\"/>";
  episode.success = seed % 2 == 0;
  episode.attributes["note"] = "seed " + std::to_string(seed);
  return episode;
}

std::vector<Episode> ThreeEpisodes() {
  return {MakeEpisode(10, 5), MakeEpisode(11, 6), MakeEpisode(12, 7)};
}

void WriteFile(const std::string& path, const std::vector<Episode>& episodes,
               const std::string& env_args = kRobotArgs) {
  DatasetWriter writer(path);
  for (const Episode& episode : episodes) writer.Add(episode);
  writer.Finish(env_args, {{"source", "unit test"}});
}

// Runs `open` and returns the core::InputError message it throws ("" if none).
template <typename Fn>
std::string InputErrorOf(Fn&& open) {
  try {
    open();
  } catch (const core::InputError& error) {
    return error.what();
  }
  return "";
}

std::string OpenError(const std::string& path) {
  return InputErrorOf([&] { DatasetReader reader(path); });
}

size_t CountFiles(const std::string& dir) {
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) count += entry.is_regular_file() ? 1 : 0;
  return count;
}

// Opens `path` for raw edits that the writer would refuse to make.
class RawFile {
 public:
  explicit RawFile(const std::string& path)
      : id_(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) {}
  ~RawFile() { H5Fclose(id_); }
  hid_t id() const { return id_; }

 private:
  hid_t id_;
};

TEST(Dataset, RoundTripKeepsEveryValueAndAttribute) {
  const std::string path = FreshDir() + "/demos.hdf5";
  const std::vector<Episode> episodes = ThreeEpisodes();
  WriteFile(path, episodes);

  DatasetReader reader(path);
  ASSERT_EQ(reader.num_demos(), 3u);
  EXPECT_EQ(reader.demo_names(), (std::vector<std::string>{"demo_0", "demo_1", "demo_2"}));
  for (size_t k = 0; k < episodes.size(); ++k) EXPECT_EQ(reader.Read(k), episodes[k]) << k;
  EXPECT_EQ(reader.env_args(), kRobotArgs);
  EXPECT_FALSE(reader.is_human());
  EXPECT_EQ(reader.total(), 18u);
  EXPECT_EQ(reader.attributes().at("software_version"), core::SoftwareVersion());
  EXPECT_EQ(reader.attributes().at("source"), "unit test");
  // 10% of 3 rounds to 0, but a split with two or more demos always has one for validation
  EXPECT_EQ(reader.masks().at("valid").size(), 1u);
  EXPECT_EQ(reader.masks().at("train").size(), 2u);
  std::set<std::string> all(reader.masks().at("train").begin(), reader.masks().at("train").end());
  all.insert(reader.masks().at("valid").begin(), reader.masks().at("valid").end());
  EXPECT_EQ(all.size(), 3u);
}

TEST(Dataset, SameInputsGiveByteIdenticalFiles) {
  const std::string dir = FreshDir();
  WriteFile(dir + "/a.hdf5", ThreeEpisodes());
  WriteFile(dir + "/b.hdf5", ThreeEpisodes());
  const std::string a = core::ReadFile(dir + "/a.hdf5");
  const std::string b = core::ReadFile(dir + "/b.hdf5");
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b);
}

TEST(Dataset, LongModelFileRoundTrips) {
  // over HDF5's 64 KiB limit for attributes stored in the object header
  const std::string path = FreshDir() + "/demos.hdf5";
  Episode episode = MakeEpisode(1, 3);
  episode.model_file = std::string(200000, 'x');
  WriteFile(path, {episode});
  EXPECT_EQ(DatasetReader(path).Read(0).model_file, episode.model_file);
}

TEST(Dataset, WriterDestroyedWithoutFinishLeavesNoFile) {
  const std::string dir = FreshDir();
  {
    DatasetWriter writer(dir + "/demos.hdf5");
    writer.Add(MakeEpisode(1, 4));
  }
  EXPECT_EQ(CountFiles(dir), 0u);
}

TEST(Dataset, WriterDestroyedWithoutFinishLeavesTargetUntouched) {
  const std::string dir = FreshDir();
  const std::string path = dir + "/demos.hdf5";
  WriteFile(path, ThreeEpisodes());
  const std::string before = core::ReadFile(path);
  {
    DatasetWriter writer(path);
    writer.Add(MakeEpisode(1, 4));
  }
  EXPECT_EQ(CountFiles(dir), 1u);
  EXPECT_TRUE(core::ReadFile(path) == before);
}

TEST(Dataset, BadEpisodeIsRejectedAndWriterStaysUsable) {
  const std::string path = FreshDir() + "/demos.hdf5";
  DatasetWriter writer(path);
  Episode bad = MakeEpisode(1, 4);
  bad.obs["eef_pose"] = Array::Float64({3, 7}, std::vector<double>(21, 0.0));
  EXPECT_NE(InputErrorOf([&] {
              writer.Add(bad);
            }).find("demos.hdf5: data/demo_0/obs/eef_pose: 3 rows but num_samples is 4"),
            std::string::npos);
  writer.Add(MakeEpisode(1, 4));
  Episode wider = MakeEpisode(2, 4);
  wider.obs["eef_pose"] = Array::Float64({4, 8}, std::vector<double>(32, 0.0));
  EXPECT_NE(InputErrorOf([&] { writer.Add(wider); }).find("data/demo_1/obs/eef_pose: row shape"),
            std::string::npos);
  writer.Finish(kRobotArgs);
  EXPECT_EQ(DatasetReader(path).num_demos(), 1u);
}

TEST(Dataset, TruncatedFileIsAnInputError) {
  const std::string path = FreshDir() + "/demos.hdf5";
  WriteFile(path, ThreeEpisodes());
  fs::resize_file(path, fs::file_size(path) / 2);
  const std::string message = OpenError(path);
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(Dataset, NonHdf5AndMissingFilesAreInputErrors) {
  const std::string dir = FreshDir();
  std::ofstream(dir + "/notes.hdf5") << "not a dataset\n";
  EXPECT_NE(OpenError(dir + "/notes.hdf5").find("notes.hdf5: not an HDF5 file"), std::string::npos);
  EXPECT_NE(OpenError(dir + "/absent.hdf5").find("absent.hdf5: no such file"), std::string::npos);
  EXPECT_NE(OpenError(dir).find("not a regular file"), std::string::npos);
}

TEST(Dataset, WrongNumSamplesNamesTheField) {
  const std::string path = FreshDir() + "/demos.hdf5";
  WriteFile(path, ThreeEpisodes());
  {
    RawFile file(path);
    const hid_t demo = H5Gopen2(file.id(), "data/demo_1", H5P_DEFAULT);
    const hid_t attribute = H5Aopen(demo, "num_samples", H5P_DEFAULT);
    const int64_t wrong = 7;
    ASSERT_GE(H5Awrite(attribute, H5T_NATIVE_INT64, &wrong), 0);
    H5Aclose(attribute);
    H5Gclose(demo);
  }
  const std::string message = OpenError(path);
  EXPECT_NE(message.find("demos.hdf5: data/demo_1/actions: 6 rows but num_samples is 7"),
            std::string::npos)
      << message;
}

TEST(Dataset, MissingFieldsAreNamed) {
  const std::string dir = FreshDir();
  const auto corrupt = [&](const std::string& name, auto&& edit) {
    const std::string path = dir + "/" + name + ".hdf5";
    WriteFile(path, ThreeEpisodes());
    {
      RawFile file(path);
      edit(file.id());
    }
    return OpenError(path);
  };
  EXPECT_NE(corrupt("eef", [](hid_t f) { H5Ldelete(f, "data/demo_2/obs/eef_pose", H5P_DEFAULT); })
                .find("data/demo_2/obs/eef_pose: missing"),
            std::string::npos);
  EXPECT_NE(corrupt("states", [](hid_t f) { H5Ldelete(f, "data/demo_0/states", H5P_DEFAULT); })
                .find("data/demo_0/states: missing"),
            std::string::npos);
  EXPECT_NE(corrupt("actions", [](hid_t f) { H5Ldelete(f, "data/demo_1/actions", H5P_DEFAULT); })
                .find("data/demo_1/actions: missing"),
            std::string::npos);
  EXPECT_NE(
      corrupt("env_args", [](hid_t f) { H5Adelete_by_name(f, "data", "env_args", H5P_DEFAULT); })
          .find("data: missing attribute env_args"),
      std::string::npos);
  EXPECT_NE(corrupt("model",
                    [](hid_t f) { H5Adelete_by_name(f, "data/demo_0", "model_file", H5P_DEFAULT); })
                .find("data/demo_0: missing attribute model_file"),
            std::string::npos);
  EXPECT_NE(corrupt("gap", [](hid_t f) { H5Ldelete(f, "data/demo_1", H5P_DEFAULT); })
                .find("data/demo_1: missing"),
            std::string::npos);
  EXPECT_NE(corrupt("data", [](hid_t f) { H5Ldelete(f, "data", H5P_DEFAULT); })
                .find("data: missing group"),
            std::string::npos);
}

TEST(Dataset, ReadsVariableLengthStringsAsH5pyWritesThem) {
  const std::string path = FreshDir() + "/demos.hdf5";
  WriteFile(path, ThreeEpisodes());
  {
    // replace env_args with a variable-length UTF-8 string, as h5py stores a Python str
    RawFile file(path);
    const hid_t data = H5Gopen2(file.id(), "data", H5P_DEFAULT);
    ASSERT_GE(H5Adelete(data, "env_args"), 0);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attribute = H5Acreate2(data, "env_args", type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* text = kHumanArgs;
    ASSERT_GE(H5Awrite(attribute, type, &text), 0);
    H5Aclose(attribute);
    H5Sclose(space);
    H5Tclose(type);
    H5Gclose(data);
  }
  DatasetReader reader(path);
  EXPECT_EQ(reader.env_args(), kHumanArgs);
  EXPECT_TRUE(reader.is_human());

  // HDF5 1.10 loops forever on a global heap whose free-space object has size 0 (found by
  // fuzzing): the reader checks the heap first and names the damage instead
  std::string bytes = core::ReadFile(path);
  const size_t heap = bytes.find("GCOL");
  ASSERT_NE(heap, std::string::npos);
  size_t free_space = heap + 16;  // walk the objects to object 0, as HDF5 does
  while (bytes[free_space] != 0 || bytes[free_space + 1] != 0) {
    uint64_t size = 0;
    std::memcpy(&size, &bytes[free_space + 8], 8);
    free_space += 16 + (size + 7) / 8 * 8;
  }
  std::memset(&bytes[free_space + 8], 0, 8);
  core::WriteFileAtomically(path, bytes);
  try {
    DatasetReader broken(path);
    FAIL() << "a zero-size heap object was read";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("global heap collection at byte"), std::string::npos)
        << e.what();
  }
}

TEST(Dataset, CorruptBytesGiveInputErrorsNotCrashes) {
  const std::string dir = FreshDir();
  WriteFile(dir + "/demos.hdf5", ThreeEpisodes());
  const std::string bytes = core::ReadFile(dir + "/demos.hdf5");
  core::Rng rng(5);
  for (int trial = 0; trial < 100; ++trial) {
    std::string corrupt = bytes;
    // metadata sits mostly in the first few KiB; data corruption is invisible without checksums
    const size_t at = rng.NextU64() % std::min<size_t>(bytes.size(), 6000);
    for (size_t i = at; i < std::min(at + 4, bytes.size()); ++i) {
      corrupt[i] = static_cast<char>(rng.NextU64());
    }
    const std::string path = dir + "/corrupt.hdf5";
    core::WriteFileAtomically(path, corrupt);
    try {
      DatasetReader reader(path);
      for (size_t k = 0; k < reader.num_demos(); ++k) reader.Read(k);
    } catch (const core::InputError& error) {
      EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
    }
  }
}

TEST(Dataset, ActionsAreOptionalOnlyInHumanDatasets) {
  const std::string dir = FreshDir();
  {
    DatasetWriter writer(dir + "/robot.hdf5");
    writer.Add(MakeEpisode(1, 4, /*with_actions=*/false));
    EXPECT_NE(InputErrorOf([&] {
                writer.Finish(kRobotArgs);
              }).find("data/demo_0/actions: missing, and env_args does not mark a human"),
              std::string::npos);
  }
  EXPECT_EQ(CountFiles(dir), 0u);
  const std::string human = dir + "/human.hdf5";
  WriteFile(human, {MakeEpisode(1, 4, false), MakeEpisode(2, 5, false)}, kHumanArgs);
  DatasetReader reader(human);
  EXPECT_TRUE(reader.is_human());
  EXPECT_FALSE(reader.Read(1).actions.has_value());
}

TEST(Dataset, RewriteAddsActionsAndKeepsTheRest) {
  const std::string dir = FreshDir();
  const std::string human = dir + "/human.hdf5";
  const std::vector<Episode> episodes = {MakeEpisode(1, 4, false), MakeEpisode(2, 5, false),
                                         MakeEpisode(3, 3, false)};
  WriteFile(human, episodes, kHumanArgs);
  const std::string before = core::ReadFile(human);
  const auto add_actions = [](size_t k, Episode& episode) {
    episode.actions = Array::Float64({episode.num_samples, 2},
                                     std::vector<double>(episode.num_samples * 2, double(k)));
  };
  RewriteDataset(human, dir + "/retargeted.hdf5", add_actions,
                 RewriteOptions{std::nullopt, {{"retargeted_to", "robotiq"}}});
  EXPECT_TRUE(core::ReadFile(human) == before);

  DatasetReader source(human);
  DatasetReader result(dir + "/retargeted.hdf5");
  ASSERT_EQ(result.num_demos(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    Episode expected = episodes[k];
    add_actions(k, expected);
    EXPECT_EQ(result.Read(k), expected) << k;
  }
  EXPECT_EQ(result.masks(), source.masks());
  EXPECT_EQ(result.env_args(), kHumanArgs);
  EXPECT_EQ(result.attributes().at("source"), "unit test");
  EXPECT_EQ(result.attributes().at("retargeted_to"), "robotiq");

  // in place: the source is replaced only by a complete file
  RewriteDataset(human, human, add_actions);
  EXPECT_TRUE(DatasetReader(human).Read(2).actions.has_value());
  EXPECT_EQ(CountFiles(dir), 2u);
}

TEST(Dataset, SplitIsDeterministicAndCoversEveryDemo) {
  const Split a = MakeSplit(50, 0.2, 7);
  const Split b = MakeSplit(50, 0.2, 7);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.valid, b.valid);
  EXPECT_EQ(a.valid.size(), 10u);
  EXPECT_EQ(a.train.size(), 40u);
  EXPECT_NE(MakeSplit(50, 0.2, 8).valid, a.valid);
  EXPECT_EQ(MakeSplit(1, 0.5, 0).valid.size(), 0u);
  EXPECT_EQ(MakeSplit(4, 0.0, 0).valid.size(), 0u);
  EXPECT_THROW(MakeSplit(4, 1.0, 0), core::InputError);
}

}  // namespace
}  // namespace immimic::datasets

// The streaming HDF5 log (datasets/stream_log.h): rows and events read back as written, bad rows
// rejected, and a writer killed by SIGKILL leaves a readable file with every flushed row.

#include "datasets/stream_log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"

namespace immimic::datasets {
namespace {

std::string TempLog(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "immimic_stream_log_test";
  std::filesystem::create_directories(dir);
  return (dir / (name + "_" + std::to_string(getpid()) + ".h5")).string();
}

Eigen::VectorXd Row(double a, double b) { return (Eigen::VectorXd(2) << a, b).finished(); }

TEST(StreamLog, ReadsBackWhatWasWritten) {
  const std::string path = TempLog("roundtrip");
  {
    StreamLog log(path, {{"time", 1}, {"pair", 2}});
    for (int i = 0; i < 100; ++i) log.Append({Eigen::VectorXd::Constant(1, i), Row(i, -i)});
    log.Event(0.5, "clamp: workspace box");
    log.Event(1.5, std::string(400, 'x'));
    EXPECT_EQ(log.rows(), 100);
    log.Close({{"stop_reason", "duration reached"}});
  }
  const StreamLogContents c = ReadStreamLog(path);
  ASSERT_EQ(c.column_names, (std::vector<std::string>{"pair", "time"}));
  ASSERT_EQ(c.columns[0].rows(), 100);
  ASSERT_EQ(c.columns[0].cols(), 2);
  EXPECT_EQ(c.columns[0](37, 1), -37.0);
  EXPECT_EQ(c.columns[1](99, 0), 99.0);
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[0], "clamp: workspace box");
  EXPECT_EQ(c.events[1].size(), 255u);  // cut, not overflowed
  EXPECT_EQ(c.event_times, (std::vector<double>{0.5, 1.5}));
  ASSERT_EQ(c.attributes.size(), 1u);
  EXPECT_EQ(c.attributes[0].second, "duration reached");
}

TEST(StreamLog, RejectsRowsOfTheWrongShape) {
  StreamLog log(TempLog("shape"), {{"pair", 2}});
  EXPECT_THROW(log.Append({Row(1, 2), Row(3, 4)}), core::Error);
  EXPECT_THROW(log.Append({Eigen::VectorXd::Zero(3)}), core::Error);
  log.Append({Row(1, 2)});
  EXPECT_EQ(log.rows(), 1);
}

TEST(StreamLog, UnwritableFolderIsAClearError) {
  EXPECT_THROW(StreamLog("/proc/no_such_folder/log.h5", {{"a", 1}}), core::Error);
}

// A child writes rows, flushing after 50 of them, then keeps writing until it is killed.
TEST(StreamLog, SigkillKeepsEveryFlushedRow) {
  const std::string path = TempLog("killed");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    StreamLog log(path, {{"pair", 2}}, 1e9);  // flushes only when asked
    for (int i = 0; i < 50; ++i) log.Append({Row(i, i)});
    log.Flush();
    const char byte = 1;
    if (write(ready[1], &byte, 1) != 1) _exit(3);
    for (int i = 50;; ++i) log.Append({Row(i, i)});
  }
  close(ready[1]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  usleep(20000);  // let it write unflushed rows
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(ready[0]);
  const StreamLogContents c = ReadStreamLog(path);
  ASSERT_EQ(c.column_names.size(), 1u);
  ASSERT_GE(c.columns[0].rows(), 50);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(c.columns[0](i, 0), i);
}

}  // namespace
}  // namespace immimic::datasets

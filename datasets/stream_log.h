#pragma once
// An HDF5 log written while a loop runs (the bridge's run log, docs/sim2real.md): named float64
// columns of fixed width, one row per Append, and timestamped text events. The file is in
// single-writer/multiple-reader mode and flushed at least every `flush_seconds`, so a crash or
// SIGKILL leaves a readable file that misses at most the rows since the last flush.

#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace immimic::datasets {

struct LogColumn {
  std::string name;
  int width = 1;
};

class StreamLog {
 public:
  // Creates `path` (replacing a file there). Throws core::Error on I/O failure.
  StreamLog(const std::string& path, const std::vector<LogColumn>& columns,
            double flush_seconds = 1.0);
  ~StreamLog();
  StreamLog(const StreamLog&) = delete;
  StreamLog& operator=(const StreamLog&) = delete;

  // One row: `values[i]` fills column i and must have its width.
  void Append(const std::vector<Eigen::VectorXd>& values);
  // `text` is cut to 255 bytes.
  void Event(double time, const std::string& text);
  void Flush();
  // Writes string attributes on the file's root (final status), flushes and closes.
  void Close(const std::vector<std::pair<std::string, std::string>>& attributes = {});
  int rows() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Reads a log back (tests, tools): each column as rows x width, and the events.
struct StreamLogContents {
  std::vector<std::string> column_names;
  std::vector<Eigen::MatrixXd> columns;
  std::vector<double> event_times;
  std::vector<std::string> events;
  std::vector<std::pair<std::string, std::string>> attributes;
};
StreamLogContents ReadStreamLog(const std::string& path);

}  // namespace immimic::datasets

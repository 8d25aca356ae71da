#include "datasets/stream_log.h"

#include <hdf5.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/error.h"
#include "datasets/hdf5_io.h"

namespace immimic::datasets {
namespace {

using internal::CheckStatus;
using internal::Handle;
using internal::Own;

constexpr size_t kEventBytes = 256;
constexpr hsize_t kChunkRows = 64;
using Clock = std::chrono::steady_clock;

Handle EventType(const std::string& where) {
  Handle type = Own<core::Error>(H5Tcopy(H5T_C_S1), H5Tclose, where, "cannot create string type");
  CheckStatus<core::Error>(H5Tset_size(type.get(), kEventBytes), where, "cannot size string");
  return type;
}

// An empty dataset of rows x width that grows by rows.
Handle CreateGrowing(hid_t file, const std::string& name, hid_t type, hsize_t width,
                     const std::string& where) {
  const int rank = width == 0 ? 1 : 2;
  const hsize_t dims[2] = {0, width}, max_dims[2] = {H5S_UNLIMITED, width};
  const hsize_t chunk[2] = {kChunkRows, width};
  Handle space = Own<core::Error>(H5Screate_simple(rank, dims, max_dims), H5Sclose, where,
                                  "cannot create dataspace");
  Handle create =
      Own<core::Error>(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, where, "cannot create list");
  CheckStatus<core::Error>(H5Pset_chunk(create.get(), rank, chunk), where, "cannot chunk");
  return Own<core::Error>(
      H5Dcreate2(file, name.c_str(), type, space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT),
      H5Dclose, where, "cannot create dataset " + name);
}

// Grows `dataset` to `row` + 1 rows and writes `data` into that row.
void WriteRow(hid_t dataset, hid_t memory_type, hsize_t row, hsize_t width, const void* data,
              const std::string& where) {
  const int rank = width == 0 ? 1 : 2;
  const hsize_t new_dims[2] = {row + 1, width};
  CheckStatus<core::Error>(H5Dset_extent(dataset, new_dims), where, "cannot grow the log");
  Handle file_space =
      Own<core::Error>(H5Dget_space(dataset), H5Sclose, where, "cannot get dataspace");
  const hsize_t start[2] = {row, 0}, count[2] = {1, std::max<hsize_t>(width, 1)};
  CheckStatus<core::Error>(
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), where,
      "cannot select a row");
  Handle memory_space = Own<core::Error>(H5Screate_simple(rank, count, nullptr), H5Sclose, where,
                                         "cannot create dataspace");
  CheckStatus<core::Error>(
      H5Dwrite(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data),
      where, "cannot write a row");
}

}  // namespace

struct StreamLog::State {
  std::string path;
  std::vector<LogColumn> columns;
  double flush_seconds = 1.0;
  Handle file;
  std::vector<Handle> datasets;
  Handle event_times, events, event_type;
  hsize_t rows = 0, event_rows = 0;
  Clock::time_point last_flush = Clock::now();
};

StreamLog::StreamLog(const std::string& path, const std::vector<LogColumn>& columns,
                     double flush_seconds)
    : state_(std::make_unique<State>()) {
  internal::SilenceHdf5Errors();
  State& s = *state_;
  s.path = path;
  s.columns = columns;
  s.flush_seconds = flush_seconds;
  Handle access =
      Own<core::Error>(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, path, "cannot create the log");
  // single-writer/multiple-reader needs the newest format; it keeps the file readable if the
  // writer dies between flushes
  CheckStatus<core::Error>(H5Pset_libver_bounds(access.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST),
                           path, "cannot set the file format");
  s.file = Own<core::Error>(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()),
                            H5Fclose, path, "cannot create the log");
  for (const LogColumn& column : columns) {
    IMMIMIC_THROW_UNLESS(column.width > 0, core::Error, path, ": column ", column.name,
                         " has no width");
    s.datasets.push_back(CreateGrowing(s.file.get(), column.name, H5T_IEEE_F64LE,
                                       static_cast<hsize_t>(column.width), path));
  }
  s.event_type = EventType(path);
  s.event_times = CreateGrowing(s.file.get(), "event_time", H5T_IEEE_F64LE, 0, path);
  s.events = CreateGrowing(s.file.get(), "events", s.event_type.get(), 0, path);
  CheckStatus<core::Error>(H5Fstart_swmr_write(s.file.get()), path, "cannot start SWMR writing");
}

StreamLog::~StreamLog() {
  if (state_ && state_->file.get() >= 0) state_->file.Close();
}

void StreamLog::Append(const std::vector<Eigen::VectorXd>& values) {
  State& s = *state_;
  IMMIMIC_THROW_UNLESS(values.size() == s.columns.size(), core::Error, s.path, ": a row needs ",
                       s.columns.size(), " columns, got ", values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    IMMIMIC_THROW_UNLESS(values[i].size() == s.columns[i].width, core::Error, s.path, ": column ",
                         s.columns[i].name, " is ", s.columns[i].width, " wide, got ",
                         values[i].size());
    WriteRow(s.datasets[i].get(), H5T_NATIVE_DOUBLE, s.rows, s.columns[i].width, values[i].data(),
             s.path);
  }
  ++s.rows;
  if (std::chrono::duration<double>(Clock::now() - s.last_flush).count() >= s.flush_seconds) {
    Flush();
  }
}

void StreamLog::Event(double time, const std::string& text) {
  State& s = *state_;
  char buffer[kEventBytes] = {};
  std::memcpy(buffer, text.data(), std::min(text.size(), kEventBytes - 1));
  WriteRow(s.event_times.get(), H5T_NATIVE_DOUBLE, s.event_rows, 0, &time, s.path);
  WriteRow(s.events.get(), s.event_type.get(), s.event_rows, 0, buffer, s.path);
  ++s.event_rows;
}

void StreamLog::Flush() {
  State& s = *state_;
  CheckStatus<core::Error>(H5Fflush(s.file.get(), H5F_SCOPE_GLOBAL), s.path,
                           "cannot flush the log");
  s.last_flush = Clock::now();
}

void StreamLog::Close(const std::vector<std::pair<std::string, std::string>>& attributes) {
  State& s = *state_;
  s.datasets.clear();
  s.event_times.Close();
  s.events.Close();
  IMMIMIC_THROW_UNLESS(s.file.Close(), core::Error, s.path, ": cannot close the log (",
                       internal::TakeHdf5Message(), ")");
  if (attributes.empty()) return;
  // SWMR writing allows no new attributes: reopen the closed file to add them
  Handle file = Own<core::Error>(H5Fopen(s.path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose,
                                 s.path, "cannot reopen the log");
  for (const auto& [name, value] : attributes) {
    internal::WriteStringAttribute(file.get(), name, value, s.path);
  }
  IMMIMIC_THROW_UNLESS(file.Close(), core::Error, s.path, ": cannot close the log");
}

int StreamLog::rows() const { return static_cast<int>(state_->rows); }

StreamLogContents ReadStreamLog(const std::string& path) {
  internal::SilenceHdf5Errors();
  Handle access =
      Own<core::InputError>(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, path, "cannot open the log");
  // A SWMR reader retries metadata that fails its checksum (100 times, sleeping between, by
  // default), taking it for a write in progress; here the writer is gone, so a bad checksum
  // is a damaged file and one retry is enough (found by fuzzing: a corrupt log took 20 s).
  CheckStatus<core::InputError>(H5Pset_metadata_read_attempts(access.get(), 2), path,
                                "cannot set the read attempts");
  // as a SWMR reader: a log whose writer was killed is still marked open for writing
  Handle file =
      Own<core::InputError>(H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, access.get()),
                            H5Fclose, path, "cannot open the log");
  StreamLogContents out;
  for (const std::string& name : internal::ListMembers(file.get(), path)) {
    if (name == "events") continue;
    Handle dataset = internal::OpenDataset(file.get(), name, path);
    const Array array =
        internal::ReadArray(dataset.get(), internal::InspectArray(dataset.get(), path), path);
    if (name == "event_time") {
      out.event_times = array.doubles();
      continue;
    }
    const int rows = static_cast<int>(array.rows());
    const int width = array.shape().size() > 1 ? static_cast<int>(array.shape()[1]) : 1;
    out.column_names.push_back(name);
    out.columns.push_back(
        Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            array.doubles().data(), rows, width));
  }
  Handle events = internal::OpenDataset(file.get(), "events", path);
  out.events = internal::ReadStringList(events.get(), path);
  for (const std::string& name : internal::ListAttributes(file.get(), path)) {
    out.attributes.emplace_back(name, internal::ReadStringAttribute(file.get(), name, path));
  }
  return out;
}

}  // namespace immimic::datasets

// Dataset and video helpers of the Python module, where h5py is not enough: a dataset's full
// validation (the checks DatasetReader runs on open, the same messages as the CLI), the replay of
// stored demos in simulation, and mp4 writing through the project's ffmpeg writer.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>

#include "core/error.h"
#include "datasets/dataset_reader.h"
#include "datasets/demo_replay.h"
#include "envs/env.h"
#include "envs/video_writer.h"
#include "python/image_conversion.h"

namespace py = pybind11;

namespace immimic::python {
namespace {

py::dict ValidateDataset(const std::string& path) {
  const datasets::DatasetReader reader(path);
  std::vector<size_t> lengths;
  std::vector<bool> successes;
  for (size_t k = 0; k < reader.num_demos(); ++k) {
    const datasets::Episode episode = reader.Read(k);
    lengths.push_back(episode.num_samples);
    successes.push_back(episode.success);
  }
  py::dict out;
  out["path"] = path;
  out["demos"] = reader.num_demos();
  out["human"] = reader.is_human();
  out["total"] = reader.total();
  out["env_args"] = reader.env_args();
  out["lengths"] = lengths;
  out["successes"] = successes;
  return out;
}

py::dict ReplayDataset(const std::string& path, size_t demo) {
  const datasets::DatasetReader reader(path);
  envs::Env env(datasets::EnvConfigFromDataset(reader));
  datasets::ReplayResult r;
  {
    py::gil_scoped_release release;
    r = datasets::ReplayDemo(reader, demo, env);
  }
  py::dict out;
  out["demo"] = r.demo;
  out["mode"] = r.mode;
  out["steps"] = r.steps;
  out["max_state_divergence"] = r.max_state_divergence;
  out["max_eef_divergence"] = r.max_eef_divergence;
  out["stored_success"] = r.stored_success;
  out["replay_success"] = r.replay_success;
  return out;
}

// Frames: height x width x 3 uint8 arrays of one size.
class PyVideoWriter {
 public:
  PyVideoWriter(const std::string& path, int width, int height, double fps)
      : writer_(std::make_unique<envs::VideoWriter>(path, width, height, fps)) {}
  void Add(const py::handle& frame) { writer_->Add(ImageFrom(frame)); }
  void Close() { writer_->Close(); }

 private:
  std::unique_ptr<envs::VideoWriter> writer_;
};

}  // namespace

void RegisterDataBindings(py::module_& m) {
  m.def("validate_dataset", &ValidateDataset, py::arg("path"),
        "Opens and reads every demo of a dataset; raises InputError naming the bad field");
  m.def("replay_dataset", &ReplayDataset, py::arg("path"), py::arg("demo") = 0,
        "Re-simulates a stored demo and reports how far the simulation departs from it");
  py::class_<PyVideoWriter>(m, "VideoWriter")
      .def(py::init<const std::string&, int, int, double>(), py::arg("path"), py::arg("width"),
           py::arg("height"), py::arg("fps") = 30.0)
      .def("add", &PyVideoWriter::Add, py::arg("frame"))
      .def("close", &PyVideoWriter::Close);
}

}  // namespace immimic::python

#pragma once
// A one-line progress display with ETA on a terminal stream (stderr), redrawn in place.

#include <chrono>
#include <ostream>
#include <string>

namespace immimic::cli {

class Progress {
 public:
  Progress(std::string label, std::ostream& out)
      : label_(std::move(label)), out_(out), start_(std::chrono::steady_clock::now()) {}
  // Left by an exception: end the line, so that the error that follows has a line of its own.
  ~Progress() {
    if (open_) out_ << "\n";
  }
  void Update(int done, int total) {
    open_ = true;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta = done > 0 ? elapsed / done * (total - done) : 0.0;
    out_ << "\r" << label_ << ": " << done << "/" << total << "  " << static_cast<int>(elapsed)
         << " s elapsed, <= " << static_cast<int>(eta) << " s left   " << std::flush;
  }
  void Finish() {
    out_ << "\n";
    open_ = false;
  }

 private:
  std::string label_;
  std::ostream& out_;
  std::chrono::steady_clock::time_point start_;
  bool open_ = false;
};

}  // namespace immimic::cli

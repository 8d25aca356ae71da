#pragma once
// Each subcommand lives in its own file and registers its options on the shared CLI11 app.
// Register* adds the subcommand; the callback runs it and returns the process exit code.

#include <CLI/CLI.hpp>

#include <functional>

namespace immimic::cli {

using Command = std::function<int()>;

Command RegisterList(CLI::App& app);
Command RegisterRender(CLI::App& app);
Command RegisterView(CLI::App& app);
Command RegisterBench(CLI::App& app);
Command RegisterDemos(CLI::App& app);
Command RegisterReplay(CLI::App& app);
Command RegisterTrain(CLI::App& app);
Command RegisterEval(CLI::App& app);
Command RegisterMetrics(CLI::App& app);
Command RegisterRetarget(CLI::App& app);
Command RegisterMap(CLI::App& app);
Command RegisterSuite(CLI::App& app);
Command RegisterExport(CLI::App& app);
Command RegisterBridge(CLI::App& app);

}  // namespace immimic::cli

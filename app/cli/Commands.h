#pragma once
// The tlscope-cli subcommands; each returns the process exit code.
#include <string>
#include <vector>

namespace tlscope::cli {

using Args = std::vector<std::string>;

int evaluateCommand(const Args& args);
int minimizeCommand(const Args& args);
int mdCommand(const Args& args);
int generateCommand(const Args& args);
int searchCommand(const Args& args);
int calibrateCommand(const Args& args);
int analyzeCommand(const Args& args);
int exportCommand(const Args& args);
int repathCommand(const Args& args);
int equilibriumCommand(const Args& args);
int convertCommand(const Args& args);
int prepareCommand(const Args& args);
int exploreCommand(const Args& args);
/// Runs tlscope-report (built with the GUI) from tlscope-cli's directory.
int reportCommand(const Args& args);

} // namespace tlscope::cli

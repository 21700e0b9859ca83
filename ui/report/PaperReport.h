#pragma once
// The Reinisch-Heuer paper's figures and numbers from one or several search sessions
// (PHYSICS.md §7): Figs. 1, 2, 3, 4, 6, 7 and the IS-energy distribution as PNG and SVG (Qt
// Charts, drawn without a window, so it also runs without a display), and report.md that puts
// our numbers with their statistical errors beside the paper's. `tlscope-cli report` and the
// GUI's File > Paper report both call writeReport.
#include "core/analysis/Analysis.h"
#include "core/io/SessionFile.h"

#include <QSize>
#include <QString>

#include <string>
#include <vector>

class QChart;

namespace tlscope::ui {

/// Draws `chart` (it need not be shown) at `size` logical pixels into a PNG (twice the pixels)
/// or an SVG file, chosen by the name. False with a message if the file cannot be written.
bool saveChart(QChart* chart, const QString& path, QSize size = QSize(900, 560), QString* error = nullptr);

struct ReportSession {
    std::string label;   ///< how figures and tables name it (default: "N = 65" or the file name)
    SessionData session; ///< read with paths not needed; several files pooled (poolSessions)
    std::vector<std::string> files;   ///< the files behind it (more than one when pooled)
    std::vector<std::uint64_t> seeds; ///< their seeds, in the same order
};

/// Reads the sessions (InputError names a bad file) and labels them: `labels` in order, then
/// "N = <N>", or the file name where two sessions have the same N. Sessions given the same
/// label are pooled into one (e.g. two seeds of one system; InputError if their systems differ).
std::vector<ReportSession> loadReportSessions(const std::vector<std::string>& paths,
                                              const std::vector<std::string>& labels = {});

struct ReportResult {
    std::vector<std::string> figures; ///< every PNG and SVG written
    std::string page;                 ///< report.md
};

/// Writes the figures and report.md into `directory` (created if needed). Throws InputError
/// for no sessions, a session that is not a search (an exploration), or an unwritable directory.
/// Needs a QApplication (a QGuiApplication is not enough for Qt Charts).
ReportResult writeReport(const std::vector<ReportSession>& sessions, const std::string& directory);

/// The Markdown page alone (what writeReport saves as report.md), for tests and the GUI.
std::string reportMarkdown(const std::vector<ReportSession>& sessions, const std::vector<CatalogAnalysis>& analyses);

} // namespace tlscope::ui

// tlscope-report: the Reinisch-Heuer paper's figures and numbers from search sessions
// (ui/report/PaperReport.h). `tlscope-cli report` runs it; it needs no display.
#include "core/common/Error.h"
#include "core/io/SessionFile.h"
#include "ui/report/PaperReport.h"

#include <QApplication>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {
void usage(std::FILE* out) {
    std::fputs("usage: tlscope-cli report run.tls.h5 [more.tls.h5 ...] --out DIR [--label NAME ...]\n\n"
               "The Reinisch-Heuer paper's analyses of search sessions: Figs. 1, 2, 3, 4, 6, 7 and the\n"
               "starting IS energies as PNG and SVG, and DIR/report.md with Table I and the text's numbers\n"
               "beside the paper's, with statistical errors. Several sessions (e.g. N = 65 and N = 130)\n"
               "share every figure and table. Runs without a display.\n\n"
               "options:\n"
               "  --out DIR        directory for the figures and report.md [required]\n"
               "  --label NAME     name of the next session in figures and tables (default: N = <N>,\n"
               "                   or the file name when two sessions have the same N); once per session.\n"
               "                   Sessions given the same label are pooled into one catalog (e.g. two\n"
               "                   seeds of one system; they must share the model, N, copies and M)\n"
               "  --help           this text\n",
               out);
}
} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> files, labels;
    std::string out;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            usage(stdout);
            return 0;
        }
        if (a == "--out" || a == "--label") {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "tlscope-cli report: error: %s needs a value\n", a.c_str());
                return 2;
            }
            (a == "--out" ? out : labels.emplace_back()) = argv[++i];
            continue;
        }
        if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "tlscope-cli report: error: unknown option %s (see --help)\n", a.c_str());
            return 2;
        }
        files.push_back(a);
    }
    if (files.empty() || out.empty()) {
        std::fprintf(stderr, "tlscope-cli report: error: give the session files and --out DIR (see --help)\n");
        return 2;
    }
    // Qt Charts draws through widgets' machinery; without a display, Qt's offscreen platform.
    if (!std::getenv("QT_QPA_PLATFORM") && !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY"))
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    // Qt wants a private runtime directory and warns without one; a report needs none of its own.
    std::string runtime;
    if (!std::getenv("XDG_RUNTIME_DIR")) {
        char tmpl[] = "/tmp/tlscope-report-XXXXXX";
        if (mkdtemp(tmpl)) runtime = tmpl, setenv("XDG_RUNTIME_DIR", tmpl, 1);
    }
    struct RemoveRuntime {
        const std::string& dir;
        ~RemoveRuntime() {
            std::error_code ec;
            if (!dir.empty()) std::filesystem::remove_all(dir, ec);
        }
    } removeRuntime{runtime};
    int qargc = 1;
    QApplication app(qargc, argv);
    try {
        const auto sessions = tlscope::ui::loadReportSessions(files, labels);
        const tlscope::ui::ReportResult r = tlscope::ui::writeReport(sessions, out);
        std::printf("wrote %s and %zu figures (PNG and SVG) in %s\n", r.page.c_str(), r.figures.size() / 2, out.c_str());
        return 0;
    } catch (const tlscope::InputError& e) {
        std::fprintf(stderr, "tlscope-cli report: error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tlscope-cli report: unexpected error: %s\n", e.what());
        return 4;
    }
}

// tlscope: the desktop application.
#include "ui/MainWindow.h"
#include "ui/VtkView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv) {
    tlscope::ui::setDefaultSurfaceFormat(); // must precede QApplication
    QApplication app(argc, argv);
    QApplication::setApplicationName("TLScope");
    QApplication::setOrganizationName("TLScope");
    QApplication::setApplicationVersion(TLSCOPE_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("Find and inspect two-level systems in simulated glasses.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("file", "configuration to open (extended XYZ)", "[file]");
    QCommandLineOption modelOpt("model", "model preset or model file for the configuration", "M", "ka-rh");
    QCommandLineOption demoOpt("demo", "open the built-in demo glass");
    QCommandLineOption shotOpt("screenshot", "save a PNG of the window, then quit", "FILE");
    QCommandLineOption quitOpt("quit-after", "quit after this many seconds", "SECONDS");
    parser.addOptions({modelOpt, demoOpt, shotOpt, quitOpt});
    parser.process(app);

    tlscope::ui::MainWindow window;
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty()) {
        const QString error = window.openConfiguration(files.first(), parser.value(modelOpt));
        if (!error.isEmpty()) {
            std::fprintf(stderr, "tlscope: %s\n", qPrintable(error));
            return 2;
        }
    } else {
        window.openDemo();
    }
    window.show();

    double quitAfter = -1.0;
    if (parser.isSet(quitOpt)) {
        bool ok = false;
        quitAfter = parser.value(quitOpt).toDouble(&ok);
        if (!ok || quitAfter < 0) {
            std::fprintf(stderr, "tlscope: --quit-after expects seconds >= 0\n");
            return 2;
        }
    } else if (parser.isSet(shotOpt)) {
        quitAfter = 1.5; // enough for the first frames to be drawn
    }
    int exitCode = 0;
    if (quitAfter >= 0) {
        QTimer::singleShot(static_cast<int>(quitAfter * 1000), &window, [&] {
            if (parser.isSet(shotOpt)) {
                QString error;
                if (!window.saveScreenshot(parser.value(shotOpt), &error)) {
                    std::fprintf(stderr, "tlscope: %s\n", qPrintable(error));
                    exitCode = 1;
                }
            }
            window.close();
        });
    }
    const int rc = app.exec();
    return exitCode ? exitCode : rc;
}

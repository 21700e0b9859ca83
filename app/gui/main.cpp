// tlscope: the desktop application.
#include "ui/CompareDialog.h"
#include "ui/MainWindow.h"
#include "ui/VtkView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTimer>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Find and inspect two-level systems in simulated glasses.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("file", "session (*.tls.h5) or configuration (extended XYZ) to open", "[file]");
    QCommandLineOption modelOpt("model", "model preset or model file for the configuration (default: the model the file names, else ka-rh)", "M");
    QCommandLineOption demoOpt("demo", "start a live DWP search on a small glass (first DWP within seconds)");
    QCommandLineOption selectOpt("select", "select this DWP row after opening a session", "ROW");
    QCommandLineOption viewShotOpt("view-screenshot", "save a PNG of the 3D view alone, then quit", "FILE");
    QCommandLineOption shotOpt("screenshot", "save a PNG of the window, then quit", "FILE");
    QCommandLineOption movieOpt("movie", "save the selected DWP's transition as an animated GIF (48 frames, rocking), then quit", "FILE");
    QCommandLineOption prepareOpt("prepare-demo", "prepare a small soft-sphere glass by swap Monte Carlo, live (Prepare glass panel)");
    QCommandLineOption exploreOpt("explore-demo", "explore the demo glass's metabasin, live (Explore panel and Metabasin map)");
    QCommandLineOption exploreFileOpt("explore", "explore the opened glass (file argument) with the Explore panel's settings, live");
    QCommandLineOption presentOpt("presentation", "start in presentation mode (large text, the 3D view and the profile; F11 leaves it)");
    QCommandLineOption compareOpt("compare", "open Compare explorations over the exploration sessions given as files (TLS density against T_f); "
                                             "--screenshot then saves that dialog");
    QCommandLineOption quitOpt("quit-after", "quit after this many seconds", "SECONDS");
    parser.addOptions({modelOpt, demoOpt, shotOpt, quitOpt, selectOpt, viewShotOpt, movieOpt, presentOpt, prepareOpt, exploreOpt, exploreFileOpt, compareOpt});
    // --help and --version print and exit anywhere, also without a display (a QApplication
    // aborts when there is none): answer them before the GUI starts.
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        if (a == "--help" || a == "-h" || a == "-?" || a == "--help-all" || a == "--version" || a == "-v") {
            QCoreApplication core(argc, argv);
            QCoreApplication::setApplicationName("TLScope");
            QCoreApplication::setApplicationVersion(TLSCOPE_VERSION);
            parser.process(core); // prints and exits 0
        }
    }

    tlscope::ui::setDefaultSurfaceFormat(); // must precede QApplication
    QApplication app(argc, argv);
    QApplication::setApplicationName("TLScope");
    QApplication::setOrganizationName("TLScope");
    QApplication::setApplicationVersion(TLSCOPE_VERSION);
    parser.process(app);

    tlscope::ui::MainWindow window;
    const QStringList files = parser.positionalArguments();
    const bool screenshot = parser.isSet(shotOpt) || parser.isSet(viewShotOpt) || parser.isSet(movieOpt);
    QPointer<tlscope::ui::CompareDialog> compare; // null again if the user closes it
    if (parser.isSet(compareOpt)) {
        // The files are the sessions to compare; the main window keeps its demo glass behind the dialog.
        if (files.isEmpty()) {
            std::fprintf(stderr, "tlscope: --compare needs exploration session files (*.tls.h5)\n");
            return 2;
        }
        window.openDemo();
        QString error;
        compare = window.compareExplorations(files, &error);
        if (!compare) {
            std::fprintf(stderr, "tlscope: %s\n", qPrintable(error));
            return 2;
        }
    } else if (!files.isEmpty()) {
        const QString f = files.first();
        const bool session = f.endsWith(".h5", Qt::CaseInsensitive) || f.endsWith(".hdf5", Qt::CaseInsensitive);
        const QString error = session ? window.openSession(f) : window.openConfiguration(f, parser.isSet(modelOpt) ? parser.value(modelOpt) : QString());
        if (!error.isEmpty()) {
            std::fprintf(stderr, "tlscope: %s\n", qPrintable(error));
            return 2;
        }
        if (session && parser.isSet(selectOpt)) window.selectDwp(parser.value(selectOpt).toInt());
    } else {
        window.openDemo();
    }
    window.show();
    if (compare) compare->show();
    if (parser.isSet(presentOpt)) window.setPresentationMode(true);
    if (parser.isSet(demoOpt)) {
        window.startDemoSearch();
    } else if (parser.isSet(prepareOpt)) {
        window.startDemoPreparation();
    } else if (parser.isSet(exploreOpt)) {
        window.startDemoExploration();
    } else if (parser.isSet(exploreFileOpt)) {
        if (const QString e = window.startExploration(false); !e.isEmpty()) {
            std::fprintf(stderr, "tlscope: %s\n", qPrintable(e));
            return 2;
        }
    } else if (files.isEmpty() && !screenshot && !compare) {
        // Welcome: what the user can do first.
        QTimer::singleShot(0, &window, [&window] {
            QMessageBox box(&window);
            box.setWindowTitle(QObject::tr("Welcome to TLScope"));
            box.setText(QObject::tr("<h3>Welcome to TLScope</h3><p>Find the double-well potentials and two-level "
                                    "systems of a Lennard-Jones glass, and watch them as they are found.</p>"
                                    "<p>The window shows a small glass of 65 particles (blue A, orange B). The "
                                    "<b>Learn</b> tab on the left explains what you will see.</p>"));
            QPushButton* demo = box.addButton(QObject::tr("Start demo search"), QMessageBox::AcceptRole);
            QPushButton* open = box.addButton(QObject::tr("Open a file..."), QMessageBox::ActionRole);
            box.addButton(QObject::tr("Close"), QMessageBox::RejectRole);
            box.exec();
            if (box.clickedButton() == demo) window.startDemoSearch();
            else if (box.clickedButton() == open) window.openFileDialog();
        });
    }

    double quitAfter = -1.0;
    if (parser.isSet(quitOpt)) {
        bool ok = false;
        quitAfter = parser.value(quitOpt).toDouble(&ok);
        if (!ok || quitAfter < 0) {
            std::fprintf(stderr, "tlscope: --quit-after expects seconds >= 0\n");
            return 2;
        }
    } else if (screenshot) {
        quitAfter = parser.isSet(demoOpt) || parser.isSet(exploreOpt) ? 12.0 : parser.isSet(prepareOpt) ? 8.0 : 1.5; // the demo: time for DWPs to arrive
    }
    int exitCode = 0;
    if (quitAfter >= 0) {
        QTimer::singleShot(static_cast<int>(quitAfter * 1000), &window, [&] {
            QString error;
            if (parser.isSet(shotOpt)) {
                if (compare) {
                    if (!compare->grab().save(parser.value(shotOpt), "PNG")) {
                        error = QObject::tr("could not write screenshot '%1'").arg(parser.value(shotOpt));
                        exitCode = 1;
                    }
                } else if (!window.saveScreenshot(parser.value(shotOpt), &error)) {
                    exitCode = 1;
                }
            }
            if (parser.isSet(viewShotOpt) && !window.saveViewImage(parser.value(viewShotOpt), 1, &error)) exitCode = 1;
            if (parser.isSet(movieOpt) && !window.exportMovie(parser.value(movieOpt), 48, true, 0, &error)) exitCode = 1;
            if (exitCode) std::fprintf(stderr, "tlscope: %s\n", qPrintable(error));
            // A scripted exit does not ask about unsaved results: they stay in the autosave file.
            if (const QString kept = window.leaveUnsavedInAutosave(); !kept.isEmpty())
                std::fprintf(stderr, "tlscope: the results are in %s\n", qPrintable(kept));
            window.close();
        });
    }
    const int rc = app.exec();
    return exitCode ? exitCode : rc;
}

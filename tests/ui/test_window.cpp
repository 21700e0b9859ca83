// The main window under a real X server: the 3D view renders the demo glass.
#include "ui/MainWindow.h"
#include "ui/CompareDialog.h"
#include "ui/ExplorePanel.h"
#include "ui/ExploreWorker.h"
#include "ui/MetabasinMap.h"
#include "ui/Panels.h"
#include "ui/PreparePanel.h"
#include "ui/PrepareWorker.h"
#include "ui/SearchWorker.h"
#include "ui/ParticleScene.h"
#include "ui/VtkView.h"

#include "core/common/Error.h"
#include "core/io/ExtendedXyz.h"
#include "core/io/LammpsData.h"
#include "core/io/SessionFile.h"
#include "core/tls/Displacement.h"

#include <QCheckBox>
#include <QImageReader>
#include <QMenu>
#include <QMenuBar>
#include <QDockWidget>
#include <QTableView>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QtTest>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QWindow>

#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>

#include <sstream>

using namespace tlscope::ui;

namespace {
/// The main window on screen with the demo glass in the 3D view.
bool showDemo(MainWindow& w) {
    w.openDemo();
    w.show();
    return QTest::qWaitForWindowExposed(&w);
}
} // namespace

namespace {
/// The demo glass from the application's resources.
tlscope::Configuration demoConfiguration(const tlscope::Model& model) {
    QFile f(":/demo/ka-rh-65.xyz");
    if (!f.open(QIODevice::ReadOnly)) return {};
    std::istringstream in(f.readAll().toStdString());
    tlscope::XyzFrame frame;
    int line = 0;
    tlscope::readXyzFrame(in, "demo", line, frame);
    return frame.toConfiguration(model, "demo");
}
} // namespace

class TestWindow : public QObject {
    Q_OBJECT
private slots:
    void rendersDemoGlass() {
        MainWindow w;
        QVERIFY(showDemo(w));
        QTest::qWait(500);
        const QImage img = w.view()->grabFramebuffer();
        QVERIFY(!img.isNull());
        // Not blank: many distinct colours, and both species' colours present.
        QSet<QRgb> colours;
        int orange = 0, blue = 0;
        for (int y = 0; y < img.height(); y += 3)
            for (int x = 0; x < img.width(); x += 3) {
                const QColor c = img.pixelColor(x, y);
                colours.insert(c.rgb());
                if (c.red() > 150 && c.green() > 60 && c.green() < 170 && c.blue() < 90) ++orange;
                if (c.blue() > 150 && c.red() < 120) ++blue;
            }
        QVERIFY2(colours.size() > 200, qPrintable(QString::number(colours.size())));
        QVERIFY(orange > 50);
        QVERIFY(blue > 500);
        QCOMPARE(w.view()->firstGlError(), 0u);
        QTemporaryDir dir;
        QString error;
        QVERIFY(w.saveScreenshot(dir.filePath("shot.png"), &error));
        QVERIFY(QImage(dir.filePath("shot.png")).width() > 100);
    }
    /// File > Paper report: the same report as tlscope-cli report, from the window.
    void paperReportFromTheMenu() {
        QTemporaryDir dir;
        const QString session = dir.filePath("run.tls.h5");
        QProcess cli;
        cli.start(TLSCOPE_CLI, {"search", "--starts", "4", "--attempts", "40", "--equil-time", "20", "--seed", "3",
                                "--quiet", "--out", session});
        QVERIFY(cli.waitForFinished(120000));
        QCOMPARE(cli.exitCode(), 0);
        MainWindow w;
        bool found = false;
        for (QAction* a : w.menuBar()->actions())
            if (a->menu())
                for (QAction* b : a->menu()->actions()) found |= b->text().contains("Paper report");
        QVERIFY(found);
        QString message;
        QVERIFY2(w.writePaperReport({session}, dir.filePath("rep"), &message), qPrintable(message));
        QVERIFY2(message.contains("report.md"), qPrintable(message));
        QVERIFY(QImage(dir.filePath("rep/fig1.png")).width() == 1800);
        QFile page(dir.filePath("rep/report.md"));
        QVERIFY(page.open(QIODevice::ReadOnly));
        QVERIFY(page.readAll().contains("| N = 65 |"));
        // A missing file: no report, the reason names it.
        QVERIFY(!w.writePaperReport({dir.filePath("nope.tls.h5")}, dir.filePath("rep2"), &message));
        QVERIFY2(message.contains("nope.tls.h5"), qPrintable(message));
    }
    /// Issue 14 finding 5: opening or starting anything resets what belongs to the old document.
    void openingResetsTheOldDocument() {
        MainWindow w;
        QVERIFY(showDemo(w));
        const QString session = TLSCOPE_SOURCE_DIR "/tests/fuzz/corpus/session/small-session.h5";
        QCOMPARE(w.openSession(session), QString());
        QCOMPARE(w.table()->rowCount(), 1);
        w.selectDwp(0);
        w.filter()->setRange(Quantity::Asymmetry, 100.0, 200.0); // a bin that hides every DWP
        QCOMPARE(w.filter()->rowCount(), 0);
        tlscope::SearchProgress p;
        p.attemptsTotal = 10, p.attemptsDone = 5, p.doubleWells = 3;
        w.runPanel()->setProgress(p);
        // Reopening: the bin filter is gone and the DWP shows again, the old progress is cleared.
        QCOMPARE(w.openSession(session), QString());
        QCOMPARE(w.filter()->rowCount(), 1);
        QVERIFY2(w.runPanel()->progressText() == "idle", qPrintable(w.runPanel()->progressText()));
        // An XYZ structure drops the session's DWPs and the selected DWP.
        QCOMPARE(w.openConfiguration(TLSCOPE_SOURCE_DIR "/resources/demo/ka-rh-65.xyz"), QString());
        QCOMPARE(w.table()->rowCount(), 0);
        QCOMPARE(w.filter()->rowCount(), 0);
        QVERIFY(w.detail()->findChild<QLabel*>("numbers")->text().contains("Select a DWP"));
    }

    /// Issue 14 finding 3: a search without a file name still writes its results (an autosave),
    /// so they can be saved at any time; once saved, nothing is unsaved.
    void resultsWithoutAFileCanBeSaved() {
        MainWindow w;
        QVERIFY(showDemo(w));
        tlscope::SearchParameters p;
        p.starts = 2;
        p.attempts = 60;
        p.equilibrationTime = 10;
        p.seed = 7;
        w.runPanel()->setParameters(p);
        w.runPanel()->setSessionPath({});
        QSignalSpy finished(w.controller(), &SearchController::finished);
        w.startSearch();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 300000);
        QTest::qWait(50);
        QCOMPARE(w.hasUnsavedResults(), !w.table()->all().empty());
        QTemporaryDir dir;
        const QString saved = dir.filePath("saved.tls.h5");
        QCOMPARE(w.saveSessionTo(saved), QString());
        QVERIFY(!w.hasUnsavedResults());
        const tlscope::SessionData s = tlscope::readSession(saved.toStdString(), {false, false});
        QVERIFY(s.complete());
        QCOMPARE(s.doubleWells.size(), w.table()->all().size());
    }

    /// Prepare glass: a soft-sphere glass anneals live (traces, progress, the view coloured by
    /// diameter), pauses and resumes, finishes with its inherent-structure energy, saves with its
    /// diameters, and a DWP search starts from it.
    void prepareGlassWorkflow() {
        MainWindow w;
        QVERIFY(showDemo(w));
        PreparePanel* panel = w.preparePanel();
        panel->setModel("soft-spheres");
        panel->setParticles(200);
        panel->setFinalTemperature(0.2);
        panel->setSweeps(200, 1500);
        QSignalSpy finished(w.preparer(), &PrepareController::finished);
        QSignalSpy progress(w.preparer(), &PrepareController::progress);
        w.startPreparation();
        QVERIFY(w.preparer()->running());
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 5, 30000);
        w.preparer()->pause();
        QTest::qWait(300);
        const int held = static_cast<int>(progress.count());
        QTest::qWait(300);
        QVERIFY2(progress.count() <= held + 1, "the preparation went on while paused");
        QVERIFY(w.preparer()->running());
        w.preparer()->resume();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QTest::qWait(50);
        QVERIFY(panel->energyPoints() > 10);
        QVERIFY2(panel->resultText().contains("Glass ready"), qPrintable(panel->resultText()));
        QVERIFY2(panel->statusText().contains("ETA"), qPrintable(panel->statusText()));
        const auto glass = w.preparedGlass();
        QVERIFY(glass && glass->quench.converged());
        QCOMPARE(w.scene()->particleCount(), 200);
        QVERIFY(w.scene()->caption().contains("diameter"));
        // Particles are drawn by their own diameters.
        const auto& d = glass->inherentStructure.diameters;
        const int big = int(std::max_element(d.begin(), d.end()) - d.begin()), small = int(std::min_element(d.begin(), d.end()) - d.begin());
        QVERIFY(w.scene()->particleRadius(big) > 2.0 * w.scene()->particleRadius(small));
        QTemporaryDir dir;
        const QString path = dir.filePath("glass.xyz");
        QCOMPARE(w.savePreparedGlass(path), QString());
        const tlscope::XyzFrame f = tlscope::readXyzFile(path.toStdString());
        QCOMPARE(f.diameters, glass->result.configuration.diameters);
        QCOMPARE(f.info.at("model"), std::string("soft-spheres"));
        // A short search from it: one start whose IS is the prepared glass's.
        tlscope::SearchParameters p;
        p.attempts = 5;
        w.runPanel()->setParameters(p);
        w.runPanel()->setSessionPath(dir.filePath("s.tls.h5"));
        QSignalSpy searched(w.controller(), &SearchController::finished);
        QCOMPARE(w.searchPreparedGlass(dir.filePath("for-search.xyz")), QString());
        QTRY_COMPARE_WITH_TIMEOUT(searched.count(), 1, 120000);
        QTest::qWait(50);
        const tlscope::SessionData s = tlscope::readSession(dir.filePath("s.tls.h5").toStdString(), {false, false});
        QCOMPARE(s.parameters.inputFile, dir.filePath("for-search.xyz").toStdString());
        QCOMPARE(s.starts.size(), std::size_t(1));
        QCOMPARE(s.starts[0].diameters, glass->result.configuration.diameters);
        QVERIFY(std::abs(s.starts[0].energy - glass->quench.energy) < 1e-6 * std::abs(glass->quench.energy));
    }

    /// Issue 11: an exploration run from the GUI. The trace, the map and the table show exactly
    /// what the session file holds; clicking a node shows that IS, clicking a DWP edge selects
    /// that DWP; a stopped exploration resumes to the uninterrupted result; the session reopens
    /// with the same map.
    void exploreWorkflow() {
        MainWindow w;
        QVERIFY(showDemo(w));
        QTemporaryDir dir;
        const QString path = dir.filePath("ex.tls.h5");
        w.explorePanel()->setWalk(0.3, 20, 60, 1);
        w.explorePanel()->setSessionPath(path);
        QSignalSpy finished(w.explorer(), &ExploreController::finished);
        QCOMPARE(w.startExploration(), QString());
        QVERIFY(w.explorer()->running());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QTest::qWait(50);
        QCOMPARE(finished.at(0).at(1).toString(), QString());
        const tlscope::SessionData s = tlscope::readSession(path.toStdString());
        QVERIFY(s.complete() && s.exploration);
        const auto& walk = s.exploration->walk;
        QVERIFY2(walk.minima.size() >= 4 && !s.doubleWells.empty(), "the demo walk found too little for the test");
        QCOMPARE(w.explorePanel()->tracePoints(), int(walk.sequence.size()));
        const MetabasinData* d = w.metabasinMap()->data();
        QVERIFY(d != nullptr);
        QCOMPARE(d->energy.size(), walk.minima.size());
        for (std::size_t k = 0; k < walk.minima.size(); ++k) QCOMPARE(d->energy[k], walk.minima[k].energy);
        QCOMPARE(d->transitions, walk.transitions);
        QCOMPARE(d->pairs.size(), s.exploration->pairs.size());
        for (std::size_t k = 0; k < d->pairs.size(); ++k) {
            QVERIFY(d->pairs[k].analysed);
            QCOMPARE(d->pairs[k].accepted, s.exploration->pairs[k].accepted);
        }
        QCOMPARE(w.table()->rowCount(), int(s.doubleWells.size()));
        QVERIFY2(w.explorePanel()->statusText().contains("done"), qPrintable(w.explorePanel()->statusText()));
        // A node: that IS in the view (aligned to the glass's IS).
        const int is = int(walk.minima.size()) - 1;
        MetabasinMap* map = w.metabasinMap();
        map->parentWidget()->show();
        map->parentWidget()->raise();
        QTRY_VERIFY(map->isVisible());
        QCOMPARE(map->hit(map->nodePosition(is)).first, is);
        QTest::mouseClick(map, Qt::LeftButton, {}, map->nodePosition(is).toPoint());
        const double L = s.parameters.model.boxLengthFor(s.parameters.particles);
        const Eigen::VectorXd expected = tlscope::alignedTo(walk.minima[0].positions, walk.minima[std::size_t(is)].positions, L);
        QVERIFY((w.shownConfiguration().positions - expected).norm() < 1e-12);
        // A DWP edge: that DWP selected.
        const DwpPtr target = w.table()->at(0);
        const QPointF mid = map->pairPosition(target->minimum);
        if (map->hit(mid) == std::make_pair(-1, target->minimum)) QTest::mouseClick(map, Qt::LeftButton, {}, mid.toPoint());
        else QVERIFY(w.selectExploredPair(target->minimum)); // another line or a node lies on its midpoint
        QVERIFY(w.detail()->dwp() == target);
        d = nullptr; // the next run replaces the map's data

        // The same exploration stopped during its pair analyses and resumed: the same result.
        const QString path2 = dir.filePath("ex2.tls.h5");
        w.explorePanel()->setSessionPath(path2);
        QSignalSpy pairs(w.explorer(), &ExploreController::pairsProgress);
        QCOMPARE(w.startExploration(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(pairs.count() >= 2 || finished.count() == 2, 120000);
        w.explorer()->stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QVERIFY2(finished.at(1).at(0).toBool(), "the exploration finished before it could be stopped");
        QVERIFY(!tlscope::readSession(path2.toStdString(), {false, false}).complete());
        QCOMPARE(w.startExploration(true), QString());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 120000);
        QCOMPARE(finished.at(2).at(1).toString(), QString());
        const tlscope::SessionData r = tlscope::readSession(path2.toStdString());
        QVERIFY(r.complete());
        QCOMPARE(r.doubleWells.size(), s.doubleWells.size());
        for (std::size_t k = 0; k < r.doubleWells.size(); ++k) QCOMPARE(r.doubleWells[k].dwp.eSaddle, s.doubleWells[k].dwp.eSaddle);

        // Reopened: the same map.
        MainWindow w2;
        w2.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w2));
        QCOMPARE(w2.openSession(path), QString());
        const MetabasinData* reopened = w2.metabasinMap()->data();
        QVERIFY(reopened);
        QCOMPARE(reopened->energy.size(), walk.minima.size());
        for (std::size_t k = 0; k < walk.minima.size(); ++k) QCOMPARE(reopened->energy[k], walk.minima[k].energy);
        QCOMPARE(reopened->pairs.size(), s.exploration->pairs.size());
        QCOMPARE(w2.explorePanel()->tracePoints(), int(walk.sequence.size()));
        QString message;
        QCOMPARE(w2.metabasinMap()->exportImage(dir.filePath("map.svg"), &message), true);
        QVERIFY(QFileInfo(dir.filePath("map.svg")).size() > 1000);
    }

    /// An exploration session the CLI is writing: opened in the GUI while its pairs are being
    /// analysed, the map follows the verdicts as they are appended, up to the finished file.
    void liveExplorationSessionIsFollowed() {
        QTemporaryDir dir;
        const QString path = dir.filePath("live.tls.h5");
        QProcess cli;
        cli.start(TLSCOPE_CLI, {"explore", "--input", TLSCOPE_SOURCE_DIR "/resources/demo/ka-rh-65.xyz", "--model", "ka-rh", "--t-explore",
                                "0.3", "--quench-every", "20", "--time", "100", "--threads", "1", "--seed", "1", "--out", path, "--quiet"});
        QVERIFY(cli.waitForStarted());
        std::size_t analysed = 0;
        for (int i = 0; i < 6000 && analysed == 0 && cli.state() == QProcess::Running; ++i) {
            QTest::qWait(10);
            try {
                const tlscope::SessionData live = tlscope::readSession(path.toStdString(), {false, false});
                analysed = live.exploration && live.exploration->walkComplete ? live.exploration->pairs.size() : 0;
            } catch (const tlscope::InputError&) { // not created yet
            }
        }
        QVERIFY2(analysed > 0 && cli.state() == QProcess::Running, "the exploration finished before it could be followed");
        MainWindow w;
        QVERIFY(showDemo(w));
        QCOMPARE(w.openSession(path), QString());
        QVERIFY(w.metabasinMap()->data() != nullptr);
        auto shownVerdicts = [&] {
            std::size_t n = 0;
            for (const PairMark& m : w.metabasinMap()->data()->pairs) n += m.analysed ? 1 : 0;
            return n;
        };
        const std::size_t first = shownVerdicts();
        QVERIFY(first >= 1);
        QVERIFY(cli.waitForFinished(120000));
        QCOMPARE(cli.exitCode(), 0);
        const tlscope::SessionData done = tlscope::readSession(path.toStdString(), {false, false});
        QVERIFY2(done.exploration->pairs.size() > first, "no pair was added while the GUI followed");
        QTRY_COMPARE_WITH_TIMEOUT(shownVerdicts(), done.exploration->pairs.size(), 15000);
        QCOMPARE(w.table()->rowCount(), int(done.doubleWells.size()));
    }

    /// Compare explorations: the plotted densities are the groups' means (hand-made sessions),
    /// the plot and the table export; files without an exploration are refused with the reason.
    void compareExplorationsDialog() {
        auto session = [](const std::string& tf, long n, long dwps, long tls) {
            tlscope::ExplorationSummary e;
            e.fictiveTemperature = tf, e.particles = int(n), e.doubleWells = dwps, e.tls = tls;
            e.tlsThreshold = 0.001; // window 0.004: the TLS at 0.0005, one more DWP at 0.003 per TLS
            e.eqs.assign(static_cast<std::size_t>(tls), 0.0005);
            e.eqs.resize(static_cast<std::size_t>(2 * tls), 0.003);
            e.dwpPerParticle = double(dwps) / n, e.tlsPerParticle = double(tls) / n;
            e.candidatePairs = e.analysedPairs = 10;
            return e;
        };
        CompareDialog d;
        d.setSummaries({session("0.092", 1000, 30, 3), session("0.092", 1000, 20, 1), session("0.062", 1000, 10, 0)});
        const QList<QPointF> dwp = d.dwpPoints(), tls = d.tlsPoints();
        QCOMPARE(dwp.size(), 2);
        QCOMPARE(dwp[0], QPointF(0.092, 0.025));
        QCOMPARE(tls[0], QPointF(0.092, 0.002));
        QCOMPARE(dwp[1], QPointF(0.062, 0.01));
        QCOMPARE(tls[1], QPointF(0.062, 0.0));
        // n0 = 8 in the window / (2000 x 0.004); times 0.001: 0.001 per particle.
        const QList<QPointF> slope = d.slopePoints();
        QCOMPARE(slope.size(), 2);
        QCOMPARE(slope[0].x(), 0.092);
        QVERIFY(std::abs(slope[0].y() - 0.001) < 1e-15);
        QVERIFY(d.tableText().contains("Low-E_qs density"));
        QTemporaryDir dir;
        QString message;
        QVERIFY2(d.exportImage(dir.filePath("c.png"), &message), qPrintable(message));
        QVERIFY(!QImage(dir.filePath("c.png")).isNull());
        QVERIFY2(d.exportImage(dir.filePath("c.svg"), &message), qPrintable(message));
        QVERIFY2(d.exportCsv(dir.filePath("c.csv"), &message), qPrintable(message));
        QFile csv(dir.filePath("c.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().toStdString(), tlscope::comparisonCsv(d.groups()));
        MainWindow w;
        QVERIFY(w.compareExplorations({TLSCOPE_SOURCE_DIR "/tests/fuzz/corpus/session/small-session.h5"}, &message) == nullptr);
        QVERIFY2(message.contains("not an exploration"), qPrintable(message));
    }

    /// Issue 14 finding 7: a row the user clicks wins over "show newest" until they tick it again.
    void clickingARowStopsFollowingTheNewest() {
        MainWindow w;
        QVERIFY(showDemo(w));
        QCOMPARE(w.openSession(TLSCOPE_SOURCE_DIR "/tests/fuzz/corpus/session/small-session.h5"), QString());
        QCheckBox* follow = nullptr;
        for (QCheckBox* c : w.findChildren<QCheckBox*>())
            if (c->text() == "show newest") follow = c;
        QVERIFY(follow && follow->isChecked());
        auto* view = w.findChild<QTableView*>();
        QVERIFY(view);
        const QRect row = view->visualRect(view->model()->index(0, 1));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, row.center());
        QVERIFY(!follow->isChecked());
    }

    /// Issue 14 finding 4: with no displacement (rounding only) the particles are not painted by a
    /// colour scale stretched over nothing: species colours, no legend, and the view says so.
    void noDisplacementShowsNeutralColours() {
        MainWindow w;
        QVERIFY(showDemo(w));
        ParticleScene* scene = w.scene();
        const tlscope::Model model = tlscope::Model::preset("ka-rh");
        const tlscope::Configuration conf = demoConfiguration(model);
        Eigen::VectorXd rounding = Eigen::VectorXd::Constant(conf.positions.size(), 1e-9);
        scene->setConfiguration(conf, model, rounding, -1);
        QVERIFY(!scene->displacementColours());
        QVERIFY2(scene->caption().contains("no displacement"), qPrintable(scene->caption()));
        // Species colours come with their legend (issue 14 finding 11).
        QVERIFY2(scene->caption().contains("A blue, B orange"), qPrintable(scene->caption()));
        Eigen::VectorXd moved = rounding;
        moved[0] = 0.3;
        scene->setConfiguration(conf, model, moved, 0);
        QVERIFY(scene->displacementColours());
        QVERIFY2(!scene->caption().contains("no displacement") && scene->caption().contains("central particle #0") &&
                     !scene->caption().contains("A blue"),
                 qPrintable(scene->caption()));
    }
    void centralParticleHighlightIsVisibleAndPickingWorks() {
        MainWindow w;
        QVERIFY(showDemo(w));
        ParticleScene* scene = w.scene();
        // The demo glass with a made-up displacement field and particle 7 highlighted.
        const tlscope::Model model = tlscope::Model::preset("ka-rh");
        const tlscope::Configuration conf = demoConfiguration(model);
        Eigen::VectorXd disp = Eigen::VectorXd::Zero(conf.positions.size());
        for (int i = 0; i < conf.size(); ++i) disp[3 * i] = 0.01 * (i % 7);
        // Highlight the particle nearest to the camera, so that it is certainly in view.
        scene->setConfiguration(conf, model, disp, -1);
        w.view()->requestRender();
        QTest::qWait(300);
        int front = -1;
        double bestDepth = HUGE_VAL;
        for (int i = 0; i < conf.size(); ++i) {
            const auto p = scene->displayPosition(i);
            if (p[0] < 20 || p[1] < 20 || p[0] > w.view()->width() - 20 || p[1] > w.view()->height() - 20) continue;
            const Eigen::Vector3d x = conf.wrappedPositions().segment<3>(3 * i);
            const double depth = -(x[0] * 1.6 + x[1] * 1.1 + x[2] * 2.2); // the default camera looks along -(1.6, 1.1, 2.2)
            if (depth < bestDepth) bestDepth = depth, front = i;
        }
        QVERIFY(front >= 0);
        scene->setConfiguration(conf, model, disp, front);
        w.view()->requestRender();
        QTest::qWait(400);
        const QImage img = w.view()->grabFramebuffer();
        const QColor h = ParticleScene::highlightColour();
        int highlighted = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                const QColor c = img.pixelColor(x, y);
                if (std::abs(c.red() - h.red()) < 12 && std::abs(c.green() - h.green()) < 12 && std::abs(c.blue() - h.blue()) < 12) ++highlighted;
            }
        QVERIFY2(highlighted > 100, qPrintable(QString("%1 highlight pixels").arg(highlighted)));
        // Without a highlight the colour is absent (the displacement colours contain no green).
        scene->setConfiguration(conf, model, disp, -1);
        w.view()->requestRender();
        QTest::qWait(300);
        const QImage plain = w.view()->grabFramebuffer();
        int stray = 0;
        for (int y = 0; y < plain.height(); ++y)
            for (int x = 0; x < plain.width(); ++x) {
                const QColor c = plain.pixelColor(x, y);
                if (std::abs(c.red() - h.red()) < 12 && std::abs(c.green() - h.green()) < 12 && std::abs(c.blue() - h.blue()) < 12) ++stray;
            }
        QCOMPARE(stray, 0);
        // Picking: the ray through a particle's centre hits that (front) particle, both
        // directly and through a mouse click on the view.
        const auto p = scene->displayPosition(front);
        QCOMPARE(scene->pick(p[0], p[1]), front);
        const double dpr = w.view()->glWindow()->devicePixelRatio();
        QTest::mouseClick(w.view()->glWindow(), Qt::LeftButton, {}, QPoint(int(p[0] / dpr), int(w.view()->height() - (p[1] + 1) / dpr)));
        QCOMPARE(w.lastPicked(), front);
        QVERIFY2(w.lastPickText().contains(QString("#%1").arg(front)), qPrintable(w.lastPickText()));
        // Finding 9: the pick is marked in the view and described, with units, in the inspector.
        QCOMPARE(scene->picked(), front);
        const QString inspected = w.findChild<QLabel*>("inspector")->text();
        for (const QString& expected : {QString("particle #%1").arg(front), QString("&sigma;"), QString("&epsilon;"),
                                        QString("neighbours within 1.5"), QString("nearest: #")})
            QVERIFY2(inspected.contains(expected), qPrintable(inspected));
        QVERIFY(w.findChild<QDockWidget*>("particleDock")->isVisible());
        // Empty space picks nothing.
        QCOMPARE(scene->pick(2, 2), -1);
        // A hidden species cannot be picked.
        tlscope::ui::SceneStyle st = scene->style();
        st.hiddenSpecies = {conf.species[front] == 0, conf.species[front] == 1};
        scene->setStyle(st);
        QVERIFY(scene->pick(p[0], p[1]) != front);
        QCOMPARE(w.view()->firstGlError(), 0u);
    }
    /// Lecturers asked for a movie of a transition: an animated GIF of the selected DWP's path,
    /// frame by frame as the view shows it, that Qt's own reader decodes.
    void transitionMovieIsAnAnimatedGif() {
        MainWindow w;
        QVERIFY(showDemo(w));
        QTemporaryDir dir;
        QString message;
        QVERIFY(!w.exportMovie(dir.filePath("none.gif"), 12, true, 0, &message)); // nothing selected
        QVERIFY(message.contains("select a DWP"));
        QCOMPARE(w.openSession(TLSCOPE_SOURCE_DIR "/tests/fuzz/corpus/session/small-session.h5"), QString());
        w.selectDwp(0);
        const QString path = dir.filePath("transition.gif");
        QVERIFY2(w.exportMovie(path, 12, true, 320, &message), qPrintable(message));
        QImageReader reader(path);
        QCOMPARE(reader.imageCount(), 12);
        QImage first, middle;
        for (int f = 0; f < 12; ++f) {
            const QImage img = reader.read();
            QVERIFY2(!img.isNull(), qPrintable(reader.errorString()));
            QCOMPARE(img.width(), 320);
            if (f == 0) first = img;
            if (f == 6) middle = img; // rocking: frame 6 is minimum 2
        }
        QVERIFY(first != middle); // the particles moved
        QCOMPARE(w.view()->firstGlError(), 0u);
    }
    /// Lecturers asked for a presentation mode: the 3D view and the profile in large type, and
    /// everything back as it was afterwards.
    void presentationModeShowsLessInLargerTypeAndRestores() {
        MainWindow w;
        QVERIFY(showDemo(w));
        QCOMPARE(w.openSession(TLSCOPE_SOURCE_DIR "/tests/fuzz/corpus/session/small-session.h5"), QString());
        w.selectDwp(0);
        const double size = w.font().pointSizeF();
        auto visible = [&](const char* name) { return w.findChild<QDockWidget*>(name)->isVisible(); };
        w.setPresentationMode(true);
        QApplication::processEvents();
        QVERIFY(w.presentationMode());
        QVERIFY(!visible("runDock") && !visible("tableDock") && !visible("plotDock"));
        QVERIFY(visible("detailDock"));
        QVERIFY(w.font().pointSizeF() > 1.5 * size);
        QCOMPARE(w.scene()->style().textScale, 1.8);
        QTemporaryDir dir;
        QString error;
        QVERIFY2(w.saveScreenshot(dir.filePath("presenting.png"), &error), qPrintable(error));
        w.setPresentationMode(false);
        QApplication::processEvents();
        QVERIFY(visible("runDock") && visible("tableDock") && visible("detailDock"));
        QCOMPARE(w.font().pointSizeF(), size);
        QCOMPARE(w.scene()->style().textScale, 1.0);
        QCOMPARE(w.view()->firstGlError(), 0u);
    }
    /// Issue 14 finding 10: at the default scale every arrow leaves its sphere, lengths beyond
    /// the sphere stay proportional to the displacement, and barely moving particles get none.
    void arrowsAreVisibleAtTheDefaultScale() {
        MainWindow w;
        QVERIFY(showDemo(w));
        ParticleScene* scene = w.scene();
        const tlscope::Model model = tlscope::Model::preset("ka-rh");
        const tlscope::Configuration conf = demoConfiguration(model);
        Eigen::VectorXd disp = Eigen::VectorXd::Zero(conf.positions.size());
        disp[0] = 0.3;                                          // one particle moves 0.3 sigma
        for (int i = 1; i < conf.size(); ++i) disp[3 * i + 1] = 0.03 + 0.001 * i; // the rest 0.03-0.1
        disp[3 * 5 + 1] = 0.001;                                // one barely moves
        tlscope::ui::SceneStyle st = scene->style();
        st.arrows = true;
        scene->setStyle(st);
        scene->setConfiguration(conf, model, disp, 0);
        QCOMPARE(scene->arrowCount(), conf.size() - 1); // all but the one below 5 % of the largest
        int k = 0;
        for (int i = 0; i < conf.size(); ++i) {
            if (i == 5) continue;
            const int s = conf.species[std::size_t(i)];
            const double radius = 0.42 * model.pair(s, s).sigma, moved = disp.segment<3>(3 * i).norm();
            // Default x3: the largest displacement's arrow ends 0.5 sigma beyond its sphere.
            QVERIFY2(std::abs(scene->arrowLength(k) - (radius + 0.5 * moved / 0.3)) < 1e-9, qPrintable(QString("arrow of %1").arg(i)));
            QVERIFY(scene->arrowLength(k) - radius >= 0.05); // every arrow shows at least 0.05 sigma
            ++k;
        }
        QCOMPARE(w.view()->firstGlError(), 0u);
    }
    void viewImageAtChosenResolution() {
        MainWindow w;
        QVERIFY(showDemo(w));
        QTest::qWait(300);
        const double dpr = w.view()->glWindow()->devicePixelRatio();
        const QSize pixels(int(w.view()->width() * dpr), int(w.view()->height() * dpr));
        QTemporaryDir dir;
        QImage previous;
        for (int scale : {1, 2, 4}) {
            const QString path = dir.filePath(QString("view%1.png").arg(scale));
            QString error;
            QVERIFY2(w.saveViewImage(path, scale, &error), qPrintable(error));
            const QImage img(path);
            QCOMPARE(img.size(), pixels * scale);
            // The same picture at a higher resolution: downscaled it matches the 1x image.
            if (scale == 1) previous = img;
            else {
                const QImage small = img.scaled(pixels, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
                double diff = 0;
                for (int y = 0; y < pixels.height(); y += 4)
                    for (int x = 0; x < pixels.width(); x += 4) {
                        const QColor a = small.pixelColor(x, y), b = previous.pixelColor(x, y);
                        diff += std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
                    }
                diff /= 3.0 * (pixels.width() / 4) * (pixels.height() / 4);
                QVERIFY2(diff < 12, qPrintable(QString("mean colour difference %1 at %2x").arg(diff).arg(scale)));
            }
        }
        // The view renders at its own size again afterwards.
        const int* size = w.view()->renderWindow()->GetSize();
        QCOMPARE(QSize(size[0], size[1]), pixels);
        QString error;
        QVERIFY(!w.saveViewImage("/no/such/dir/v.png", 2, &error));
        QVERIFY(error.contains("/no/such/dir/v.png"));
        QCOMPARE(w.view()->firstGlError(), 0u);
    }
    void draggingRendersReducedThenFull() {
        MainWindow w;
        QVERIFY(showDemo(w));
        QTest::qWait(300);
        VtkView* view = w.view();
        view->setFrameBudgetMs(0.0); // every frame counts as slow: dragging renders reduced
        QWindow* win = view->glWindow();
        const double dpr = win->devicePixelRatio();
        const QSize pixels(int(view->width() * dpr), int(view->height() * dpr));
        auto* camera = view->renderer()->GetActiveCamera();
        double before[3], after[3];
        camera->GetPosition(before);
        const QPoint centre(win->width() / 2, win->height() / 2);
        QTest::mousePress(win, Qt::LeftButton, {}, centre);
        QSignalSpy frames(view, &VtkView::frameSwapped);
        for (int k = 1; k <= 5; ++k) QTest::mouseMove(win, centre + QPoint(8 * k, 0));
        QVERIFY(frames.wait(2000));
        const int* reduced = view->renderWindow()->GetSize();
        QCOMPARE(QSize(reduced[0], reduced[1]), pixels / 2);
        QTest::mouseRelease(win, Qt::LeftButton, {}, centre + QPoint(40, 0));
        const int* full = view->renderWindow()->GetSize();
        QCOMPARE(QSize(full[0], full[1]), pixels);
        camera->GetPosition(after);
        QVERIFY2(std::abs(after[0] - before[0]) + std::abs(after[2] - before[2]) > 0.1, "the drag rotated the camera");
        QCOMPARE(view->firstGlError(), 0u);
    }
    void runParametersAreRemembered() {
        QSettings().remove("run");
        QTemporaryDir dir;
        tlscope::SearchParameters p;
        p.model = tlscope::Model::preset("ka-rh");
        p.particles = 80;
        p.seed = 4242;
        p.starts = 2;
        p.attempts = 10;
        p.tSearch = 0.55;
        p.nSearch = 99;
        p.asymMax = 0.3;
        p.threads = 1;
        const QString session = dir.filePath("remembered.tls.h5");
        {
            MainWindow w;
            w.runPanel()->setParameters(p);
            w.runPanel()->setSessionPath(session);
            QPushButton* start = nullptr;
            for (auto* b : w.runPanel()->findChildren<QPushButton*>())
                if (b->text() == "Start") start = b;
            QVERIFY(start && start->isEnabled());
            QTest::mouseClick(start, Qt::LeftButton); // what the user starts is remembered
            QVERIFY(w.controller()->running());
            w.controller()->stop();
            w.controller()->wait();
        }
        {
            MainWindow w;
            QCOMPARE(QString::fromStdString(w.runPanel()->parameters().serialize()), QString::fromStdString(p.serialize()));
            QCOMPARE(w.runPanel()->sessionPath(), session);
        }
        // Damaged settings: defaults and a note in the log, no crash.
        QSettings().setValue("run/parameters", "particles = many\n");
        {
            MainWindow w;
            QCOMPARE(w.runPanel()->parameters().particles, tlscope::SearchParameters{}.particles);
            QVERIFY2(w.runPanel()->logText().contains("saved search parameters ignored"), qPrintable(w.runPanel()->logText()));
        }
        QSettings().remove("run");
    }
    /// Issue 14 finding 1: every layout is usable at 1280 x 720 and 1366 x 768, and each screen
    /// size remembers its own layout.
    void smallScreensGetACompactLayout() {
        MainWindow w;
        QVERIFY(showDemo(w));
        const QSize hint = w.minimumSizeHint().expandedTo(w.minimumSize());
        QVERIFY2(hint.width() <= 1280 && hint.height() <= 700, qPrintable(QString("minimum %1 x %2").arg(hint.width()).arg(hint.height())));
        for (const QSize screen : {QSize(1280, 720), QSize(1366, 768)}) {
            w.applyDefaultLayout(screen);
            QApplication::processEvents();
            auto* table = w.findChild<QDockWidget*>("tableDock");
            auto* plots = w.findChild<QDockWidget*>("plotDock");
            QVERIFY(w.tabifiedDockWidgets(table).contains(plots)); // sharing the bottom as tabs
            QCOMPARE(w.size(), screen);
            const QWidget* view = w.findChild<QWidget*>("viewBar")->parentWidget();
            QVERIFY2(view->width() >= 500 && view->height() >= 250,
                     qPrintable(QString("3D view %1 x %2").arg(view->width()).arg(view->height())));
            QVERIFY2(table->height() >= 170, qPrintable(QString("table %1 px high").arg(table->height())));
            for (const char* name : {"runDock", "detailDock", "tableDock"}) {
                const QWidget* d = w.findChild<QDockWidget*>(name);
                QVERIFY2(d->isVisible() && d->width() >= 250, name);
                QVERIFY(d->geometry().bottom() < screen.height() && d->geometry().right() < screen.width());
            }
        }
        w.applyDefaultLayout(QSize(1600, 1000)); // wide: side by side again
        QVERIFY(!w.tabifiedDockWidgets(w.findChild<QDockWidget*>("tableDock")).contains(w.findChild<QDockWidget*>("plotDock")));
        // A layout the user made is kept for this screen size and comes back in a new window.
        w.findChild<QDockWidget*>("plotDock")->hide();
        w.saveLayout();
        QVERIFY(w.layoutKey().startsWith("window/"));
        QVERIFY(QSettings().contains(w.layoutKey() + "/state"));
        MainWindow again;
        QVERIFY(!again.findChild<QDockWidget*>("plotDock")->isVisibleTo(&again));
        QSettings().remove(w.layoutKey());
    }
    /// Issue 14 finding 16 (part): Help lists every shortcut of the menus and the mouse controls,
    /// and gives a first tour.
    void helpListsShortcutsAndGetsUsersStarted() {
        MainWindow w;
        const QString keys = w.shortcutsText();
        for (const char* expected : {"Space", "F5", "Ctrl+O", "Reset camera", "Play / pause", "rotate", "pick a particle"})
            QVERIFY2(keys.contains(expected), expected);
        QVERIFY(w.gettingStartedText().contains("Demo search"));
        QMenu* help = nullptr;
        for (QAction* a : w.menuBar()->actions())
            if (a->text().remove('&') == "Help") help = a->menu();
        QVERIFY(help);
        QStringList entries;
        for (QAction* a : help->actions())
            if (!a->isSeparator()) entries << a->text().remove('&');
        QCOMPARE(entries, (QStringList{"Getting started", "Keyboard and mouse", "About TLScope"}));
    }
    /// Finding 16: Preferences that apply at once and are there in the next window.
    void preferencesApplyAndPersist() {
        MainWindow w;
        QVERIFY(showDemo(w));
        const MainWindow::Preferences defaults = w.preferences();
        MainWindow::Preferences p;
        p.sphereScale = 0.7;
        p.background = tlscope::ui::Background::White;
        p.colourBySpecies = true;
        p.arrows = true;
        w.applyPreferences(p);
        QCOMPARE(w.scene()->style().sphereScale, 0.7);
        QVERIFY(w.scene()->style().background == tlscope::ui::Background::White);
        QVERIFY(w.scene()->style().arrows);
        QVERIFY(std::abs(w.scene()->sphereRadius(0) - 0.42 * 0.7) < 1e-12);
        QImage view = w.view()->grabFramebuffer();
        QCOMPARE(QColor(view.pixel(3, 3)), QColor(Qt::white)); // the corner is background
        {
            MainWindow again;
            QVERIFY(again.preferences() == p);
            QCOMPARE(again.scene()->style().sphereScale, 0.7);
        }
        QVERIFY(w.shortcutsText().contains("Preferences"));
        w.applyPreferences(defaults);
    }
    void badFileGivesMessage() {
        MainWindow w;
        QTemporaryDir dir;
        QFile f(dir.filePath("bad.xyz"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("3\nProperties=species:S:1:pos:R:3\nA 0 0 0\n");
        f.close();
        const QString error = w.openConfiguration(f.fileName());
        QVERIFY2(error.contains("missing Lattice"), qPrintable(error));
        // A LAMMPS data file with a type the model lacks: the message names the file and atom.
        QFile d(dir.filePath("bad.data"));
        QVERIFY(d.open(QIODevice::WriteOnly));
        d.write("t\n\n2 atoms\n3 atom types\n0 4 xlo xhi\n0 4 ylo yhi\n0 4 zlo zhi\n\nAtoms\n\n1 1 0 0 0\n2 3 1 1 1\n");
        d.close();
        const QString dataError = w.openConfiguration(d.fileName());
        QVERIFY2(dataError.contains("bad.data") && dataError.contains("type 3"), qPrintable(dataError));
    }
    void lammpsDataFileOpens() {
        MainWindow w;
        QTemporaryDir dir;
        const std::string demo = TLSCOPE_SOURCE_DIR "/resources/demo/ka-rh-65.xyz";
        const auto glass = tlscope::readXyzFile(demo).toConfiguration(tlscope::Model::preset("ka-rh"), demo);
        tlscope::writeLammpsData(dir.filePath("glass.data").toStdString(), glass, tlscope::Model::preset("ka-rh"));
        QCOMPARE(w.openConfiguration(dir.filePath("glass.data")), QString());
        QVERIFY(w.windowTitle().contains("glass.data"));
    }
};

int main(int argc, char** argv) {
    QStandardPaths::setTestModeEnabled(true); // never touch the user's settings
    setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    // Test-mode settings are one file per user: a scope per process keeps two test runs at the
    // same time (a local run beside a CI check) from reading each other's remembered values.
    QApplication::setOrganizationName(QString("TLScope-test-%1").arg(QCoreApplication::applicationPid()));
    TestWindow t;
    const int failures = QTest::qExec(&t, argc, argv);
    QFile::remove(QSettings().fileName()); // this process's settings scope is not needed again
    return failures;
}
#include "test_window.moc"

// Widgets and models of the desktop app on the offscreen platform: the DWP table and its
// filters, plot export, the run panel's validation, and the search worker adapter (start,
// pause, stop mid-run, destroy mid-run) observed with QSignalSpy.
#include "core/common/Error.h"
#include "ui/DwpTable.h"
#include "ui/GifWriter.h"
#include "ui/Panels.h"
#include "ui/PlotPanel.h"
#include "ui/SearchWorker.h"
#include "ui/report/PaperReport.h"

#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QTabWidget>
#include <QChart>
#include <QChartView>
#include <QTemporaryDir>
#include <QPainter>
#include <QImageReader>
#include <QValueAxis>
#include <QLegend>
#include <QLegendMarker>
#include <QTextDocument>
#include "core/io/SessionFile.h"
#include "core/model/Units.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QtTest>

#include <numeric>

using namespace tlscope;
using namespace tlscope::ui;

namespace {

DwpPtr record(int start, double asym, double d, double barrier, bool tls, int central = 3) {
    auto r = std::make_shared<DwpRecord>();
    r->start = start;
    r->findCount = start + 1;
    r->dwp.asymmetry = asym;
    r->dwp.d = d;
    r->dwp.dMassWeighted = d;
    r->dwp.dMassWeightedReactionPath = 1.1 * d;
    r->dwp.barrier = barrier;
    r->dwp.isTls = tls;
    r->dwp.centralParticle = central;
    r->dwp.centralSpecies = 1;
    r->dwp.sortedProfile = {0.3, 0.1, 0.05};
    r->dwp.pathImageS = {0, 0.5, 1};
    r->dwp.pathImageEnergy = {0, barrier, asym};
    return r;
}

SearchParameters smallSearch(int attempts) {
    SearchParameters p;
    p.starts = 2;
    p.attempts = attempts;
    p.equilibrationTime = 10;
    p.threads = 2;
    return p;
}

} // namespace

class TestUi : public QObject {
    Q_OBJECT
private slots:
    void tableFiltersAndSorts() {
        DwpTableModel model;
        DwpFilter filter;
        filter.setSourceModel(&model);
        model.append(record(0, 0.3, 0.5, 0.2, false));
        model.append(record(1, 0.01, 0.3, 0.05, false));
        model.append(record(2, 0.0005, 0.2, 0.01, true));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(filter.rowCount(), 3);
        filter.setMaxAsymmetry(0.02);
        QCOMPARE(filter.rowCount(), 2);
        filter.setTlsOnly(true);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.data(filter.index(0, DwpTableModel::Start)).toInt(), 2);
        QCOMPARE(model.headerData(DwpTableModel::Minimum, Qt::Horizontal, Qt::DisplayRole).toString(), QString("min"));
        QCOMPARE(filter.data(filter.index(0, DwpTableModel::Minimum)).toInt(), model.at(2)->minimum);
        filter.setTlsOnly(false);
        filter.setMaxAsymmetry(0);
        filter.setRange(Quantity::D, 0.25, 0.6);
        QCOMPARE(filter.rowCount(), 2);
        QVERIFY(filter.describe().contains("d in"));
        filter.clearRange();
        // Sorting by asymmetry uses the numbers, not the text.
        filter.sort(DwpTableModel::Asymmetry, Qt::AscendingOrder);
        QCOMPARE(filter.data(filter.index(0, DwpTableModel::Start)).toInt(), 2);
        QCOMPARE(filter.data(filter.index(2, DwpTableModel::Start)).toInt(), 0);
        QCOMPARE(model.data(model.index(1, DwpTableModel::Central), Qt::DisplayRole).toString(), QString("3 B"));
    }

    /// Issue 14 finding 8: the histograms show a new DWP as soon as the table does (they lagged
    /// one DWP behind), and bursts are still coalesced.
    void histogramsFollowTheTableAtOnce() {
        DwpTableModel model;
        PlotPanel panel;
        panel.resize(1000, 400);
        panel.setCatalog(&model.all());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto total = [&] {
            const auto& c = panel.histogramCounts(2);
            return std::accumulate(c.begin(), c.end(), 0);
        };
        QTest::qWait(700); // a quiet spell after the first drawings
        model.append(record(0, 0.01, 0.3, 0.2, false, 0));
        panel.refreshLater();
        QTest::qWait(5); // one turn of the event loop, far less than the 250 ms throttle
        QCOMPARE(total(), 1);
        // Finding 6: integer count ticks (a fixed tick count read "1, 0, 0, 0, 0" up to 1).
        auto* counts = qobject_cast<QValueAxis*>(panel.histogramView(2)->chart()->axes(Qt::Vertical).value(0));
        QVERIFY(counts);
        QCOMPARE(counts->max(), 1.0);
        QCOMPARE(counts->tickType(), QValueAxis::TicksDynamic);
        QCOMPARE(counts->tickInterval(), 1.0);
        // Axis titles carry units.
        QCOMPARE(panel.histogramView(2)->chart()->axes(Qt::Horizontal).value(0)->titleText(), QString::fromUtf8("barrier (\u03b5)"));
        QCOMPARE(panel.histogramView(1)->chart()->axes(Qt::Horizontal).value(0)->titleText(), QString::fromUtf8("d (\u03c3)"));
        model.append(record(1, 0.02, 0.4, 0.3, false, 1)); // within 250 ms: coalesced...
        panel.refreshLater();
        QCOMPARE(total(), 1);
        panel.flushPending(); // ...and drawn at once before a screenshot or export
        QCOMPARE(total(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(total(), 2, 1000);
    }
    /// Finding 6: the find counts read as integers on a value axis (category labels were elided
    /// to "..."), and every colour class of barrier vs d has a legible legend entry (a bare "<"
    /// in the legend's rich text hid four of the five).
    void findCountsAndScatterLegendAreReadable() {
        DwpTableModel model;
        PlotPanel panel;
        panel.resize(1000, 400);
        for (int s = 0; s < 8; ++s) model.append(record(s, 0.01 * s, 0.3, 0.2, false, s));
        panel.setCatalog(&model.all());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto chartOfTab = [&](int tab) {
            panel.tabs()->setCurrentIndex(tab);
            panel.refreshNow();
            auto* view = panel.tabs()->widget(tab)->findChild<QChartView*>();
            if (!view) view = qobject_cast<QChartView*>(panel.tabs()->widget(tab));
            return view ? view->chart() : nullptr;
        };
        QChart* fig2 = chartOfTab(2);
        QVERIFY(fig2);
        auto* x = qobject_cast<QValueAxis*>(fig2->axes(Qt::Horizontal).value(0));
        QVERIFY2(x, "find counts: a value axis");
        QCOMPARE(x->labelFormat(), QString("%d"));
        QCOMPARE(x->tickInterval(), 1.0); // finds 1..8: every count labelled
        QVERIFY(x->min() < 1.0 && x->max() > 8.0);
        QChart* scatter = chartOfTab(1);
        QVERIFY(scatter);
        const auto markers = scatter->legend()->markers();
        QCOMPARE(markers.size(), 6); // five asymmetry classes and the selected DWP
        for (auto* m : markers.mid(0, 5)) {
            QTextDocument doc;
            doc.setHtml(m->label());
            QVERIFY2(doc.toPlainText().contains(QChar(0x03b5)), qPrintable("legend entry '" + m->label() + "' renders empty"));
        }
    }
    /// The movie of a transition: our animated GIF, decoded by Qt's own GIF reader, has every
    /// frame at the right size, loops forever, and keeps the colours (flat areas exactly, a
    /// gradient within the palette's resolution).
    void animatedGifDecodesFrameByFrame() {
        GifWriter gif(80);
        const int frames = 5;
        for (int f = 0; f < frames; ++f) {
            QImage img(160, 90, QImage::Format_RGB32);
            for (int y = 0; y < img.height(); ++y)
                for (int x = 0; x < img.width(); ++x) img.setPixel(x, y, qRgb(x, 2 * y, 40)); // a gradient background
            QPainter p(&img);
            p.fillRect(QRect(10 + 25 * f, 30, 30, 30), QColor(220, 30, 30)); // a red square moving right
            p.end();
            gif.addFrame(img);
        }
        QTemporaryDir dir;
        const QString path = dir.filePath("movie.gif");
        QString error;
        QVERIFY2(gif.write(path, &error), qPrintable(error));
        QImageReader reader(path);
        QVERIFY(reader.supportsAnimation());
        QCOMPARE(reader.imageCount(), frames);
        QCOMPARE(reader.loopCount(), -1); // forever
        for (int f = 0; f < frames; ++f) {
            const QImage img = reader.read();
            QVERIFY2(!img.isNull(), qPrintable(reader.errorString()));
            QCOMPARE(img.size(), QSize(160, 90));
            QCOMPARE(reader.nextImageDelay(), 80);
            const QColor red(img.pixel(25 + 25 * f, 45)), background(img.pixel(150, 5));
            QVERIFY2(red.red() > 200 && red.green() < 50, qPrintable(QString("frame %1: square %2").arg(f).arg(red.name())));
            QVERIFY2(std::abs(background.red() - 150) <= 12 && std::abs(background.green() - 10) <= 12,
                     qPrintable(QString("frame %1: background %2").arg(f).arg(background.name())));
        }
        QVERIFY(!GifWriter().write(path, &error) && error.contains("no frames"));
        QVERIFY(!gif.write("/no/such/dir/m.gif", &error));
    }
    void clickingAHistogramBarFiltersTheTable() {
        std::vector<DwpPtr> dwps;
        const double barriers[] = {0.05, 0.31, 0.33, 0.34, 0.345, 0.62, 0.9, 1.0, 0.32, 0.07};
        for (int k = 0; k < 10; ++k) dwps.push_back(record(k, 0.01 * k, 0.2 + 0.03 * k, barriers[k], false, k));
        DwpTableModel model;
        for (const auto& r : dwps) model.append(r);
        DwpFilter filter;
        filter.setSourceModel(&model);
        PlotPanel panel;
        panel.resize(1200, 450);
        panel.setCatalog(&model.all());
        connect(&panel, &PlotPanel::binSelected, &filter, &DwpFilter::setRange); // as the main window does
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.refreshNow();
        QTest::qWait(50);
        // The barrier histogram: 20 bins up to the largest barrier; the fullest bin holds the
        // five barriers 0.31...0.345 (bin 6, [0.30, 0.35)).
        const std::vector<int>& counts = panel.histogramCounts(2);
        const double width = panel.histogramBinWidth(2);
        QCOMPARE(int(counts.size()), 20);
        QVERIFY(std::abs(width - 1.0 / 20) < 1e-6);
        const int fullest = int(std::max_element(counts.begin(), counts.end()) - counts.begin());
        QCOMPARE(counts[static_cast<std::size_t>(fullest)], 5);
        QSignalSpy spy(&panel, &PlotPanel::binSelected);
        QChartView* view = panel.histogramView(2);
        QChart* chart = view->chart();
        const QPointF inBar = chart->mapToPosition(QPointF((fullest + 0.5) * width, 2.5), chart->series().at(0));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(chart->mapToScene(inBar)));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<Quantity>(), Quantity::Barrier);
        QVERIFY(std::abs(spy.at(0).at(1).toDouble() - fullest * width) < 1e-9);
        QVERIFY(std::abs(spy.at(0).at(2).toDouble() - (fullest + 1) * width) < 1e-9);
        // The table now shows exactly the DWPs of that bar.
        QCOMPARE(filter.rowCount(), 5);
        for (int row = 0; row < filter.rowCount(); ++row) {
            const double b = filter.data(filter.index(row, DwpTableModel::Barrier), Qt::UserRole).toDouble();
            QVERIFY2(b >= 0.3 && b < 0.35, qPrintable(QString::number(b)));
        }
        // A click on an empty part of the plot selects nothing.
        const QPointF empty = chart->mapToPosition(QPointF(0.5 * width, 3.0), chart->series().at(0));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(chart->mapToScene(empty)));
        QCOMPARE(spy.count(), 1);
    }

    void plotsExportPngAndSvg() {
        std::vector<DwpPtr> dwps;
        for (int k = 0; k < 30; ++k) dwps.push_back(record(k, 0.01 * k, 0.1 + 0.02 * k, 0.03 * k, k % 5 == 0, k));
        PlotPanel panel;
        panel.resize(1000, 400);
        panel.setCatalog(&dwps);
        panel.setSelected(dwps[4]);
        panel.setStartEnergies({-4.56, -4.58});
        panel.addStartEnergy(-4.54);
        QCOMPARE(panel.startEnergies().size(), std::size_t(3));
        panel.show();
        panel.refreshNow();
        QTemporaryDir dir;
        bool sawEnergies = false;
        for (int tab = 0; tab < panel.tabCount(); ++tab) {
            panel.tabs()->setCurrentIndex(tab);
            const QString png = dir.filePath(QString("p%1.png").arg(tab)), svg = dir.filePath(QString("p%1.svg").arg(tab));
            QString error;
            QVERIFY2(panel.exportCurrent(png, &error), qPrintable(error));
            QVERIFY2(panel.exportCurrent(svg, &error), qPrintable(error));
            const QImage image(png);
            QVERIFY(!image.isNull());
            QVERIFY(image.width() > 100 && image.height() > 100);
            QFile f(svg);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray text = f.readAll();
            QVERIFY(text.contains("<svg"));
            QVERIFY(text.contains("</svg>"));
            QVERIFY(text.size() > 2000);
            // The IS-energy tab: the starting structures' mean and spread in its title.
            if (panel.tabs()->tabText(tab) == "IS energies") {
                QVERIFY2(text.contains("3, mean -4.5600 eps, sd 0.0200"), "IS-energy statistics missing from the plot");
                sawEnergies = true;
            }
        }
        QVERIFY(sawEnergies);
        QString error;
        QVERIFY(!panel.exportCurrent("/no/such/dir/x.png", &error));
        QVERIFY(error.contains("/no/such/dir/x.png"));
        // Issue 14 finding 6: the exported size is the chosen one, not the widget's (the panel
        // is 1000 x 400 on screen), at the chosen resolution, also as PDF; the widget keeps its size.
        panel.tabs()->setCurrentIndex(0);
        const QSize before = panel.tabs()->currentWidget()->size();
        const QString big = dir.filePath("big.png"), pdf = dir.filePath("plot.pdf");
        QVERIFY2(panel.exportCurrent(big, &error, QSize(1200, 600), 300), qPrintable(error));
        const QImage image(big);
        QCOMPARE(image.size(), QSize(3750, 1875));
        QCOMPARE(image.dotsPerMeterX(), std::lround(300 / 0.0254));
        QVERIFY2(panel.exportCurrent(pdf, &error, QSize(900, 500), 300), qPrintable(error));
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        QCOMPARE(panel.tabs()->currentWidget()->size(), before);
        QVERIFY(!panel.exportCurrent(big, &error, QSize(10, 10), 300));
        QVERIFY(error.contains("outside"));
    }

    /// The detail panel names the quantum numbers and says when E_qs is not a tunnel splitting.
    void detailPanelSaysWhereTheLevelsLive() {
        auto r = std::make_shared<DwpRecord>(*record(0, 0.01, 0.4, 0.05, false));
        r->dwp.profile = {{-0.1, 0.0, 0.1, 0.2, 0.3}, {0.02, 0.0, 0.05, 0.01, 0.03}};
        r->dwp.profileSaddle = 0.1;
        r->dwp.profileMinimum2 = 0.2;
        r->dwp.quantum.splitting = units::fromKelvin(20.0);
        r->dwp.quantum.level0 = r->dwp.quantum.level1 = Localisation::Well1;
        r->dwp.quantum.level0Well1 = r->dwp.quantum.level1Well1 = 0.99;
        DetailPanel panel;
        panel.setDwp(r, {"A", "B"}, 0.0, 400, 7);
        // Issue 14 finding 12: the title names the DWP as the table does ("#"), short axis titles.
        const auto* chart = panel.findChild<QChartView*>()->chart();
        QVERIFY2(chart->title().startsWith("DWP #7 (start 0, min"), qPrintable(chart->title()));
        for (const QAbstractAxis* axis : chart->axes()) QVERIFY(axis->titleText().size() <= 16);
        const QString text = panel.findChild<QLabel*>("numbers")->text();
        QVERIFY2(text.contains("in 1 of 400 attempts") && !text.contains(" M attempts"), qPrintable(text));
        QVERIFY2(text.contains("E_qs = E1 - E0") && text.contains("20 K"), qPrintable(text));
        QVERIFY2(text.contains("well 1 (99 %) / well 1 (99 %)"), qPrintable(text));
        QVERIFY2(text.contains("vibration quantum, not a tunnel splitting"), qPrintable(text));
        QVERIFY(text.contains("quantum asymmetry") && text.contains("Delta0") && text.contains("barrier from well 1 / 2"));
        // The Learn tab is tied to the selection: the same DWP's numbers, said in words.
        TeachingPanel learn;
        QVERIFY(learn.onScreenText().contains("Select a DWP"));
        learn.setDwp(r);
        QVERIFY2(learn.onScreenText().contains("20 K") && learn.onScreenText().contains("vibration quantum"),
                 qPrintable(learn.onScreenText()));
        learn.resize(300, 500);
        learn.show();
        QVERIFY(learn.findChild<DoubleWellDiagram*>()->grab().width() > 100);
        // A tunnelling pair: no such note.
        r->dwp.quantum.level1 = Localisation::Well2;
        r->dwp.quantum.level1Well1 = 0.02;
        panel.setDwp(r, {"A", "B"});
        QVERIFY(!panel.findChild<QLabel*>("numbers")->text().contains("vibration quantum"));
        learn.setDwp(r);
        QVERIFY2(learn.onScreenText().contains("tunnelling pair") && !learn.onScreenText().contains("a TLS"),
                 qPrintable(learn.onScreenText())); // 20 K: a tunnelling pair, but no TLS
    }

    /// Issue 14 finding 12: a paused run says so instead of "ETA 0 s"; a stopped run has no ETA.
    void etaOnlyWhileRunning() {
        RunPanel panel;
        SearchProgress p;
        p.attemptsTotal = 100, p.attemptsDone = 40, p.etaSeconds = 30;
        panel.setState(true, false);
        panel.setProgress(p);
        QVERIFY2(panel.progressText().contains("ETA 30 s"), qPrintable(panel.progressText()));
        panel.setState(true, true);
        QVERIFY2(panel.progressText().contains("paused") && !panel.progressText().contains("ETA"), qPrintable(panel.progressText()));
        panel.setState(false, false);
        QVERIFY2(!panel.progressText().contains("ETA") && panel.progressText().contains("40 / 100"), qPrintable(panel.progressText()));
        panel.resetProgress();
        QCOMPARE(panel.progressText(), QString("idle"));
    }

    void runPanelValidatesAsTyped() {
        RunPanel panel;
        QVERIFY(panel.validationMessage().isEmpty());
        SearchParameters p = panel.parameters();
        p.dMin = 0.5;
        p.dMax = 0.8;
        panel.setParameters(p);
        QVERIFY(panel.validationMessage().isEmpty());
        auto* dMin = panel.findChild<QDoubleSpinBox*>("dMin");
        QVERIFY(dMin);
        dMin->setValue(0.9);
        QVERIFY2(panel.validationMessage().contains("--d-max"), qPrintable(panel.validationMessage()));
        QVERIFY_THROWS_EXCEPTION(InputError, panel.parameters());
        dMin->setValue(0.001);
        QVERIFY(panel.validationMessage().isEmpty());
        // Particle count whose box is smaller than twice the cutoff.
        panel.findChild<QSpinBox*>("particles")->setValue(20);
        QVERIFY2(panel.validationMessage().contains("box"), qPrintable(panel.validationMessage()));
        panel.findChild<QSpinBox*>("particles")->setValue(65);
        // The paper's 2 x 65 system: N is all particles, the copies must divide it.
        auto* copies = panel.findChild<QSpinBox*>("copies");
        QVERIFY(copies);
        copies->setValue(2);
        QVERIFY2(panel.validationMessage().contains("copies"), qPrintable(panel.validationMessage()));
        panel.findChild<QSpinBox*>("particles")->setValue(130);
        QVERIFY(panel.validationMessage().isEmpty());
        QCOMPARE(panel.parameters().model.copies, 2);
        QCOMPARE(panel.parameters().particles, 130);
        SearchParameters two = panel.parameters();
        copies->setValue(1);
        panel.setParameters(two); // a 2 x 65 session opened: its copies shown
        QCOMPARE(copies->value(), 2);
        copies->setValue(1);
        panel.findChild<QSpinBox*>("particles")->setValue(65);
        // The trajectory protocol's interval is only editable with that protocol; every new
        // field reaches the parameters.
        auto* protocol = panel.findChild<QComboBox*>("startProtocol");
        auto* interval = panel.findChild<QDoubleSpinBox*>("sampleInterval");
        QVERIFY(protocol && interval && !interval->isEnabled());
        protocol->setCurrentText("trajectory");
        QVERIFY(interval->isEnabled());
        interval->setValue(250);
        panel.findChild<QDoubleSpinBox*>("equilibrationTime")->setValue(1234);
        panel.findChild<QDoubleSpinBox*>("ircStep")->setValue(0.002);
        panel.findChild<QDoubleSpinBox*>("minimumBarrier")->setValue(2e-5);
        const SearchParameters q = panel.parameters();
        QCOMPARE(q.startProtocol, StartProtocol::Trajectory);
        QCOMPARE(q.sampleInterval, 250.0);
        QCOMPARE(q.equilibrationTime, 1234.0);
        QCOMPARE(q.ircStep, 0.002);
        QCOMPARE(q.minimumBarrier, 2e-5);
        QVERIFY(q.singlePrecisionMd);
        SearchParameters old = q;
        old.singlePrecisionMd = false; // a session written with double-precision MD, reopened
        panel.setParameters(old);
        QCOMPARE(panel.findChild<QComboBox*>("mdForces")->currentText(), QString("double"));
        QVERIFY(!panel.parameters().singlePrecisionMd);
        // While a search runs, every parameter field is read-only.
        panel.setState(true, false);
        for (QWidget* w : panel.findChildren<QWidget*>())
            if (qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w) || qobject_cast<QLineEdit*>(w))
                QVERIFY2(!w->isEnabled(), qPrintable(w->objectName() + " stays editable during a search"));
        panel.setState(false, false);
        QVERIFY(interval->isEnabled());
    }

    /// The 2 x 65 system from the Search panel: the panel's parameters run as a search whose
    /// DWPs each move one copy only (the other copy's particles stay at its minimum).
    void twoCopiesSearchFromThePanel() {
        RunPanel panel;
        panel.findChild<QSpinBox*>("particles")->setValue(130);
        panel.findChild<QSpinBox*>("copies")->setValue(2);
        panel.findChild<QSpinBox*>("starts")->setValue(1);
        panel.findChild<QSpinBox*>("attempts")->setValue(150);
        panel.findChild<QDoubleSpinBox*>("equilibrationTime")->setValue(20);
        panel.findChild<QLineEdit*>("seed")->setText("3");
        QVERIFY2(panel.validationMessage().isEmpty(), qPrintable(panel.validationMessage()));
        SearchController c;
        QSignalSpy dwps(&c, &SearchController::doubleWellFound);
        QSignalSpy finished(&c, &SearchController::finished);
        QString error;
        QVERIFY2(c.start(panel.parameters(), {}, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 300000);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY2(dwps.count() > 0, "no DWP in 150 attempts of the 2 x 65 system");
        for (const auto& args : dwps) {
            const auto rec = args.at(0).value<std::shared_ptr<const DwpRecord>>();
            const Eigen::VectorXd d = rec->dwp.minimum2 - rec->dwp.minimum1;
            QCOMPARE(d.size(), Eigen::Index(390));
            const double first = d.head(195).cwiseAbs().maxCoeff(), second = d.tail(195).cwiseAbs().maxCoeff();
            QVERIFY2(std::min(first, second) < 1e-3 && std::max(first, second) > 1e-2,
                     qPrintable(QString("copy moves %1 and %2").arg(first).arg(second)));
        }
    }

    void workerRunsToTheEndAndStreams() {
        SearchController c;
        QSignalSpy progress(&c, &SearchController::progress);
        QSignalSpy dwps(&c, &SearchController::doubleWellFound);
        QSignalSpy snapshots(&c, &SearchController::snapshotAvailable);
        QSignalSpy finished(&c, &SearchController::finished);
        QString error;
        QVERIFY2(c.start(smallSearch(60), {}, &error), qPrintable(error));
        QVERIFY(c.running());
        QVERIFY(!c.start(smallSearch(60), {}, &error)); // one at a time
        QVERIFY(error.contains("already running"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY(finished.at(0).at(1).toString().isEmpty());
        QVERIFY(progress.count() > 0);
        const auto last = progress.last().at(0).value<SearchProgress>();
        QCOMPARE(last.attemptsDone, last.attemptsTotal);
        QCOMPARE(dwps.count(), int(last.doubleWells)); // never dropped
        QVERIFY(snapshots.count() > 0);
        QVERIFY(!c.running());
    }

    /// Issue 14 finding 3: a stopped search can be resumed from the GUI, to the complete session.
    void stoppedSearchResumesFromTheGui() {
        QTemporaryDir dir;
        const QString path = dir.filePath("resume.tls.h5");
        SearchParameters p = smallSearch(5);
        p.starts = 6;
        p.equilibrationTime = 2;
        p.threads = 1;
        SearchController c;
        QSignalSpy progress(&c, &SearchController::progress);
        QSignalSpy finished(&c, &SearchController::finished);
        QVERIFY(c.start(p, path));
        QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty() && progress.last().at(0).value<SearchProgress>().startsDone >= 1, 300000);
        // Paused first, so that however slow the machine the run cannot complete before the stop.
        c.pause();
        c.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        const SessionData stopped = readSession(path.toStdString(), {false, false});
        QVERIFY(!stopped.complete() && !stopped.starts.empty());
        SessionData earlier;
        QString error;
        QVERIFY2(c.resumeFrom(path, &earlier, &error), qPrintable(error));
        QCOMPARE(earlier.starts.size(), stopped.starts.size());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 300000);
        QCOMPARE(finished.at(1).at(0).toBool(), true);
        QVERIFY(readSession(path.toStdString(), {false, false}).complete());
        // Nothing left to resume.
        QVERIFY(!c.resumeFrom(path, nullptr, &error));
        QVERIFY2(error.contains("nothing to resume"), qPrintable(error));
    }

    void workerPausesAndStopsMidRun() {
        SearchController c;
        QSignalSpy progress(&c, &SearchController::progress);
        QSignalSpy finished(&c, &SearchController::finished);
        QVERIFY(c.start(smallSearch(100000), {}));
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 2, 60000);
        c.pause();
        // Pause takes effect after the attempt in flight, which on a loaded machine can take more
        // than a second (the workers run at nice 10): wait until the count has settled.
        auto done = [&] { return progress.last().at(0).value<SearchProgress>().attemptsDone; };
        long held = done();
        for (int k = 0; k < 40; ++k) {
            QTest::qWait(1500);
            if (done() == held) break;
            held = done();
        }
        QTest::qWait(800);
        QCOMPARE(done(), held);
        c.resume();
        QTRY_VERIFY_WITH_TIMEOUT(progress.last().at(0).value<SearchProgress>().attemptsDone > held, 60000);
        c.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QCOMPARE(finished.at(0).at(0).toBool(), false); // stopped, not complete
    }

    void destroyingMidRunEndsCleanly() {
        QTemporaryDir dir;
        const QString path = dir.filePath("mid.tls.h5");
        {
            SearchController c;
            QSignalSpy progress(&c, &SearchController::progress);
            QVERIFY(c.start(smallSearch(100000), path));
            QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 2, 60000);
        } // the window closing: the destructor stops and joins
        // The session file is intact and readable.
        const SessionData s = readSession(path.toStdString());
        QVERIFY(!s.complete());
    }

    void invalidParametersAreRefused() {
        SearchController c;
        SearchParameters p = smallSearch(10);
        p.dMin = 1.0;
        QString error;
        QVERIFY(!c.start(p, {}, &error));
        QVERIFY(error.contains("--d-max"));
        QVERIFY(!c.running());
    }

    void paperReportWritesEveryFigureAndTheNumbers() {
        // Ten starts of N = 65, five DWPs (four central B): the report's numbers by hand.
        SessionData s;
        s.path = "/tmp/synthetic.tls.h5";
        s.parameters.particles = 65;
        s.parameters.starts = 10;
        for (int k = 0; k < 10; ++k) {
            StartingStructure st;
            st.start = k;
            st.energy = -300.0 + k;
            s.starts.push_back(st);
            StartSummary sum;
            sum.start = k;
            sum.attempts = 400;
            sum.returnedToStart = 200;
            s.summaries.push_back(sum);
        }
        const double pr2[5] = {2.0, 3.0, 5.0, 4.0, 6.0};
        for (int k = 0; k < 5; ++k) {
            DwpRecord r;
            r.start = k;
            r.findCount = k + 1;
            r.dwp.centralParticle = 60 + k % 3, r.dwp.centralSpecies = k == 4 ? 0 : 1;
            r.dwp.asymmetry = 0.01 * (k + 1), r.dwp.d = 0.1 + 0.1 * k, r.dwp.dMassWeightedReactionPath = 0.2 + 0.1 * k;
            r.dwp.barrier = 0.1;
            r.dwp.pr2 = pr2[k], r.dwp.pr3 = 2.0, r.dwp.pr4 = 2.0;
            r.dwp.sortedProfile = {0.3, 0.1};
            s.doubleWells.push_back(r);
            s.doubleWellStartFinished.push_back(true);
        }
        QTemporaryDir dir;
        const ReportResult r = writeReport({{"N = 65", s, {}, {}}}, dir.path().toStdString());
        QCOMPARE(r.figures.size(), std::size_t(14)); // seven figures, PNG and SVG
        for (const std::string& f : r.figures) {
            const QString path = QString::fromStdString(f);
            if (path.endsWith(".png")) {
                const QImage image(path);
                QCOMPARE(image.size(), QSize(1800, 1120));
                // Not a blank page: the plot has colour in it.
                int coloured = 0;
                for (int y = 0; y < image.height(); y += 4)
                    for (int x = 0; x < image.width(); x += 4)
                        coloured += QColor(image.pixel(x, y)).hsvSaturation() > 100 ? 1 : 0;
                QVERIFY2(coloured > 20, qPrintable(path));
            } else {
                QFile svg(path);
                QVERIFY(svg.open(QIODevice::ReadOnly));
                QVERIFY(svg.readAll().contains("<svg"));
            }
        }
        QFile page(QString::fromStdString(r.page));
        QVERIFY(page.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString md = QString::fromUtf8(page.readAll());
        QVERIFY2(md.contains("| DWPs per starting minimum | 0.65 | 0.500 ± 0.224 |"), qPrintable(md)); // 5/10 ± sqrt(5)/10
        QVERIFY(md.contains("| central particle is B | > 90 % | 80.0 ± 17.9 % |"));          // 4/5 ± sqrt(0.16/5)
        QVERIFY(md.contains("| attempts that fall back into the starting IS | – | 50.0 ± 0.0 % |")); // every start 1/2
        // Find counts 1..5 with every return fraction 1/2: mean of 1 - 2^-k is 0.806, spread 0.085.
        QVERIFY2(md.contains("| 2 copies of this system keep (composite transitions lost) | ≈ 70 % (its 2 × 65 drop) | 80.6 ± 8.5 % |"),
                 qPrintable(md));
        // Table I: PR2 of all five is 4 ± sqrt(2.5/5); PR1 = 1 / mean(1/PR2).
        QVERIFY(md.contains("| N = 65, all |"));
        const double f = (1 / 2.0 + 1 / 3.0 + 1 / 5.0 + 1 / 4.0 + 1 / 6.0) / 5;
        QVERIFY2(md.contains(QString("| N = 65, all | %1 ± ").arg(1 / f, 0, 'f', 2)), qPrintable(md));
        QVERIFY(md.contains(QString(" | %1 ± %2 |").arg(4.0, 0, 'f', 2).arg(std::sqrt(2.5 / 5), 0, 'f', 2)));
        QVERIFY(md.contains("![Fig. 7](fig7.png)"));
        QVERIFY(md.contains("-300.0 … -291.0"));

        // An exploration is not what the paper's report is about: a clear error.
        SessionData e = s;
        e.exploration.emplace();
        QVERIFY_THROWS_EXCEPTION(InputError, writeReport({{"x", e, {}, {}}}, dir.path().toStdString()));
    }
};

QTEST_MAIN(TestUi)
#include "test_ui.moc"

// The main window under a real X server: the 3D view renders the demo glass.
#include "ui/MainWindow.h"
#include "ui/ParticleScene.h"
#include "ui/VtkView.h"

#include "core/io/ExtendedXyz.h"

#include <QtTest>

#include <sstream>

using namespace tlscope::ui;

class TestWindow : public QObject {
    Q_OBJECT
private slots:
    void rendersDemoGlass() {
        MainWindow w;
        w.openDemo();
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
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
    void centralParticleHighlightIsVisibleAndPickingWorks() {
        MainWindow w;
        w.openDemo();
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ParticleScene* scene = w.scene();
        // The demo glass with a made-up displacement field and particle 7 highlighted.
        QFile f(":/demo/ka-rh-65.xyz");
        QVERIFY(f.open(QIODevice::ReadOnly));
        std::istringstream in(f.readAll().toStdString());
        tlscope::XyzFrame frame;
        int line = 0;
        tlscope::readXyzFrame(in, "demo", line, frame);
        const tlscope::Model model = tlscope::Model::preset("ka-rh");
        const tlscope::Configuration conf = frame.toConfiguration(model, "demo");
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
        // Empty space picks nothing.
        QCOMPARE(scene->pick(2, 2), -1);
        // A hidden species cannot be picked.
        tlscope::ui::SceneStyle st = scene->style();
        st.hiddenSpecies = {conf.species[front] == 0, conf.species[front] == 1};
        scene->setStyle(st);
        QVERIFY(scene->pick(p[0], p[1]) != front);
        QCOMPARE(w.view()->firstGlError(), 0u);
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
    }
};

int main(int argc, char** argv) {
    setDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestWindow t;
    return QTest::qExec(&t, argc, argv);
}
#include "test_window.moc"

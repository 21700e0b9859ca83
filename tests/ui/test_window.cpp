// The main window under a real X server: the 3D view renders the demo glass.
#include "ui/MainWindow.h"
#include "ui/ParticleScene.h"
#include "ui/VtkView.h"

#include <QtTest>

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

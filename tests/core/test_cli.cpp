// tlscope-cli end to end: exit codes, messages and numbers a user sees.
#include "TestSystems.h"
#include "core/potential/PairPotential.h"

#include <QProcess>

using namespace tlscope;

namespace {
struct Run {
    int exitCode;
    QString out, err;
};
Run cli(const QStringList& args) {
    QProcess p;
    p.start(TLSCOPE_CLI, args);
    p.waitForFinished(120000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}
const QString demo = QString(TLSCOPE_SOURCE_DIR) + "/resources/demo/ka-rh-65.xyz";
} // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
private slots:
    void evaluatePrintsFullPrecisionEnergy() {
        const Run r = cli({"evaluate", "--input", demo, "--output", dir.filePath("f.xyz")});
        QCOMPARE(r.exitCode, 0);
        const Configuration c = test::demoGlass();
        PairPotential p(Model::preset("ka-rh"), c);
        const QString line = r.out.split('\n').filter(QRegularExpression("^energy ")).value(0);
        const double printed = line.split(' ', Qt::SkipEmptyParts).value(1).toDouble();
        QCOMPARE(printed, p.energy(c.positions));
        const XyzFrame f = readXyzFile(dir.filePath("f.xyz").toStdString());
        QVERIFY(f.forces.has_value());
    }
    void minimizeReportsAndConverges() {
        const QString out = dir.filePath("min.xyz");
        const Run r = cli({"minimize", "--input", demo, "--output", out, "--minimizer", "lbfgs"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("iterations") && r.out.contains("force evaluations") && r.out.contains("converged"));
    }
    void minimizeNonConvergenceExitsThree() {
        const Run r = cli({"minimize", "--input", demo, "--output", dir.filePath("m.xyz"),
                           "--ftol", "1e-30", "--max-iterations", "20"});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("did not converge"), qPrintable(r.err));
    }
    void mdPrintsEnergies() {
        const Run r = cli({"md", "--input", demo, "--steps", "200", "--temperature", "0.2", "--print", "100"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("energy drift"));
    }
    void generateMakesALiquid() {
        const QString out = dir.filePath("g.xyz");
        const Run r = cli({"generate", "--n", "65", "--time", "1", "--melt-time", "1", "--seed", "4", "--output", out});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(readXyzFile(out.toStdString()).speciesNames.size(), std::size_t(65));
    }
    void badInputGivesOneLineReason_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command";
        QTest::newRow("missing input") << QStringList{"evaluate"} << "missing required option --input";
        QTest::newRow("missing file") << QStringList{"evaluate", "--input", "/no/such.xyz"} << "cannot open";
        QTest::newRow("bad model") << QStringList{"evaluate", "--model", "lj", "--input", demo} << "unknown model 'lj'";
        QTest::newRow("unknown option") << QStringList{"evaluate", "--inptu", demo} << "unknown option --inptu";
        QTest::newRow("small box") << QStringList{"generate", "--n", "20", "--output", "/tmp/x.xyz"} << "does not fit the box";
        QTest::newRow("bad number") << QStringList{"md", "--input", demo, "--steps", "ten"} << "--steps expects an integer";
        QTest::newRow("bad minimizer") << QStringList{"minimize", "--input", demo, "--output", "/tmp/x.xyz", "--minimizer", "bfgs"} << "unknown minimizer";
        QTest::newRow("thermostat without T") << QStringList{"md", "--input", demo, "--steps", "1", "--thermostat", "langevin"} << "needs --temperature";
    }
    void badInputGivesOneLineReason() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
    }
    void helpEverywhere() {
        for (const char* c : {"evaluate", "minimize", "md", "generate"}) {
            const Run r = cli({c, "--help"});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains("usage: tlscope-cli"));
        }
        QCOMPARE(cli({"--help"}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"

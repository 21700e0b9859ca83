// tlscope-cli end to end: exit codes, messages and numbers a user sees.
#include "TestSystems.h"
#include "core/common/Error.h"
#include "core/io/ExtendedXyz.h"
#include "core/io/SessionFile.h"
#include "core/potential/PairPotential.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <qplatformdefs.h>

#include <sys/stat.h>

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
    void prepareWritesSwapGlassesReproducibly() {
        // Two glasses on two threads and on one thread: the same bytes.
        const QString out = dir.filePath("ka2.xyz"), single = dir.filePath("one.data"), serial = dir.filePath("serial.xyz");
        const QStringList common{"prepare", "--n", "200", "--t-f", "0.8", "--cool-sweeps", "20", "--sweeps", "20",
                                 "--glasses", "2", "--swap-pairs", "A-C,B-C", "--seed", "3"};
        const Run r = cli(common + QStringList{"--threads", "2", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(cli(common + QStringList{"--threads", "1", "--out", serial}).exitCode, 0);
        for (const char* k : {"-000.xyz", "-001.xyz"}) {
            QFile a(dir.filePath(QString("ka2") + k)), b(dir.filePath(QString("serial") + k));
            QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
            QCOMPARE(a.readAll(), b.readAll());
        }
        QVERIFY(r.out.contains("ka2-001.xyz") && r.out.contains("swaps"));
        // It reports as it runs: sweep, temperature, energy, acceptances, rate and ETA.
        for (const char* s : {"prepare: 100 %", "sweep 40/40", "T 0.800", "E/N -", "transl.", "sweeps/s", "ETA"})
            QVERIFY2(r.err.contains(s), qPrintable(QString(s) + " missing in: " + r.err));
        const Model m = Model::preset("ka2");
        const std::string second = dir.filePath("ka2-001.xyz").toStdString();
        const Configuration c = readXyzFile(second).toConfiguration(m, second);
        QCOMPARE(c.size(), 200);
        QCOMPARE(int(std::count(c.species.begin(), c.species.end(), 2)), m.composition(200)[2]);
        // The convert round trip through a LAMMPS data file keeps the energy.
        const Run conv = cli({"convert", "--model", "ka2", "--input", dir.filePath("ka2-000.xyz"), "--output", single});
        QVERIFY2(conv.exitCode == 0, qPrintable(conv.err));
        const Run e1 = cli({"evaluate", "--model", "ka2", "--input", dir.filePath("ka2-000.xyz")});
        const Run e2 = cli({"evaluate", "--model", "ka2", "--input", single});
        const auto energy = [](const QString& s) { return s.split('\n').filter(QRegularExpression("^energy ")).value(0); };
        QCOMPARE(energy(e1.out), energy(e2.out));
        // The inherent-structure energy per particle printed for glass 0 is what `minimize` of the
        // written glass reaches (same minimizer, to 1e-10: from a configuration this hot, CG and
        // FIRE fall into other minima), and lies below the glass's energy.
        const QString row = r.out.split('\n').filter(QRegularExpression("^\\s+0 ")).value(0);
        const QStringList cols = row.split(' ', Qt::SkipEmptyParts);
        QVERIFY2(cols.size() >= 3, qPrintable(r.out));
        const double perParticle = cols[1].toDouble(), isPerParticle = cols[2].toDouble();
        const Run q = cli({"minimize", "--model", "ka2", "--input", dir.filePath("ka2-000.xyz"), "--output", dir.filePath("is.xyz"),
                           "--minimizer", "lbfgs"});
        QVERIFY2(q.exitCode == 0, qPrintable(q.err));
        const double cgEnergy = q.out.split('\n').filter(QRegularExpression("^final energy")).value(0).split(' ', Qt::SkipEmptyParts).value(2).toDouble();
        QVERIFY2(std::abs(isPerParticle - cgEnergy / 200) < 1e-7, qPrintable(QString("printed %1, minimize %2").arg(isPerParticle).arg(cgEnergy / 200)));
        QVERIFY(isPerParticle < perParticle);
        QVERIFY(r.out.contains("E_IS/N"));
        const Run bad = cli({"prepare", "--n", "200", "--t-f", "0.5", "--sweeps", "1", "--swap-pairs", "A-Z", "--out", out});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("no species Z"), qPrintable(bad.err));
    }
    /// Soft spheres from the command line: prepare writes the diameters, the energy recomputed
    /// from the file matches the printed one, and a search starts from the glass (--input).
    void softSphereGlassPreparedAndSearched() {
        const QString glass = dir.filePath("ss.xyz"), session = dir.filePath("ss.tls.h5");
        const Run r = cli({"prepare", "--model", "soft-spheres", "--n", "150", "--t-f", "0.2", "--cool-sweeps", "50", "--sweeps", "100",
                           "--out", glass});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("q = 6.82"), qPrintable(r.out)); // F_s at S(q)'s first peak for density 1.0
        const Model m = Model::preset("soft-spheres");
        const XyzFrame f = readXyzFile(glass.toStdString());
        QCOMPARE(f.diameters.size(), std::size_t(150));
        const Configuration c = f.toConfiguration(m, "ss");
        PairPotential pot(m, c);
        QVERIFY(std::abs(pot.energy(c.positions) - *f.energy) < 1e-9 * std::abs(*f.energy));
        const Run s = cli({"search", "--model", "soft-spheres", "--input", glass, "--attempts", "5", "--out", session});
        QVERIFY2(s.exitCode == 0, qPrintable(s.err));
        const SessionData d = readSession(session.toStdString(), {false, false});
        QCOMPARE(d.parameters.particles, 150);
        QCOMPARE(d.starts.size(), std::size_t(1));
        QCOMPARE(d.starts[0].diameters, c.diameters);
        // One glass is one start.
        const Run two = cli({"search", "--model", "soft-spheres", "--input", glass, "--starts", "2", "--out", dir.filePath("x.tls.h5")});
        QCOMPARE(two.exitCode, 2);
        QVERIFY2(two.err.contains("--starts 1"), qPrintable(two.err));
    }
    /// prepare killed mid-run and run again with --resume writes the same glass, byte for byte,
    /// as a run that was never interrupted; its snapshot movie too.
    void prepareResumesAfterAKill() {
        const QStringList args{"prepare", "--model", "soft-spheres", "--n", "300", "--t-f", "0.12", "--cool-sweeps", "200",
                               "--sweeps", "4000", "--checkpoint-every", "200", "--snapshots", "500", "--seed", "4"};
        const QString full = dir.filePath("full.xyz"), part = dir.filePath("part.xyz");
        QCOMPARE(cli(args + QStringList{"--out", full}).exitCode, 0);
        QProcess p;
        p.start(TLSCOPE_CLI, args + QStringList{"--out", part});
        QVERIFY(p.waitForStarted());
        const QString checkpoint = part + ".checkpoint.xyz";
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(checkpoint) || p.state() == QProcess::NotRunning, 60000);
        p.kill();
        p.waitForFinished();
        QVERIFY2(QFile::exists(checkpoint) && !QFile::exists(part), "the run finished before it could be killed");
        const Run r = cli(args + QStringList{"--out", part, "--resume"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("resuming from"), qPrintable(r.out));
        QVERIFY(!QFile::exists(checkpoint));
        for (const auto& [a, b] : {std::pair{full, part}, std::pair{dir.filePath("full-snapshots.xyz"), dir.filePath("part-snapshots.xyz")}}) {
            QFile fa(a), fb(b);
            QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
            QVERIFY2(fa.readAll() == fb.readAll(), qPrintable(b + " differs from " + a));
        }
        // A finished glass is kept by --resume, but only for the settings that made it.
        QVERIFY(cli(args + QStringList{"--out", part, "--resume"}).out.contains("finished"));
        const Run other = cli(QStringList(args).replaceInStrings("0.12", "0.13") + QStringList{"--out", part, "--resume"});
        QCOMPARE(other.exitCode, 2);
        QVERIFY2(other.err.contains("not made by this run"), qPrintable(other.err));
    }
    /// explore end to end: the walk and pairs reported, the session readable by analyze (and
    /// --compare), bad input refused with the reason.
    void exploreWritesASessionAnalyzeReads() {
        const QString out = dir.filePath("ex.tls.h5");
        const Run r = cli({"explore", "--input", demo, "--model", "ka-rh", "--t-explore", "0.25", "--quench-every", "50", "--time", "50",
                           "--t-f", "0.5", "--out", out, "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("walk: 101 quenches") && r.out.contains("pairs:") && r.out.contains("per particle"), qPrintable(r.out));
        const SessionData s = readSession(out.toStdString(), {false, false});
        QVERIFY(s.exploration && s.exploration->walk.sequence.size() == 101);
        const Run a = cli({"analyze", out});
        QVERIFY2(a.exitCode == 0 && a.out.contains("distinct IS") && a.out.contains("per J per m^3"), qPrintable(a.out + a.err));
        const Run c = cli({"analyze", "--compare", out, out, "--csv", dir.filePath("cmp.csv")});
        QVERIFY2(c.exitCode == 0 && c.out.contains("0.5") && c.out.contains("TLS per particle"), qPrintable(c.out + c.err));
        QVERIFY(QFile::exists(dir.filePath("cmp.csv")));
        const Run rep = cli({"report", out, "--out", dir.filePath("exrep")});
        QCOMPARE(rep.exitCode, 2);
        QVERIFY2(rep.err.contains("is an exploration"), qPrintable(rep.err));
        const Run wrong = cli({"explore", "--input", demo, "--model", "soft-spheres", "--t-explore", "0.1", "--out", dir.filePath("w.tls.h5")});
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY2(wrong.err.contains("does not define"), qPrintable(wrong.err));
        const Run again = cli({"explore", "--input", demo, "--model", "ka-rh", "--t-explore", "0.25", "--out", out});
        QCOMPARE(again.exitCode, 2);
        QVERIFY2(again.err.contains("--overwrite"), qPrintable(again.err));
        const Run search = cli({"analyze", "--compare", dir.filePath("nope.tls.h5")});
        QCOMPARE(search.exitCode, 2);
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
        // Issue 15: values that used to wrap or pass as NaN/inf.
        QTest::newRow("n wraps") << QStringList{"search", "--n", "4294967361", "--out", "/tmp/never.tls.h5"} << "--n must be <= 2147483647";
        QTest::newRow("starts wraps") << QStringList{"search", "--starts", "4294967297", "--out", "/tmp/never.tls.h5"} << "--starts must be <= 2147483647";
        QTest::newRow("temperature inf") << QStringList{"generate", "--n", "65", "--temperature", "inf", "--output", "/tmp/x.xyz"} << "--temperature expects a finite number";
        QTest::newRow("time nan") << QStringList{"generate", "--n", "65", "--time", "nan", "--output", "/tmp/x.xyz"} << "--time expects a finite number";
        QTest::newRow("melt-time nan") << QStringList{"generate", "--n", "65", "--melt-time", "nan", "--output", "/tmp/x.xyz"} << "--melt-time expects a finite number";
        QTest::newRow("dt inf") << QStringList{"md", "--input", demo, "--steps", "1", "--dt", "inf"} << "--dt expects a finite number";
        QTest::newRow("dt huge") << QStringList{"md", "--input", demo, "--steps", "1", "--dt", "5"} << "--dt must be <= 0.1";
        QTest::newRow("equil-time inf") << QStringList{"search", "--equil-time", "inf", "--out", "/tmp/never.tls.h5"} << "--equil-time expects a finite number";
    }
    void overlappingParticlesAreANumericalFailure() {
        QTemporaryDir dir;
        QFile f(dir.filePath("overlap.xyz"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("2\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3\nA 1 1 1\nA 1 1 1\n");
        f.close();
        for (const QStringList& args : {QStringList{"evaluate", "--input", f.fileName()},
                                        QStringList{"minimize", "--input", f.fileName(), "--output", dir.filePath("m.xyz")},
                                        QStringList{"md", "--input", f.fileName(), "--steps", "1"}}) {
            const Run r = cli(args);
            QCOMPARE(r.exitCode, 3);
            QVERIFY2(r.err.contains("not finite") && r.err.contains("overlap.xyz"), qPrintable(r.err));
            QVERIFY(!QFile::exists(dir.filePath("m.xyz")));
        }
    }
    void badInputGivesOneLineReason() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
    }
    /// Issue 15 item 4: a write that fails (here a file-size limit, as a full disk would) stops
    /// with exit 2 and a message, never a crash; an existing file is never replaced by a smaller
    /// one; no temporary files stay behind.
    void writeFailuresLoseNothing() {
        auto limited = [](int kilobytes, const QStringList& args) {
            QProcess p;
            QStringList quoted;
            for (const QString& a : args) quoted << "'" + a + "'";
            p.start("bash", {"-c", QString("trap '' XFSZ; ulimit -f %1; exec '%2' %3").arg(kilobytes).arg(TLSCOPE_CLI, quoted.join(' '))});
            p.waitForFinished(120000);
            return Run{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                       QString::fromUtf8(p.readAllStandardError())};
        };
        QTemporaryDir tmp;
        // A configuration write.
        const QString keep = tmp.filePath("keep.xyz");
        { QFile f(keep); f.open(QIODevice::WriteOnly); f.write("precious\n"); }
        Run r = limited(4, {"minimize", "--input", demo, "--output", keep});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("keep.xyz") && r.err.contains("nothing was written"), qPrintable(r.err));
        { QFile f(keep); f.open(QIODevice::ReadOnly); QCOMPARE(f.readAll(), QByteArray("precious\n")); }
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
        // A search whose session outgrows the limit: exit 2, a readable incomplete session that
        // --resume completes.
        const QString session = tmp.filePath("full.tls.h5");
        const QStringList run{"search", "--starts", "4", "--attempts", "50", "--equil-time", "10", "--seed", "5", "--quiet", "--out", session};
        r = limited(200, run);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("writing the session failed") && r.err.contains("full.tls.h5"), qPrintable(r.err));
        Run a = cli({"analyze", session});
        QCOMPARE(a.exitCode, 0);
        QVERIFY(a.out.contains("incomplete"));
        QCOMPARE(cli({"search", "--resume", "--quiet", "--out", session}).exitCode, 0);
        a = cli({"analyze", session});
        QVERIFY2(a.out.contains("complete") && !a.out.contains("incomplete"), qPrintable(a.out));
        // Resuming that complete session under the limit: refused, and the file is unchanged.
        QFile f(session);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        r = limited(64, {"search", "--resume", "--quiet", "--out", session});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("the file is unchanged") || r.err.contains("nothing to resume") || r.err.contains("complete"), qPrintable(r.err));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
        for (const QString& name : QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden))
            QVERIFY2(!name.contains("tmp") && !name.contains("XXX"), qPrintable(name));
    }
    /// Issue 15 item 9: outputs follow symbolic links and write through to devices; neither is
    /// replaced by a regular file (as root, --output /dev/null used to replace /dev/null).
    void outputsFollowLinksAndDevices() {
        QTemporaryDir tmp;
        const QString target = tmp.filePath("target.xyz"), link = tmp.filePath("link.xyz");
        { QFile f(target); QVERIFY(f.open(QIODevice::WriteOnly)); f.write("old\n"); }
        QVERIFY(QFile::link(target, link));
        QCOMPARE(cli({"minimize", "--input", demo, "--output", link}).exitCode, 0);
        QVERIFY(QFileInfo(link).isSymLink());
        QVERIFY(QFileInfo(target).size() > 1000);
        QVERIFY(readXyzFile(link.toStdString()).speciesNames.size() == 65);
        QCOMPARE(cli({"minimize", "--input", demo, "--output", "/dev/null"}).exitCode, 0);
        QT_STATBUF st;
        QVERIFY(QT_STAT("/dev/null", &st) == 0);
        QVERIFY2(S_ISCHR(st.st_mode), "/dev/null is no longer a character device");
        // analyze --json into a directory that does not exist: exit 2, nothing left behind.
        const Run r = cli({"analyze", TLSCOPE_SOURCE_DIR "/tests/fuzz/corpus/session/small-session.h5", "--json", tmp.filePath("no/such/dir/a.json")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("a.json"), qPrintable(r.err));
    }

    /// Issue 15 item 11: one writer per session.
    void secondWriterIsRefused() {
        QTemporaryDir tmp;
        const QString session = tmp.filePath("busy.tls.h5");
        QProcess first;
        first.start(TLSCOPE_CLI, {"search", "--starts", "50", "--attempts", "400", "--equil-time", "10", "--quiet", "--out", session});
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(session + ".lock") && QFile::exists(session), 30000);
        for (const QStringList& args : {QStringList{"search", "--overwrite", "--starts", "1", "--quiet", "--out", session},
                                        QStringList{"search", "--resume", "--quiet", "--out", session}}) {
            const Run r = cli(args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains("is being written by process " + QString::number(first.processId())), qPrintable(r.err));
        }
        first.terminate(); // SIGTERM: a clean stop
        QVERIFY(first.waitForFinished(60000));
        QVERIFY(!QFile::exists(session + ".lock"));
        const Run d = cli({"search", "--starts", "1", "--quiet", "--out", tmp.path()});
        QCOMPARE(d.exitCode, 2);
        QVERIFY2(d.err.contains("is a directory"), qPrintable(d.err));
    }
    void searchBadInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString out = dir.filePath("bad.tls.h5");
        QTest::newRow("d_min >= d_max") << QStringList{"search", "--d-min", "0.9", "--d-max", "0.8", "--out", out} << "must be larger than --d-min";
        QTest::newRow("no out") << QStringList{"search"} << "missing required option --out";
        QTest::newRow("bad saddle") << QStringList{"search", "--saddle", "dimer", "--out", out} << "unknown saddle method";
        QTest::newRow("resume missing") << QStringList{"search", "--resume", "--out", dir.filePath("none.tls.h5")} << "no such file";
        QTest::newRow("resume with params") << QStringList{"search", "--resume", "--starts", "3", "--out", out} << "drop --starts";
        QTest::newRow("analyze foreign") << QStringList{"analyze", demo} << "not an HDF5 file";
        QTest::newRow("calibrate list") << QStringList{"calibrate", "--temperatures", "0.3,hot"} << "expects numbers";
        QTest::newRow("copies split") << QStringList{"search", "--copies", "2", "--n", "131", "--out", out} << "cannot be split into 2 copies";
        QTest::newRow("copies range") << QStringList{"search", "--copies", "0", "--out", out} << "--copies must be >= 1";
        // Copies are for the search only: a model file with them is refused elsewhere, by name.
        const QString copiesModel = dir.filePath("two-copies.model");
        {
            QFile f(copiesModel);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write((Model::preset("ka-rh").serialize() + "copies 2\n").c_str());
        }
        QTest::newRow("prepare copies") << QStringList{"prepare", "--model", copiesModel, "--n", "130", "--t-f", "0.5", "--sweeps", "10", "--out", dir.filePath("g.xyz")}
                                        << "prepare: model";
    }
    /// The paper's 2 x 65 system from the command line: two copies searched as one system, the
    /// analysis naming it and counting each copy's volume.
    void twoCopiesSearchedAndAnalysed() {
        const QString out = dir.filePath("two.tls.h5");
        const Run r = cli({"search", "--copies", "2", "--n", "130", "--starts", "1", "--attempts", "20", "--equil-time", "10",
                           "--seed", "4", "--quiet", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const Run a = cli({"analyze", out});
        QVERIFY2(a.exitCode == 0, qPrintable(a.err));
        QVERIFY2(a.out.contains("Catalog (N = 2 x 65)"), qPrintable(a.out));
        const Run j = cli({"analyze", out, "--json", "-"});
        QVERIFY2(j.out.contains("\"copies\": 2"), qPrintable(j.out.left(400)));
    }
    void searchBadInput() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir.filePath("bad.tls.h5")));
    }
    /// explore killed (SIGKILL) during its walk and again during its pair analyses, each time
    /// continued with --resume: the same walk, pairs, verdicts and DWPs as the uninterrupted run.
    /// Several glasses and runs in one command: run 0 of a glass is the single run.
    void killedExplorationResumesToTheSameResult() {
        const QStringList run{"--model", "ka-rh", "--t-explore", "0.25", "--quench-every", "50", "--time", "400", "--seed", "3",
                              "--checkpoint-every", "0.05", "--quiet"};
        const QString full = dir.filePath("exfull.tls.h5");
        const Run r = cli(QStringList{"explore", "--input", demo, "--threads", "2", "--out", full} + run);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const SessionData reference = readSession(full.toStdString());
        QVERIFY(reference.complete() && reference.exploration && reference.exploration->walkComplete);
        QVERIFY(reference.exploration->pairs.size() >= 3);
        QVERIFY(!QFile::exists(full + ".walk")); // the checkpoint goes once the walk is in the session
        auto same = [&](const SessionData& s) {
            QVERIFY(s.complete() && s.exploration);
            QCOMPARE(s.exploration->walk.sequence, reference.exploration->walk.sequence);
            QCOMPARE(s.exploration->walk.transitions, reference.exploration->walk.transitions);
            QCOMPARE(s.exploration->walk.minima.size(), reference.exploration->walk.minima.size());
            for (std::size_t k = 0; k < s.exploration->walk.minima.size(); ++k)
                QVERIFY(s.exploration->walk.minima[k].positions == reference.exploration->walk.minima[k].positions);
            QCOMPARE(s.exploration->pairs.size(), reference.exploration->pairs.size());
            for (std::size_t k = 0; k < s.exploration->pairs.size(); ++k) {
                QCOMPARE(s.exploration->pairs[k].accepted, reference.exploration->pairs[k].accepted);
                QCOMPARE(s.exploration->pairs[k].reason, reference.exploration->pairs[k].reason);
            }
            QCOMPARE(s.doubleWells.size(), reference.doubleWells.size());
            for (std::size_t k = 0; k < s.doubleWells.size(); ++k) {
                QCOMPARE(s.doubleWells[k].minimum, reference.doubleWells[k].minimum);
                QCOMPARE(s.doubleWells[k].dwp.eSaddle, reference.doubleWells[k].dwp.eSaddle);
                QCOMPARE(s.doubleWells[k].dwp.quantum.splitting, reference.doubleWells[k].dwp.quantum.splitting);
            }
        };
        // Killed during the walk, as soon as it has a checkpoint.
        const QString killed = dir.filePath("exkilled.tls.h5");
        QProcess p;
        p.start(TLSCOPE_CLI, QStringList{"explore", "--input", demo, "--threads", "1", "--out", killed} + run);
        QVERIFY(p.waitForStarted());
        for (int i = 0; i < 6000 && !QFile::exists(killed + ".walk") && p.state() == QProcess::Running; ++i) QTest::qWait(5);
        p.kill();
        p.waitForFinished();
        QVERIFY2(QFile::exists(killed + ".walk"), "the walk finished before it could be killed");
        QVERIFY(!readSession(killed.toStdString()).exploration->walkComplete);
        const Run resumed = cli(QStringList{"explore", "--input", demo, "--threads", "2", "--out", killed, "--resume"} + run);
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.err.contains("from its checkpoint"), qPrintable(resumed.err));
        same(readSession(killed.toStdString()));
        // Killed during the pair analyses, once the live file shows an analysed pair.
        const QString killed2 = dir.filePath("exkilled2.tls.h5");
        p.start(TLSCOPE_CLI, QStringList{"explore", "--input", demo, "--threads", "1", "--out", killed2} + run);
        QVERIFY(p.waitForStarted());
        std::size_t analysed = 0;
        for (int i = 0; i < 6000 && analysed == 0 && p.state() == QProcess::Running; ++i) {
            QTest::qWait(10);
            try {
                const SessionData live = readSession(killed2.toStdString(), {false, false});
                analysed = live.exploration ? live.exploration->pairs.size() : 0;
            } catch (const InputError&) { // not created yet
            }
        }
        p.kill();
        p.waitForFinished();
        const SessionData partial = readSession(killed2.toStdString());
        QVERIFY2(analysed > 0 && !partial.complete(), "the analyses finished before they could be killed");
        const Run resumed2 = cli(QStringList{"explore", "--input", demo, "--threads", "2", "--out", killed2, "--resume"} + run);
        QVERIFY2(resumed2.exitCode == 0 && resumed2.err.contains("walk done"), qPrintable(resumed2.err));
        same(readSession(killed2.toStdString()));
        // Finished: --resume does nothing; other settings are refused with the key that differs.
        QVERIFY(cli(QStringList{"explore", "--input", demo, "--out", killed2, "--resume"} + run).err.contains("complete"));
        const Run other = cli(QStringList{"explore", "--input", demo, "--out", killed2, "--resume"} +
                              QStringList(run).replaceInStrings("0.25", "0.3"));
        QCOMPARE(other.exitCode, 2);
        QVERIFY2(other.err.contains("t_explore"), qPrintable(other.err));
        // Two glasses x two runs into a directory; run 0 of each is the single run above.
        const QString g2 = dir.filePath("second.xyz");
        QVERIFY(QFile::copy(demo, g2));
        const QString many = dir.filePath("many");
        const Run m = cli(QStringList{"explore", "--runs", "2", "--threads", "2", "--out", many} + run + QStringList{demo, g2});
        QVERIFY2(m.exitCode == 0, qPrintable(m.err + m.out));
        for (const char* name : {"ka-rh-65-r0", "second-r0"}) same(readSession((many + "/" + QString(name) + ".tls.h5").toStdString()));
        const SessionData r1 = readSession((many + "/second-r1.tls.h5").toStdString());
        QVERIFY(r1.complete() && r1.exploration->walk.sequence != reference.exploration->walk.sequence);
        QVERIFY(r1.exploration->parameters.find("run = 1") != std::string::npos);
    }
    void killedSearchResumesToTheSameCatalog() {
        const QStringList run{"--starts", "6", "--attempts", "40", "--equil-time", "20", "--seed", "17", "--quiet"};
        // The uninterrupted reference.
        const QString full = dir.filePath("full.tls.h5");
        const Run r = cli(QStringList{"search", "--threads", "2", "--out", full} + run);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("DWPs"));
        const SessionData reference = readSession(full.toStdString());
        QVERIFY(reference.complete());
        QVERIFY(!reference.doubleWells.empty());
        // An existing session is never overwritten by accident.
        const Run again = cli(QStringList{"search", "--out", full} + run);
        QCOMPARE(again.exitCode, 2);
        QVERIFY(again.err.contains("--resume"));

        // The same run, killed (SIGKILL) as soon as its file holds a DWP, read while written.
        const QString killed = dir.filePath("killed.tls.h5");
        QProcess p;
        p.start(TLSCOPE_CLI, QStringList{"search", "--threads", "1", "--out", killed} + run);
        QVERIFY(p.waitForStarted());
        std::size_t seen = 0;
        for (int i = 0; i < 6000 && seen == 0 && p.state() == QProcess::Running; ++i) {
            QTest::qWait(20);
            try {
                seen = readSession(killed.toStdString()).doubleWells.size(); // a live reader
            } catch (const InputError&) { // not created yet
            }
        }
        QVERIFY2(seen > 0, "no DWP appeared in the live file");
        p.kill();
        p.waitForFinished();
        const SessionData partial = readSession(killed.toStdString());
        QVERIFY(!partial.complete());
        QVERIFY(partial.doubleWells.size() >= seen);
        // Resume with another thread count: the catalog must equal the uninterrupted one.
        const Run resumed = cli({"search", "--out", killed, "--resume", "--threads", "2", "--quiet"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY(resumed.err.contains("resuming"));
        const SessionData done = readSession(killed.toStdString());
        QVERIFY(done.complete());
        QCOMPARE(done.doubleWells.size(), reference.doubleWells.size());
        for (std::size_t k = 0; k < done.doubleWells.size(); ++k) {
            const DwpRecord &a = done.doubleWells[k], &b = reference.doubleWells[k];
            QCOMPARE(a.start, b.start);
            QCOMPARE(a.minimum, b.minimum);
            QCOMPARE(a.findCount, b.findCount);
            QCOMPARE(a.dwp.e1, b.dwp.e1);
            QCOMPARE(a.dwp.e2, b.dwp.e2);
            QCOMPARE(a.dwp.eSaddle, b.dwp.eSaddle);
            QCOMPARE(a.dwp.quantum.splitting, b.dwp.quantum.splitting);
            QVERIFY(a.dwp.saddle == b.dwp.saddle);
        }
        QCOMPARE(done.minima.size(), reference.minima.size());
        // Not only the same catalog: the same bytes (rows in the canonical order, no timestamps),
        // although one run used two threads throughout and the other one, killed, then two.
        QFile fa(full), fb(killed);
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
        QVERIFY2(fa.readAll() == fb.readAll(), "the resumed session's bytes differ from the uninterrupted one's");

        // analyze and export on the result.
        const Run an = cli({"analyze", killed, "--json", dir.filePath("a.json"), "--csv", dir.filePath("a.csv")});
        QVERIFY2(an.exitCode == 0, qPrintable(an.err));
        QVERIFY(an.out.contains("Table I"));
        QVERIFY(an.out.contains("DWPs per starting minimum"));
        QFile json(dir.filePath("a.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(json.readAll(), &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        QCOMPARE(doc["dwps"].toInt(), int(reference.doubleWells.size()));
        QCOMPARE(doc["starts_finished"].toInt(), 6);
        // The paper's report: every figure as PNG and SVG, and the page, without a display.
        QProcess rp;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("QT_QPA_PLATFORM");
        rp.setProcessEnvironment(env);
        rp.start(TLSCOPE_CLI, {"report", killed, "--out", dir.filePath("report")});
        QVERIFY(rp.waitForFinished(120000));
        QVERIFY2(rp.exitCode() == 0, rp.readAllStandardError().constData());
        for (const char* f : {"fig1", "fig2", "fig3", "fig4", "fig6", "fig7", "is-energy"})
            for (const char* ext : {".png", ".svg"})
                QVERIFY2(QFileInfo(dir.filePath("report/") + f + ext).size() > 1000, f);
        QFile page(dir.filePath("report/report.md"));
        QVERIFY(page.open(QIODevice::ReadOnly));
        QVERIFY(page.readAll().contains(QByteArray("| DWPs per starting minimum | 0.65 | ")));
        // One label twice: the two files are one pooled catalog (here the same run twice).
        rp.start(TLSCOPE_CLI, {"report", killed, killed, "--label", "pooled", "--label", "pooled", "--out", dir.filePath("pooled")});
        QVERIFY(rp.waitForFinished(120000));
        QVERIFY2(rp.exitCode() == 0, rp.readAllStandardError().constData());
        QFile pooledPage(dir.filePath("pooled/report.md"));
        QVERIFY(pooledPage.open(QIODevice::ReadOnly));
        const QString pooled = QString::fromUtf8(pooledPage.readAll());
        const QString name = QFileInfo(killed).fileName();
        const QString seed = QString::number(reference.parameters.seed);
        QVERIFY2(pooled.contains("| pooled | `" + name + "` + `" + name + "` | 65 | " + seed + ", " + seed + " | 12 | "), qPrintable(pooled));
        QVERIFY(!pooled.contains("| pooled | pooled |")); // one column, not two
        const Run noOut = cli({"report", killed});
        QCOMPARE(noOut.exitCode, 2);
        QVERIFY(noOut.err.contains("--out"));
        const Run ex = cli({"export", killed, "--csv", dir.filePath("t.csv"), "--dwp", "0", "--xyz", dir.filePath("d.xyz")});
        QVERIFY2(ex.exitCode == 0, qPrintable(ex.err));
        QCOMPARE(readXyzFrames(dir.filePath("d.xyz").toStdString()).size(), std::size_t(3));
    }
    /// repath recomputes every DWP's path and levels from its stored saddle and minima: a
    /// catalog whose quantum numbers were spoiled (as an engine bug would) gets back the values
    /// the search computed, the rest of the catalog is untouched, the input is left as it was.
    void repathRecomputesTheLevels() {
        const QString out = dir.filePath("repath-source.tls.h5");
        const Run r = cli({"search", "--starts", "2", "--attempts", "150", "--equil-time", "20", "--seed", "6", "--quiet", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        SessionData s = readSession(out.toStdString());
        QVERIFY2(!s.doubleWells.empty(), "the search found no DWP to spoil");
        const SessionData original = s;
        for (DwpRecord& d : s.doubleWells) {
            d.dwp.quantum.splitting *= 1.5;
            d.dwp.isTls = !d.dwp.isTls;
            d.dwp.profile.energy.assign(d.dwp.profile.energy.size(), 0.0);
        }
        const QString spoiled = dir.filePath("spoiled.tls.h5");
        {
            SessionWriter writer(spoiled.toStdString(), s.parameters);
            writer.copyFinished(s);
            writer.close();
        }
        QFile f(spoiled);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        f.close();
        const QString fixed = dir.filePath("fixed.tls.h5");
        const Run p = cli({"repath", spoiled, "--out", fixed, "--threads", "2"});
        QVERIFY2(p.exitCode == 0, qPrintable(p.err));
        QVERIFY2(p.out.contains(QString("E_qs changed   %1 by more").arg(s.doubleWells.size())), qPrintable(p.out));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), bytes); // the input is untouched
        const SessionData back = readSession(fixed.toStdString());
        QCOMPARE(back.doubleWells.size(), original.doubleWells.size());
        QCOMPARE(back.starts.size(), original.starts.size());
        QCOMPARE(back.minima.size(), original.minima.size());
        for (std::size_t k = 0; k < back.doubleWells.size(); ++k) {
            const DoubleWell &a = back.doubleWells[k].dwp, &b = original.doubleWells[k].dwp;
            QVERIFY(std::abs(a.quantum.splitting / b.quantum.splitting - 1.0) < 1e-9);
            QCOMPARE(a.isTls, b.isTls);
            QCOMPARE(a.profile.energy.size(), b.profile.energy.size());
            QVERIFY(a.profile.energy == b.profile.energy);
            QCOMPARE(a.asymmetry, b.asymmetry);
            QCOMPARE(a.centralParticle, b.centralParticle);
        }
        // The output must be a new file.
        const Run same = cli({"repath", spoiled, "--out", spoiled});
        QCOMPARE(same.exitCode, 2); // bad input
        QVERIFY2(same.err.contains("new file"), qPrintable(same.err));
    }
    void calibrateReportsYield() {
        const Run r = cli({"calibrate", "--starts", "2", "--attempts", "10", "--equil-time", "10",
                           "--temperatures", "0.3,0.5", "--steps", "100"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("minima/start"));
        QVERIFY(r.out.contains("largest yield: --t-search"));
        QCOMPARE(r.out.count('\n'), 4); // header, two points, recommendation
    }
    void helpEverywhere() {
        for (const char* c : {"evaluate", "minimize", "md", "generate", "search", "calibrate", "analyze", "export", "repath"}) {
            const Run r = cli({c, "--help"});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains("usage: tlscope-cli"));
        }
        QCOMPARE(cli({"--help"}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"

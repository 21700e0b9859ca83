// tlscope-cli under mpirun (docs/cluster.md): the same files as one process, whatever the rank
// count; a run killed on one rank resumes, with another rank count, to the same bytes; errors all
// ranks see are reported once. Several ranks on one machine (--oversubscribe), as CI runs them.
#include "core/common/Error.h"
#include "core/io/SessionFile.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace tlscope;

namespace {
struct Run {
    int exitCode;
    QString out, err;
};
QProcessEnvironment mpiEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // CI runs as root; Open MPI refuses that without both variables.
    env.insert("OMPI_ALLOW_RUN_AS_ROOT", "1");
    env.insert("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    // Containers often forbid cross-memory attach; the ranks exchange only a few bytes anyway.
    env.insert("OMPI_MCA_btl_vader_single_copy_mechanism", "none");
    return env;
}
QStringList mpirunArgs(int ranks, const QStringList& cliArgs) {
    return QStringList{"-np", QString::number(ranks), "--oversubscribe", TLSCOPE_CLI} + cliArgs;
}
Run run(const QString& program, const QStringList& args) {
    QProcess p;
    p.setProcessEnvironment(mpiEnvironment());
    p.start(program, args);
    p.waitForFinished(240000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}
Run cli(const QStringList& args) { return run(TLSCOPE_CLI, args); }
Run mpirun(int ranks, const QStringList& args) { return run(TLSCOPE_MPIEXEC, mpirunArgs(ranks, args)); }
QByteArray bytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestMpi : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
private slots:
    void searchOverRanksIsTheSingleProcessFileAndResumesAfterAKilledRank() {
        const QStringList params{"--starts", "18", "--attempts", "120", "--equil-time", "20", "--seed", "23", "--quiet"};
        const QString single = dir.filePath("single.tls.h5");
        const Run s = cli(QStringList{"search", "--threads", "2", "--out", single} + params);
        QVERIFY2(s.exitCode == 0, qPrintable(s.err));
        const SessionData reference = readSession(single.toStdString());
        QVERIFY(reference.complete());
        QVERIFY(!reference.doubleWells.empty());

        // Three ranks: the same bytes, and no part file left behind.
        const QString three = dir.filePath("three.tls.h5");
        const Run m = mpirun(3, QStringList{"search", "--out", three} + params);
        QVERIFY2(m.exitCode == 0, qPrintable(m.err));
        QVERIFY2(m.err.contains("search on 3 ranks"), qPrintable(m.err));
        QVERIFY2(bytes(three) == bytes(single), "the 3-rank session differs from the single-process one");
        QVERIFY(QDir(dir.path()).entryList({"three.tls.h5.part*"}).isEmpty());

        // Three ranks again, rank 1 killed (SIGKILL) once some rank has finished a start: mpirun
        // ends the others, the part files keep every finished start.
        const QString killed = dir.filePath("killed.tls.h5");
        QProcess job;
        job.setProcessEnvironment(mpiEnvironment());
        job.start(TLSCOPE_MPIEXEC, mpirunArgs(3, QStringList{"search", "--out", killed} + params));
        QVERIFY(job.waitForStarted());
        qint64 victim = -1;
        for (int i = 0; i < 6000 && victim < 0 && job.state() == QProcess::Running; ++i) {
            QTest::qWait(20);
            std::size_t finished = 0;
            for (int r = 0; r < 3; ++r) {
                try {
                    finished += readSession((killed + ".part" + QString::number(r)).toStdString(), {false, false}).starts.size();
                } catch (const InputError&) { // not created yet
                }
            }
            if (finished == 0) continue;
            // The lock of a rank still at work names its process.
            for (int r : {1, 2, 0}) {
                QFile lock(killed + ".part" + QString::number(r) + ".lock");
                if (!lock.open(QIODevice::ReadOnly)) continue;
                const QByteArray text = lock.readAll();
                const qsizetype at = text.indexOf("process ");
                if (at < 0) continue;
                victim = text.mid(at + 8).split(' ').first().toLongLong();
                if (victim > 0) break;
            }
        }
        QVERIFY2(victim > 0, "no rank finished a start while the job ran (or its lock names no process)");
        ::kill(static_cast<pid_t>(victim), SIGKILL);
        QVERIFY(job.waitForFinished(60000));
        QVERIFY(job.exitCode() != 0);
        const SessionData partial = readSession(killed.toStdString());
        QVERIFY(!partial.complete());
        QVERIFY(!QDir(dir.path()).entryList({"killed.tls.h5.part?"}).isEmpty());

        // Resumed on two ranks: the parts are merged, the rest split anew, the bytes those of
        // the uninterrupted single process.
        const Run resumed = mpirun(2, {"search", "--out", killed, "--resume", "--quiet"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.err.contains("part files of the earlier run"), qPrintable(resumed.err));
        QVERIFY2(bytes(killed) == bytes(single), "the resumed session differs from the uninterrupted one");
        QVERIFY(QDir(dir.path()).entryList({"killed.tls.h5.part*"}).isEmpty());
    }

    void partsOfAKilledMpiRunResumeWithoutMpi() {
        // A cluster job killed before its merge; the user finishes it with a plain --resume.
        const QStringList params{"--starts", "8", "--attempts", "60", "--equil-time", "20", "--seed", "29", "--quiet"};
        const QString single = dir.filePath("ref.tls.h5");
        QCOMPARE(cli(QStringList{"search", "--threads", "1", "--out", single} + params).exitCode, 0);
        const SessionData all = readSession(single.toStdString());
        // What such a job leaves: the main file with the run's parameters only, and part files
        // (here two "ranks" that both hold every start: duplicates of one start are kept once).
        const QString out = dir.filePath("cluster.tls.h5");
        {
            SessionWriter empty(out.toStdString(), all.parameters);
        }
        QVERIFY(QFile::copy(single, out + ".part0"));
        QVERIFY(QFile::copy(single, out + ".part1"));
        const Run r = cli({"search", "--out", out, "--resume", "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("merged 2 part files"), qPrintable(r.err));
        QCOMPARE(bytes(out), bytes(single));
        QCOMPARE(readSession(out.toStdString()).doubleWells.size(), all.doubleWells.size());
        QVERIFY(!QFile::exists(out + ".part0") && !QFile::exists(out + ".part1"));

        // A part of another run is refused, and nothing is changed.
        const QString other = dir.filePath("other.tls.h5");
        QCOMPARE(cli({"search", "--threads", "1", "--out", other, "--starts", "2", "--attempts", "20", "--equil-time", "20",
                      "--seed", "30", "--quiet"})
                     .exitCode,
                 0);
        {
            SessionWriter empty(dir.filePath("mixed.tls.h5").toStdString(), all.parameters);
        }
        QVERIFY(QFile::copy(other, dir.filePath("mixed.tls.h5.part0")));
        const QByteArray before = bytes(dir.filePath("mixed.tls.h5"));
        const Run bad = cli({"search", "--out", dir.filePath("mixed.tls.h5"), "--resume", "--quiet"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("not the same run"), qPrintable(bad.err));
        QCOMPARE(bytes(dir.filePath("mixed.tls.h5")), before);
        QVERIFY(QFile::exists(dir.filePath("mixed.tls.h5.part0")));
    }

    void prepareAndExploreSplitTheirUnitsOverRanks() {
        const QString s = dir.filePath("s"), p = dir.filePath("p");
        QVERIFY(QDir().mkpath(s) && QDir().mkpath(p));
        const QStringList prep{"prepare", "--model", "soft-spheres", "--n", "200", "--t-f", "0.2", "--cool-sweeps", "50",
                               "--sweeps", "50", "--glasses", "3", "--seed", "4"};
        const Run a = cli(prep + QStringList{"--threads", "1", "--out", s + "/g.xyz", "--log", s + "/log.csv"});
        QVERIFY2(a.exitCode == 0, qPrintable(a.err));
        const Run b = mpirun(2, prep + QStringList{"--out", p + "/g.xyz", "--log", p + "/log.csv"});
        QVERIFY2(b.exitCode == 0, qPrintable(b.err));
        for (const char* f : {"g-000.xyz", "g-001.xyz", "g-002.xyz", "log.csv"})
            QVERIFY2(!bytes(s + "/" + f).isEmpty() && bytes(s + "/" + f) == bytes(p + "/" + f), f);
        // The table is printed once, in glass order.
        QCOMPARE(b.out.count("g-001.xyz"), 1);
        QVERIFY(b.out.indexOf("g-000.xyz") < b.out.indexOf("g-001.xyz") && b.out.indexOf("g-001.xyz") < b.out.indexOf("g-002.xyz"));

        const QStringList explore{"explore", "--t-explore", "0.05", "--quench-every", "20", "--time", "2", "--seed", "3",
                                  "--runs", "2", "--quiet"};
        const QStringList glasses{s + "/g-000.xyz", s + "/g-001.xyz"};
        const Run c = cli(explore + QStringList{"--threads", "1", "--out", s + "/ex"} + glasses);
        QVERIFY2(c.exitCode == 0, qPrintable(c.err));
        const Run d = mpirun(3, explore + QStringList{"--out", p + "/ex"} + glasses);
        QVERIFY2(d.exitCode == 0, qPrintable(d.err));
        for (const char* f : {"g-000-r0.tls.h5", "g-000-r1.tls.h5", "g-001-r0.tls.h5", "g-001-r1.tls.h5"}) {
            QVERIFY2(!bytes(s + "/ex/" + f).isEmpty(), f);
            QVERIFY2(bytes(s + "/ex/" + f) == bytes(p + "/ex/" + f), f);
            QCOMPARE(d.out.count(f), 1);
        }
    }

    void anErrorEveryRankSeesIsReportedOnce() {
        const Run r = mpirun(3, {"search", "--n", "3", "--out", dir.filePath("never.tls.h5")});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.count("does not fit the box"), 1);
        QVERIFY(!QFile::exists(dir.filePath("never.tls.h5")));
    }
};

QTEST_GUILESS_MAIN(TestMpi)
#include "test_mpi.moc"

// LAMMPS data and dump files: round trips, every atom style and column layout we read, clear
// errors for malformed files, and LAMMPS itself recomputing our energy (where installed).
#include "TestSystems.h"
#include "core/common/Error.h"
#include "core/io/ConfigurationFile.h"
#include "core/io/LammpsData.h"
#include "core/potential/PairPotential.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <fstream>
#include <sstream>

using namespace tlscope;

namespace {

LammpsImport data(const std::string& text, const Model& m = Model::preset("ka-rh")) {
    std::istringstream in(text);
    return readLammpsData(in, "test.data", m);
}

LammpsImport dump(const std::string& text, int frame = -1, const Model& m = Model::preset("ka-rh")) {
    std::istringstream in(text);
    return readLammpsDump(in, "test.dump", m, frame);
}

/// The InputError message of reading `text` as a data file (empty if it was accepted).
QString dataError(const std::string& text) {
    try {
        data(text);
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

const char* kHeader = "title\n\n3 atoms\n2 atom types\n\n-1 3 xlo xhi\n-1 3 ylo yhi\n-1 3 zlo zhi\n\n";

} // namespace

class TestLammps : public QObject {
    Q_OBJECT
private slots:
    void dataFileRoundTripKeepsEnergyAndSpecies() {
        const Model m = Model::preset("ka-rh");
        const Configuration c = test::demoGlass();
        std::ostringstream out;
        writeLammpsData(out, c, m);
        const LammpsImport r = data(out.str());
        QVERIFY(r.warnings.empty());
        QCOMPARE(r.conf.size(), c.size());
        QVERIFY(r.conf.species == c.species);
        QCOMPARE(r.conf.boxLength, c.boxLength);
        PairPotential a(m, c), b(m, r.conf);
        // 17 significant digits: the same configuration up to wrapping into the box.
        QVERIFY(std::abs(a.energy(c.positions) - b.energy(r.conf.positions)) < 1e-12 * std::abs(a.energy(c.positions)));
        QVERIFY(a.displacement(c.positions, r.conf.positions).cwiseAbs().maxCoeff() < 1e-13);
    }

    void atomStylesImageFlagsAndShuffledIds() {
        // Three atoms given out of id order, in a box from -1 to 3 (shifted to 0..4).
        const LammpsImport atomic = data(std::string(kHeader) + "Masses\n\n1 1\n2 0.5\n\nAtoms # atomic\n\n"
                                                                "3 2 0.5 0.5 0.5\n1 1 0 0 0 1 0 -1\n2 1 1 1 1\n");
        QCOMPARE(atomic.conf.boxLength, 4.0);
        QCOMPARE(atomic.conf.species, (std::vector<int>{0, 0, 1}));
        // id 1 at (0,0,0) + image (1,0,-1) * 4, then shifted by +1.
        QCOMPARE(atomic.conf.position(0), Eigen::Vector3d(5, 1, -3));
        QCOMPARE(atomic.conf.position(2), Eigen::Vector3d(1.5, 1.5, 1.5));
        QVERIFY(atomic.conf.diameters.empty());

        const LammpsImport sphere = data(std::string(kHeader) + "Atoms # sphere\n\n1 1 1.1 1.0 0 0 0\n2 2 0.9 1.0 1 1 1\n3 1 1.3 1.0 2 0 0\n");
        QCOMPARE(sphere.conf.diameters.size(), std::size_t(3));
        QCOMPARE(sphere.conf.diameters[1], 0.9);
        QCOMPARE(sphere.conf.position(2), Eigen::Vector3d(3, 1, 1));

        const LammpsImport full = data(std::string(kHeader) + "Atoms # full\n\n1 7 2 0.0 0 0 0\n2 7 1 0.0 1 1 1\n3 7 1 0.0 2 0 0\n");
        QCOMPARE(full.conf.species, (std::vector<int>{1, 0, 0}));

        // Velocities and other sections are skipped; a mass that differs from the model warns.
        const LammpsImport extra = data(std::string(kHeader) + "Masses\n\n1 1\n2 2.0\n\nAtoms\n\n1 1 0 0 0\n2 2 1 1 1\n3 1 2 0 0\n\n"
                                                               "Velocities\n\n1 0 0 0\n2 0 0 0\n3 0 0 0\n");
        QCOMPARE(extra.warnings.size(), std::size_t(1));
        QVERIFY(QString::fromStdString(extra.warnings[0]).contains("mass 2"));
    }

    void malformedDataFilesAreRejectedWithFileAndLine() {
        const std::string atoms = "Atoms # atomic\n\n1 1 0 0 0\n2 2 1 1 1\n3 1 2 0 0\n";
        struct Case {
            std::string text;
            const char* expected;
        } cases[] = {
            {"", "empty file"},
            {"t\n\n3 atoms\n2 atom types\n0 4 xlo xhi\n0 4 ylo yhi\n0 5 zlo zhi\n\n" + atoms, "cubic"},
            {std::string(kHeader) + "0.5 0 0 xy xz yz\n\n" + atoms, "triclinic"},
            {std::string(kHeader) + "Atoms # atomic\n\n1 1 0 0 0\n2 2 1 1 1\n", "announces 3 atoms"},
            {std::string(kHeader) + "Atoms # atomic\n\n1 1 0 0 0\n2 2 1 1\n3 1 2 0 0\n", "columns"},
            {std::string(kHeader) + "Atoms # atomic\n\n1 1 0 0 0\n2 3 1 1 1\n3 1 2 0 0\n", "atom type"},
            {std::string(kHeader) + "Atoms # atomic\n\n1 1 0 0 0\n1 2 1 1 1\n3 1 2 0 0\n", "appears twice"},
            {std::string(kHeader) + "Atoms # atomic\n\n1 1 0 0 0\n2 2 1 nan 1\n3 1 2 0 0\n", "finite number"},
            {std::string(kHeader) + "Atoms # ellipsoid\n\n1 1 0 0 0\n", "not read"},
            {"t\n\n3 atoms\n0 4 xlo xhi\n0 4 ylo yhi\n0 4 zlo zhi\n\n" + atoms, "atom types"},
            {"t\n\n99999999999 atoms\n2 atom types\n0 4 xlo xhi\n0 4 ylo yhi\n0 4 zlo zhi\n\n" + atoms, "number of atoms"},
            {"t\nhello world\n", "unexpected header line"},
        };
        for (const auto& c : cases) {
            const QString message = dataError(c.text);
            QVERIFY2(message.contains(c.expected), qPrintable("expected '" + QString(c.expected) + "', got: " + message));
            QVERIFY2(message.startsWith("test.data"), qPrintable(message));
        }
        // Two atoms of the model in a box smaller than twice the cutoff: the model's own check.
        QVERIFY(dataError("t\n\n2 atoms\n2 atom types\n0 2 xlo xhi\n0 2 ylo yhi\n0 2 zlo zhi\n\nAtoms\n\n1 1 0 0 0\n2 2 1 1 1\n")
                    .contains("box"));
    }

    void dumpFramesColumnsAndScaledCoordinates() {
        auto frame = [](long step, const std::string& columns, const std::string& rows) {
            return "ITEM: TIMESTEP\n" + std::to_string(step) + "\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
                   "0 4\n0 4\n0 4\nITEM: ATOMS " + columns + "\n" + rows;
        };
        const std::string file = frame(0, "id type x y z", "2 2 1 1 1\n1 1 0 0 0\n") +
                                 frame(100, "id type xs ys zs radius", "1 1 0.25 0.5 0.75 0.5\n2 2 0.5 0.5 0.5 0.4\n") +
                                 frame(200, "id type xu yu zu", "1 1 -1 0 0\n2 1 5 0 0\n");
        const LammpsImport first = dump(file, 0);
        QCOMPARE(first.timestep, 0L);
        QCOMPARE(first.conf.species, (std::vector<int>{0, 1}));
        const LammpsImport scaled = dump(file, 1);
        QCOMPARE(scaled.conf.position(0), Eigen::Vector3d(1, 2, 3));
        QVERIFY(!scaled.conf.diameters.empty());
        QCOMPARE(scaled.conf.diameters[1], 0.8);
        const LammpsImport last = dump(file);
        QCOMPARE(last.timestep, 200L);
        QCOMPARE(last.conf.position(1), Eigen::Vector3d(5, 0, 0));
        QCOMPARE(dump(file, -2).timestep, 100L);
        QVERIFY_THROWS_EXCEPTION(InputError, dump(file, 3));
        QVERIFY_THROWS_EXCEPTION(InputError, dump(file, -4));
        QVERIFY_THROWS_EXCEPTION(InputError, dump(frame(0, "id x y z", "1 0 0 0\n2 1 1 1\n")));
        QVERIFY_THROWS_EXCEPTION(InputError, dump(frame(0, "id type x y z", "1 1 0 0 0\n")));  // one of two rows
        QVERIFY_THROWS_EXCEPTION(InputError, dump("ITEM: TIMESTEP\nabc\n"));
        // Found by fuzz_lammps: a repeated column name indexed past the row (now an error).
        QVERIFY_THROWS_EXCEPTION(InputError, dump(frame(0, "id type x y z z", "1 1 0 0 0 0\n2 1 1 1 1 1\n")));
        QVERIFY_THROWS_EXCEPTION(InputError, dump("hello\n"));
    }

    void formatIsDetectedByNameAndContent() {
        QTemporaryDir dir;
        const std::string base = dir.path().toStdString();
        const Model m = Model::preset("ka-rh");
        const Configuration c = test::demoGlass();
        writeLammpsData(base + "/glass.data", c, m);
        QCOMPARE(detectConfigurationFormat(base + "/glass.data"), ConfigurationFormat::LammpsData);
        QFile::copy(QString::fromStdString(base + "/glass.data"), QString::fromStdString(base + "/glass.noext"));
        QCOMPARE(detectConfigurationFormat(base + "/glass.noext"), ConfigurationFormat::LammpsData);
        const LoadedConfiguration l = readConfigurationFile(base + "/glass.noext", m);
        QCOMPARE(l.conf.size(), 65);
        QCOMPARE(detectConfigurationFormat(base + "/x.lammpstrj"), ConfigurationFormat::LammpsDump);
        QCOMPARE(detectConfigurationFormat(std::string(TLSCOPE_SOURCE_DIR) + "/resources/demo/ka-rh-65.xyz"),
                 ConfigurationFormat::Xyz);
    }

    void lammpsRecomputesOurEnergy_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("n");
        QTest::newRow("ka-rh N=65 (force-shifted, one cutoff)") << "ka-rh" << 65;
        QTest::newRow("ka-rh-perpair N=130") << "ka-rh-perpair" << 130;
        QTest::newRow("ka-energy-shifted N=260 (lj/cut, shifted)") << "ka-energy-shifted" << 260;
    }
    void lammpsRecomputesOurEnergy() {
        QFETCH(QString, model);
        QFETCH(int, n);
        const QString lmp = QStandardPaths::findExecutable("lmp");
        if (lmp.isEmpty()) QSKIP("LAMMPS (lmp, Debian package lammps) is not installed: the cross-check is skipped");
        QTemporaryDir dir;
        const Model m = Model::preset(model.toStdString());
        const Configuration c = test::liquid(n, 0.8, 3, 1.0, model.toStdString());
        const std::string dataPath = dir.path().toStdString() + "/c.data";
        writeLammpsData(dataPath, c, m);
        {
            std::ofstream script(dir.path().toStdString() + "/in.check");
            script << lammpsInputScript(m, "c.data");
        }
        QProcess p;
        p.setWorkingDirectory(dir.path());
        p.start(lmp, {"-in", "in.check", "-log", "none", "-nocite"});
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QCOMPARE(p.exitCode(), 0);
        // The thermo line after "Step PotEng": "0 <pe>".
        const auto lines = out.split('\n');
        double pe = std::nan("");
        for (int k = 0; k + 1 < lines.size(); ++k)
            if (lines[k].trimmed().startsWith("Step")) pe = lines[k + 1].trimmed().split(' ', Qt::SkipEmptyParts).value(1).toDouble();
        PairPotential pot(m, c);
        const double ours = pot.energy(c.positions);
        qInfo("%s N=%d: TLScope %.17g, LAMMPS %.17g", qPrintable(model), n, ours, pe);
        QVERIFY2(std::abs(pe - ours) < 1e-11 * std::abs(ours), qPrintable(out.right(600)));
    }
};

QTEST_GUILESS_MAIN(TestLammps)
#include "test_lammps.moc"

// Extended XYZ: round trip and malformed files rejected with file:line messages.
#include "TestSystems.h"
#include "core/common/Error.h"

#include <fstream>

using namespace tlscope;

class TestXyz : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::string write(const QString& name, const QString& text) {
        const std::string path = dir.filePath(name).toStdString();
        std::ofstream(path) << text.toStdString();
        return path;
    }
private slots:
    void roundTripKeepsEveryBit() {
        const Model m = Model::preset("ka-rh");
        Configuration c = test::liquid(65, 0.5, 31, 1.0);
        Eigen::VectorXd forces = Eigen::VectorXd::LinSpaced(c.positions.size(), -1.0 / 3, 2.0 / 7);
        XyzWriteOptions o;
        o.forces = &forces;
        o.energy = -123.456789012345678;
        o.info["model"] = "ka-rh";
        const std::string path = dir.filePath("rt.xyz").toStdString();
        writeXyzFile(path, {c}, m, {o});
        const XyzFrame f = readXyzFile(path);
        const Configuration back = f.toConfiguration(m, path);
        QCOMPARE(back.species, c.species);
        QCOMPARE(back.boxLength, c.boxLength);
        QVERIFY((back.positions - c.wrappedPositions()).cwiseAbs().maxCoeff() == 0.0);
        QVERIFY(f.forces.has_value());
        QVERIFY((*f.forces - forces).cwiseAbs().maxCoeff() == 0.0);
        QCOMPARE(*f.energy, -123.456789012345678);
        QCOMPARE(QString::fromStdString(f.info.at("model")), QString("ka-rh"));
    }
    void readsMultipleFrames() {
        const QString frame = "2\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3\nA 0 0 0\nB 1 1 1\n";
        const auto frames = readXyzFrames(write("multi.xyz", frame + frame + "\n"));
        QCOMPARE(frames.size(), std::size_t(2));
    }
    void malformedFilesAreRejected_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const QString head = "Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3";
        QTest::newRow("count") << "two\n" + head + "\n" << ":1: expected the particle count";
        QTest::newRow("negative count") << "-3\n" + head + "\n" << ":1: expected the particle count";
        QTest::newRow("no comment") << "2\n" << ":2: missing comment line";
        QTest::newRow("no lattice") << "1\nProperties=species:S:1:pos:R:3\nA 0 0 0\n" << ":2: missing Lattice";
        QTest::newRow("not cubic") << "1\nLattice=\"4 0 0 0 5 0 0 0 4\"\nA 0 0 0\n" << ":2: Lattice must be a cubic box";
        QTest::newRow("short lattice") << "1\nLattice=\"4 0 0\"\nA 0 0 0\n" << ":2: Lattice needs 9 numbers";
        QTest::newRow("quote") << "1\nLattice=\"4 0 0 0 4 0 0 0 4\n" << ":2: unterminated quote";
        QTest::newRow("no pos") << "1\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1\nA\n" << ":2: Properties must contain";
        QTest::newRow("not periodic") << "1\n" + head + " pbc=\"F F F\"\nA 0 0 0\n" << ":2: pbc must be";
        QTest::newRow("truncated") << "3\n" + head + "\nA 0 0 0\nB 1 1 1\n" << ":5: file ends after 2 of 3";
        QTest::newRow("columns") << "2\n" + head + "\nA 0 0 0\nB 1 1\n" << ":4: expected 4 columns";
        QTest::newRow("number") << "2\n" + head + "\nA 0 0 0\nB 1 x 1\n" << ":4: expected a number for a position";
        QTest::newRow("nan") << "1\n" + head + "\nA 0 nan 0\n" << ":3: expected a number";
        QTest::newRow("empty") << "" << "file is empty";
        // Issue 15 regressions: each was a crash or a silently wrong system.
        QTest::newRow("pos width 1") << "1\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3:pos:I:1\nA 0 0 0 1\n"
                                     << ":2: Properties lists 'pos' twice";
        QTest::newRow("velo width 2") << "1\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3:velo:R:2\nA 0 0 0 1 1\n"
                                      << ":2: Properties entry 'velo' must be velo:R:3";
        QTest::newRow("forces integer") << "1\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3:forces:I:3\nA 0 0 0 1 1 1\n"
                                        << ":2: Properties entry 'forces' must be forces:R:3";
        QTest::newRow("width near INT_MAX") << "1\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3:x:R:2147483647:y:R:2147483647\nA 0 0 0\n"
                                            << ":2: Properties count for 'x' must be an integer from 1 to 1000";
        QTest::newRow("width junk") << "1\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3x\nA 0 0 0\n"
                                    << ":2: Properties count for 'pos'";
        QTest::newRow("more lines than the count") << "2\n" + head + "\nA 0 0 0\nB 1 1 1\nA 2 2 2\n"
                                                   << ":5: expected the particle count";
        QTest::newRow("huge count, short file") << "99999999\n" + head + "\nA 0 0 0\n" << ":4: file ends after 1 of 99999999";
        QTest::newRow("far outside the box") << "1\n" + head + "\nA 1e20 0 0\n" << ":3: position 1e20 is more than 1000 box lengths";
    }
    void malformedFilesAreRejected() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const std::string path = write("bad.xyz", text);
        try {
            readXyzFile(path);
            QFAIL("accepted a malformed file");
        } catch (const InputError& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains(expected) && msg.contains("bad.xyz"), qPrintable(msg));
        }
    }
    void unknownSpeciesAndSmallBoxRejected() {
        const Model m = Model::preset("ka-rh");
        const std::string p1 = write("c.xyz", "1\nLattice=\"4 0 0 0 4 0 0 0 4\"\nC 0 0 0\n");
        try {
            readXyzFile(p1).toConfiguration(m, p1);
            QFAIL("accepted unknown species");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("species 'C'"), e.what());
        }
        const std::string p2 = write("s.xyz", "1\nLattice=\"3 0 0 0 3 0 0 0 3\"\nA 0 0 0\n");
        try {
            readXyzFile(p2).toConfiguration(m, p2);
            QFAIL("accepted a box smaller than twice the cutoff");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("does not fit the box"), e.what());
        }
    }
    void missingFile() {
        QVERIFY_THROWS_EXCEPTION(InputError, readXyzFile("/nonexistent/x.xyz"));
    }
};

QTEST_GUILESS_MAIN(TestXyz)
#include "test_xyz.moc"

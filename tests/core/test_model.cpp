// Models: presets, composition, box, model files and their error messages.
#include "core/common/Error.h"
#include "core/model/Model.h"
#include "core/model/Units.h"
#include "core/system/Configuration.h"

#include <QtTest>

using namespace tlscope;

class TestModel : public QObject {
    Q_OBJECT
private slots:
    void kaRhPreset() {
        const Model m = Model::preset("ka-rh");
        QCOMPARE(m.speciesCount(), 2);
        QCOMPARE(m.species[1].mass, 0.5);
        QCOMPARE(m.pair(0, 1).sigma, 0.8);
        QCOMPARE(m.pair(1, 1).sigma, 0.88);
        QCOMPARE(m.pair(0, 1).epsilon, 1.5);
        QCOMPARE(m.pair(1, 1).epsilon, 0.5);
        for (int a = 0; a < 2; ++a)
            for (int b = 0; b < 2; ++b) QCOMPARE(m.pair(a, b).cutoff, 1.8); // uniform cutoff
        QVERIFY(m.cutoffMode == CutoffMode::ForceShifted);
        const auto counts = m.composition(65);
        QCOMPARE(counts[0], 52);
        QCOMPARE(counts[1], 13);
        QVERIFY(std::abs(m.boxLengthFor(65) - std::cbrt(65.0 / 1.2)) < 1e-14);
    }
    void perPairAndTextbook() {
        const Model pp = Model::preset("ka-rh-perpair");
        QVERIFY(std::abs(pp.pair(0, 1).cutoff - 1.44) < 1e-14);
        const Model ka = Model::preset("ka");
        QCOMPARE(ka.species[1].mass, 1.0);
        QVERIFY(std::abs(ka.pair(1, 1).cutoff - 2.2) < 1e-14);
    }
    void unitsMapping() {
        // 1 K = 1.0708e-3 eps (PHYSICS.md 1.1)
        QVERIFY(std::abs(units::fromKelvin(1.0) - 1.0708e-3) < 1e-6);
    }
    void modelFileRoundTrip() {
        const Model m = Model::preset("ka-rh");
        const Model back = Model::parse(m.serialize(), "roundtrip");
        QCOMPARE(back.speciesCount(), 2);
        QCOMPARE(back.pair(0, 1).epsilon, 1.5);
        QCOMPARE(back.species[1].mass, 0.5);
    }
    void modelFileErrors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown keyword") << "species A mass 1 fraction 1\nfoo 3\n" << "file:2: unknown keyword 'foo'";
        QTest::newRow("bad number") << "species A mass x fraction 1\n" << "file:1: expected a finite number for 'mass'";
        QTest::newRow("missing pair") << "species A mass 1 fraction 0.5\nspecies B mass 1 fraction 0.5\npair A A sigma 1 epsilon 1 cutoff 2\npair B B sigma 1 epsilon 1 cutoff 2\n" << "missing 'pair A B";
        QTest::newRow("unknown species") << "species A mass 1 fraction 1\npair A C sigma 1 epsilon 1 cutoff 2\n" << "file:2: pair names unknown species 'C'";
        QTest::newRow("negative mass") << "species A mass -1 fraction 1\npair A A sigma 1 epsilon 1 cutoff 2\n" << "mass";
        QTest::newRow("fractions") << "species A mass 1 fraction 0.5\npair A A sigma 1 epsilon 1 cutoff 2\n" << "fractions sum to";
        QTest::newRow("no species") << "# empty\n" << "no 'species' lines";
        // Issue 15 regressions.
        const QString aa = "species A mass 1 fraction 1\n";
        QTest::newRow("duplicate pair") << aa + "pair A A sigma 1 epsilon 1 cutoff 2\npair A A sigma 2 epsilon 1 cutoff 2\n" << "file:3: pair A A is defined twice (first on line 2)";
        QTest::newRow("negative sigma") << aa + "pair A A sigma -1 epsilon 1 cutoff 2\n" << "file:2: pair A A: sigma, epsilon and cutoff must be > 0";
        QTest::newRow("epsilon inf") << aa + "pair A A sigma 1 epsilon inf cutoff 2\n" << "file:2: expected a finite number for 'epsilon'";
        QTest::newRow("epsilon 1e308") << aa + "pair A A sigma 1 epsilon 1e308 cutoff 2\n" << "<= 1e6";
        QTest::newRow("mass inf") << "species A mass inf fraction 1\npair A A sigma 1 epsilon 1 cutoff 2\n" << "file:1: expected a finite number for 'mass'";
        QTest::newRow("fraction nan") << "species A mass 1 fraction nan\npair A A sigma 1 epsilon 1 cutoff 2\n" << "file:1: expected a finite number for 'fraction'";
        QTest::newRow("field twice") << aa + "pair A A sigma 1 sigma 2 epsilon 1 cutoff 2\n" << "file:2: 'sigma' given twice";
    }
    void modelFileErrors() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        try {
            Model::parse(text.toStdString(), "file");
            QFAIL("accepted a malformed model file");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }
    void unknownPresetListsPresets() {
        try {
            Model::fromNameOrFile("kob");
            QFAIL("accepted unknown model");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("ka-rh"), e.what());
        }
    }
    void cutoffMustFitBox() {
        const Model m = Model::preset("ka-rh");
        checkCutoffFitsBox(m, m.boxLengthFor(65)); // L/2 = 1.89 > 1.8: fine
        try {
            checkCutoffFitsBox(m, m.boxLengthFor(40)); // L/2 = 1.61
            QFAIL("accepted a cutoff larger than half the box");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("does not fit the box"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "test_model.moc"

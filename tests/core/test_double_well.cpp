// A real KA-RH double-well potential: found by MD kicks from the demo glass, its saddle verified
// by the Hessian and by descent, and its metrics checked against independent relations.
#include "TestSystems.h"
#include "core/dynamics/MolecularDynamics.h"
#include "core/landscape/HessianAnalysis.h"
#include "core/landscape/Minimizer.h"
#include "core/tls/DoubleWell.h"

using namespace tlscope;

class TestDoubleWell : public QObject {
    Q_OBJECT
private slots:
    void kickedSearchFindsAVerifiedDoubleWell() {
        const Model m = Model::preset("ka-rh");
        const Configuration glass = test::demoGlass();
        PairPotential pot(m, glass);
        Eigen::VectorXd mass(glass.size());
        for (int i = 0; i < glass.size(); ++i) mass[i] = m.species[glass.species[i]].mass;
        const double e0 = pot.energy(glass.positions);
        int analysed = 0;
        for (int attempt = 0; attempt < 200; ++attempt) {
            MdParameters par;
            MolecularDynamics md(pot, glass.massVector(m), par, RandomStream(99, attempt));
            md.setPositions(glass.positions);
            md.drawVelocities(0.3);
            md.run(300);
            Eigen::VectorXd x = md.state().positions;
            const auto r = minimize(pot, x, MinimizerKind::ConjugateGradient, {});
            QVERIFY(r.converged());
            const double dist = distance(glass.positions, x, glass.boxLength, mass);
            if (dist < 0.05 || dist > 0.8 || std::abs(r.energy - e0) > 0.5) continue;
            ++analysed;
            const DoubleWellAnalysis a = analyzeDoubleWell(pot, glass.positions, x);
            if (!a.accepted) {
                QVERIFY(!a.reason.empty());
                continue;
            }
            const DoubleWell& w = a.dwp;
            QCOMPARE(w.saddleIndex, 1);
            QVERIFY(w.eSaddle > std::max(w.e1, w.e2));
            QVERIFY(std::abs(w.asymmetry - std::abs(w.e2 - w.e1)) < 1e-12);
            QVERIFY(std::abs(w.barrier - (w.eSaddle - std::min(w.e1, w.e2))) < 1e-12);
            // Triangle inequality: the reaction-path distances bound the direct ones.
            QVERIFY(w.dMassWeightedReactionPath >= w.dMassWeighted - 1e-12);
            QVERIFY(w.dReactionPath >= w.d - 1e-12);
            QVERIFY(w.pr2 >= 1.0 && w.pr3 >= w.pr2 - 1e-12);
            QVERIFY(w.splitting > 0.0);
            // Both minima have no negative mode; the saddle exactly one.
            QCOMPARE(analyzeHessian(pot.hessian(w.minimum1), 3).negativeCount, 0);
            QCOMPARE(analyzeHessian(pot.hessian(w.minimum2), 3).negativeCount, 0);
            QCOMPARE(analyzeHessian(pot.hessian(w.saddle), 3).negativeCount, 1);
            // The ridge method must find the same saddle and describe the same DWP.
            DoubleWellOptions ridge;
            ridge.method = SaddleMethod::Ridge;
            const DoubleWellAnalysis b = analyzeDoubleWell(pot, glass.positions, x, ridge);
            QVERIFY2(b.accepted, b.reason.c_str());
            QVERIFY2(std::abs(b.dwp.eSaddle - w.eSaddle) < 1e-8,
                     qPrintable(QString("ridge %1 vs NEB %2").arg(b.dwp.eSaddle, 0, 'g', 12).arg(w.eSaddle, 0, 'g', 12)));
            QVERIFY(distance(b.dwp.saddle, w.saddle, glass.boxLength, mass) < 1e-4);
            QCOMPARE(b.dwp.centralParticle, w.centralParticle);
            QVERIFY(std::abs(b.dwp.dMassWeightedReactionPath - w.dMassWeightedReactionPath) < 1e-6);
            QCOMPARE(int(b.dwp.pathImages.size()), kStoredPathImages);
            QCOMPARE(int(w.pathImages.size()), kStoredPathImages);
            // Both paths are continuous and end in the minima; the saddle energy is their top.
            const double top = *std::max_element(b.dwp.path.energy.begin(), b.dwp.path.energy.end());
            QVERIFY(std::abs(top - w.eSaddle) < 1e-8);
            // The descent path resolves the barrier better than 9 images; both splittings must
            // agree to within the band's coarse resolution.
            QVERIFY2(std::abs(std::log(b.dwp.splitting / w.splitting)) < std::log(3.0),
                     qPrintable(QString("splitting ridge %1 NEB %2").arg(b.dwp.splitting).arg(w.splitting)));
            qInfo("DWP after %d attempts: asym %.4g barrier %.4g d %.3f d_mw_rp %.3f central %d (%s) "
                  "PR2 %.2f splitting %.3g",
                  attempt + 1, w.asymmetry, w.barrier, w.d, w.dMassWeightedReactionPath,
                  w.centralParticle, w.centralSpecies == 1 ? "B" : "A", w.pr2, w.splitting);
            return;
        }
        QFAIL(qPrintable(QString("no DWP verified (%1 candidate pairs analysed)").arg(analysed)));
    }
};

QTEST_GUILESS_MAIN(TestDoubleWell)
#include "test_double_well.moc"

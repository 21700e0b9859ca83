// A real KA-RH double-well potential: found by MD kicks from the demo glass, its saddle verified
// by the Hessian and by descent, and its metrics checked against independent relations.
#include "TestSystems.h"
#include "core/dynamics/MolecularDynamics.h"
#include "core/landscape/HessianAnalysis.h"
#include "core/landscape/Minimizer.h"
#include "core/model/Units.h"
#include "core/tls/DoubleWell.h"

#include <optional>

using namespace tlscope;

namespace {

/// What a resolved path must satisfy whatever the DWP: it climbs from minimum 1 to the saddle
/// and falls to minimum 2, its stored images move every particle continuously (no jump across
/// the box), and their s is their own mass-weighted arc length.
void checkResolvedPath(const DoubleWell& w, double boxLength, const Eigen::VectorXd& mass) {
    const auto& p = w.profile;
    QVERIFY(p.s.size() > 100);
    QVERIFY(p.s.front() < 0.0 && p.s.back() > w.profileMinimum2);
    const double top = *std::max_element(p.energy.begin(), p.energy.end());
    QVERIFY2(top >= w.eSaddle - 1e-12, "the saddle is the top of the path (walls aside)");
    for (std::size_t k = 1; k < p.s.size(); ++k) {
        QVERIFY(p.s[k] > p.s[k - 1]);
        const bool rising = p.s[k] <= w.profileSaddle;
        if (p.s[k] > 0.0 && p.s[k] <= w.profileMinimum2 && p.s[k - 1] >= 0.0)
            QVERIFY2(rising ? p.energy[k] >= p.energy[k - 1] - 1e-12 : p.energy[k] <= p.energy[k - 1] + 1e-12,
                     qPrintable(QString("the path is not monotone at s = %1").arg(p.s[k])));
    }
    QVERIFY(w.pathImages.front() == w.minimum1);
    double arc = 0.0;
    for (std::size_t k = 1; k < w.pathImages.size(); ++k) {
        const Eigen::VectorXd step = w.pathImages[k] - w.pathImages[k - 1];
        for (Eigen::Index i = 0; i < step.size(); ++i)
            QVERIFY2(std::abs(step[i]) < 0.25 * boxLength, "a particle jumps between stored images");
        double sq = 0.0;
        for (Eigen::Index i = 0; i < step.size(); ++i) sq += mass[i / 3] * step[i] * step[i];
        arc += std::sqrt(sq);
        QVERIFY(std::abs(w.pathImageS[k] - arc) < 1e-12 * (1 + arc));
    }
    // No image moves the centre of mass: every step of the path is free of the translations
    // (the zero modes of the Hessian; the dense LQA step into a minimum once moved it by ~1e-3).
    Eigen::Vector3d com0 = Eigen::Vector3d::Zero();
    double total = 0.0;
    for (Eigen::Index i = 0; i < mass.size(); ++i) com0 += mass[i] * w.pathImages.front().segment<3>(3 * i), total += mass[i];
    for (const Eigen::VectorXd& image : w.pathImages) {
        Eigen::Vector3d com = Eigen::Vector3d::Zero();
        for (Eigen::Index i = 0; i < mass.size(); ++i) com += mass[i] * image.segment<3>(3 * i);
        QVERIFY2((com - com0).norm() / total < 1e-9, qPrintable(QString("the path translates the system by %1").arg((com - com0).norm() / total)));
    }
    // The last image is minimum 2 (up to whole periodic images and a uniform translation).
    QVERIFY(distance(w.pathImages.back(), w.minimum2, boxLength, mass) < 1e-6);
}

/// The first verified DWP reached by MD kicks from `glass` (nullopt if none in `attempts`).
std::optional<DoubleWellAnalysis> kickedDoubleWell(PairPotential& pot, const Configuration& glass, const Model& m,
                                                   std::uint64_t seed, int skip = 0, int attempts = 200) {
    Eigen::VectorXd mass = relativeMasses(m, glass.species);
    const double e0 = pot.energy(glass.positions);
    for (int attempt = 0; attempt < attempts; ++attempt) {
        MolecularDynamics md(pot, glass.massVector(m), MdParameters{}, RandomStream(seed, attempt));
        md.setPositions(glass.positions);
        md.drawVelocities(0.3);
        md.run(300);
        Eigen::VectorXd x = md.state().positions;
        const auto r = minimize(pot, x, MinimizerKind::ConjugateGradient, {});
        const double dist = distance(glass.positions, x, glass.boxLength, mass);
        if (!r.converged() || dist < 0.05 || dist > 0.8 || std::abs(r.energy - e0) > 0.5) continue;
        DoubleWellAnalysis a = analyzeDoubleWell(pot, glass.positions, x);
        if (a.accepted && skip-- <= 0) return a;
    }
    return std::nullopt;
}

} // namespace

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
            QVERIFY(w.quantum.splitting > 0.0);
            QVERIFY(std::abs(w.barrier1 - (w.eSaddle - w.e1)) < 1e-12 && std::abs(w.barrier2 - (w.eSaddle - w.e2)) < 1e-12);
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
            // Both methods refine to the same saddle, so the resolved paths and levels agree.
            QVERIFY2(std::abs(b.dwp.quantum.splitting / w.quantum.splitting - 1.0) < 1e-3,
                     qPrintable(QString("E_qs ridge %1 NEB %2").arg(b.dwp.quantum.splitting).arg(w.quantum.splitting)));
            checkResolvedPath(w, glass.boxLength, mass);
            qInfo("DWP after %d attempts: asym %.4g barrier %.4g d %.3f d_mw_rp %.3f central %d (%s) "
                  "PR2 %.2f E_qs %.3g K, levels %s / %s",
                  attempt + 1, w.asymmetry, w.barrier, w.d, w.dMassWeightedReactionPath,
                  w.centralParticle, w.centralSpecies == 1 ? "B" : "A", w.pr2, units::toKelvin(w.quantum.splitting),
                  localisationName(w.quantum.level0), localisationName(w.quantum.level1));
            return;
        }
        QFAIL(qPrintable(QString("no DWP verified (%1 candidate pairs analysed)").arg(analysed)));
    }

    /// PHYSICS.md §6 / docs/quantum.md: E_qs is converged when halving the IRC step and
    /// doubling the continuation past the minima changes it by less than 1 %. Checked on real
    /// KA-RH DWPs of up to three different glasses (more glasses are tried when one gives no DWP
    /// within its attempts: trajectories differ between kernel paths).
    void quantumSplittingIsConvergedInTheResolution() {
        const Model m = Model::preset("ka-rh");
        std::vector<Configuration> glasses{test::demoGlass()};
        for (std::uint64_t seed : {5u, 11u, 17u, 23u, 29u}) {
            Configuration c = test::liquid(65, 0.6, seed, 20.0);
            PairPotential pot(m, c);
            QVERIFY(minimize(pot, c.positions, MinimizerKind::ConjugateGradient, {}).converged());
            glasses.push_back(c);
        }
        int checked = 0;
        for (std::size_t g = 0; g < glasses.size() && checked < 3; ++g) {
            PairPotential pot(m, glasses[g]);
            const auto a = kickedDoubleWell(pot, glasses[g], m, 40 + g);
            if (!a) continue;
            DoubleWellOptions fine;
            fine.path.step *= 0.5;
            fine.path.continuation *= 2.0;
            const DoubleWellAnalysis b = analyzeDoubleWell(pot, a->dwp.minimum1, a->dwp.minimum2, fine);
            QVERIFY2(b.accepted, b.reason.c_str());
            const double coarse = a->dwp.quantum.splitting, resolved = b.dwp.quantum.splitting;
            qInfo("glass %zu: E_qs %.5g K (step %.4g), %.5g K (half step, double continuation); levels %s / %s",
                  g, units::toKelvin(coarse), DoubleWellOptions{}.path.step,
                  units::toKelvin(resolved), localisationName(b.dwp.quantum.level0), localisationName(b.dwp.quantum.level1));
            QVERIFY2(std::abs(coarse / resolved - 1.0) < 0.01,
                     qPrintable(QString("E_qs %1 vs %2 at half the step").arg(coarse).arg(resolved)));
            QCOMPARE(b.dwp.quantum.level0, a->dwp.quantum.level0);
            checkResolvedPath(b.dwp, glasses[g].boxLength, relativeMasses(m, glasses[g].species));
            ++checked;
        }
        QVERIFY2(checked >= 2, "fewer than two glasses gave a DWP to check");
    }

    /// The large-system path (RK4 steepest descent, Lanczos modes; what N = 1500 uses) against
    /// the dense local-quadratic path on the same KA-RH DWPs: the same E_qs within 1 %, the same
    /// barrier, minima and level localisation.
    void gradientPathAgreesWithDensePath() {
        const Model m = Model::preset("ka-rh");
        std::vector<Configuration> glasses{test::demoGlass()};
        for (std::uint64_t seed : {5u, 11u, 17u}) {
            Configuration c = test::liquid(65, 0.6, seed, 20.0);
            PairPotential pot(m, c);
            QVERIFY(minimize(pot, c.positions, MinimizerKind::ConjugateGradient, {}).converged());
            glasses.push_back(c);
        }
        int checked = 0;
        for (std::size_t g = 0; g < glasses.size() && checked < 2; ++g) {
            PairPotential pot(m, glasses[g]);
            const auto a = kickedDoubleWell(pot, glasses[g], m, 40 + g);
            if (!a) continue;
            DoubleWellOptions gradient;
            gradient.path.denseLimit = 0;
            const DoubleWellAnalysis b = analyzeDoubleWell(pot, a->dwp.minimum1, a->dwp.minimum2, gradient);
            QVERIFY2(b.accepted, b.reason.c_str());
            qInfo("glass %zu: E_qs %.5g (dense LQA path), %.5g (RK4 path); path length %.5g / %.5g", g, a->dwp.quantum.splitting,
                  b.dwp.quantum.splitting, a->dwp.profileMinimum2, b.dwp.profileMinimum2);
            QVERIFY2(std::abs(b.dwp.quantum.splitting / a->dwp.quantum.splitting - 1.0) < 0.01,
                     qPrintable(QString("E_qs %1 vs %2").arg(b.dwp.quantum.splitting).arg(a->dwp.quantum.splitting)));
            QVERIFY(std::abs(b.dwp.barrier - a->dwp.barrier) < 1e-9);
            QVERIFY(std::abs(b.dwp.profileMinimum2 / a->dwp.profileMinimum2 - 1.0) < 0.01);
            QCOMPARE(b.dwp.quantum.level0, a->dwp.quantum.level0);
            QCOMPARE(b.dwp.quantum.level1, a->dwp.quantum.level1);
            checkResolvedPath(b.dwp, glasses[g].boxLength, relativeMasses(m, glasses[g].species));
            ++checked;
        }
        QVERIFY2(checked >= 2, "fewer than two glasses gave a DWP to check");
    }

    /// The local quadratic steps with Krylov eigenpairs (the default) against the same steps with
    /// every eigenpair of the dense mass-weighted Hessian (the reference) on real KA-RH DWPs: the
    /// same path to rounding (the Krylov space is grown until each step's furthest point is
    /// converged to 1e-10 of its length), so the same E_qs, arc lengths and levels.
    void krylovLqaAgreesWithDenseLqa() {
        const Model m = Model::preset("ka-rh");
        std::vector<Configuration> glasses{test::demoGlass()};
        for (std::uint64_t seed : {5u, 11u, 17u}) {
            Configuration c = test::liquid(65, 0.6, seed, 20.0);
            PairPotential pot(m, c);
            QVERIFY(minimize(pot, c.positions, MinimizerKind::ConjugateGradient, {}).converged());
            glasses.push_back(c);
        }
        int checked = 0;
        for (std::size_t g = 0; g < glasses.size() && checked < 3; ++g) {
            PairPotential pot(m, glasses[g]);
            const auto a = kickedDoubleWell(pot, glasses[g], m, 40 + g);
            if (!a) continue;
            QVERIFY(DoubleWellOptions{}.path.krylov);
            DoubleWellOptions dense;
            dense.path.krylov = false;
            const DoubleWellAnalysis b = analyzeDoubleWell(pot, a->dwp.minimum1, a->dwp.minimum2, dense);
            QVERIFY2(b.accepted, b.reason.c_str());
            qInfo("glass %zu: E_qs %.10g (Krylov LQA), %.10g (dense LQA); path length %.10g / %.10g", g,
                  a->dwp.quantum.splitting, b.dwp.quantum.splitting, a->dwp.profileMinimum2, b.dwp.profileMinimum2);
            QVERIFY2(std::abs(b.dwp.quantum.splitting / a->dwp.quantum.splitting - 1.0) < 1e-6,
                     qPrintable(QString("E_qs %1 vs %2").arg(b.dwp.quantum.splitting, 0, 'g', 12).arg(a->dwp.quantum.splitting, 0, 'g', 12)));
            QVERIFY(std::abs(b.dwp.profileMinimum2 - a->dwp.profileMinimum2) < 1e-7 * b.dwp.profileMinimum2);
            QVERIFY(std::abs(b.dwp.profileSaddle - a->dwp.profileSaddle) < 1e-7 * b.dwp.profileMinimum2);
            QCOMPARE(b.dwp.profile.s.size(), a->dwp.profile.s.size());
            QCOMPARE(b.dwp.quantum.level0, a->dwp.quantum.level0);
            QCOMPARE(b.dwp.quantum.level1, a->dwp.quantum.level1);
            checkResolvedPath(a->dwp, glasses[g].boxLength, relativeMasses(m, glasses[g].species));
            checkResolvedPath(b.dwp, glasses[g].boxLength, relativeMasses(m, glasses[g].species));
            ++checked;
        }
        QVERIFY2(checked >= 2, "fewer than two glasses gave a DWP to check");
        // And at N = 130 (390 coordinates; the Krylov space stays ~30-100 wide while the dense
        // decomposition grows as N^3).
        bool large = false;
        for (std::uint64_t seed : {7u, 13u, 19u}) {
            Configuration c = test::liquid(130, 0.6, seed, 20.0);
            PairPotential pot(m, c);
            QVERIFY(minimize(pot, c.positions, MinimizerKind::ConjugateGradient, {}).converged());
            const auto a = kickedDoubleWell(pot, c, m, 60 + seed);
            if (!a) continue;
            DoubleWellOptions dense;
            dense.path.krylov = false;
            const DoubleWellAnalysis b = analyzeDoubleWell(pot, a->dwp.minimum1, a->dwp.minimum2, dense);
            QVERIFY2(b.accepted, b.reason.c_str());
            qInfo("N = 130: E_qs %.10g (Krylov LQA), %.10g (dense LQA)", a->dwp.quantum.splitting, b.dwp.quantum.splitting);
            QVERIFY(std::abs(b.dwp.quantum.splitting / a->dwp.quantum.splitting - 1.0) < 1e-6);
            QVERIFY(std::abs(b.dwp.profileMinimum2 - a->dwp.profileMinimum2) < 1e-7 * b.dwp.profileMinimum2);
            checkResolvedPath(a->dwp, c.boxLength, relativeMasses(m, c.species));
            large = true;
            break;
        }
        QVERIFY2(large, "no N = 130 glass gave a DWP to check");
    }

    /// A DWP of a search (tests/data: minimum 1, saddle, minimum 2 as the CLI exports them) whose
    /// descent reaches a minimum closer than the last LQA step. The dense step there used every
    /// eigenpair, the translations (eigenvalues ~ +-1e-13) included, and at t -> infinity their
    /// rounding-level components became a uniform translation of ~1e-3: the energy unchanged,
    /// the arc length not (E_qs 0.3 % off). Both LQA variants must now keep the centre of mass
    /// and agree.
    void lastStepIntoAMinimumDoesNotTranslate() {
        const Model m = Model::preset("ka-rh");
        const std::string path = std::string(TLSCOPE_SOURCE_DIR) + "/tests/data/dwp-last-step-into-minimum.xyz";
        const std::vector<XyzFrame> frames = readXyzFrames(path);
        QCOMPARE(int(frames.size()), 3);
        const Configuration min1 = frames[0].toConfiguration(m, path), min2 = frames[2].toConfiguration(m, path);
        PairPotential pot(m, min1);
        const Eigen::VectorXd mass = relativeMasses(m, min1.species);
        DoubleWellOptions dense;
        dense.path.krylov = false;
        const DoubleWellAnalysis a = analyzeDoubleWell(pot, min1.positions, min2.positions);
        const DoubleWellAnalysis b = analyzeDoubleWell(pot, min1.positions, min2.positions, dense);
        QVERIFY2(a.accepted && b.accepted, (a.reason + b.reason).c_str());
        checkResolvedPath(a.dwp, min1.boxLength, mass);
        checkResolvedPath(b.dwp, min1.boxLength, mass);
        qInfo("E_qs %.10g (Krylov LQA), %.10g (dense LQA); path length %.10g / %.10g", a.dwp.quantum.splitting,
              b.dwp.quantum.splitting, a.dwp.profileMinimum2, b.dwp.profileMinimum2);
        QVERIFY(std::abs(b.dwp.quantum.splitting / a.dwp.quantum.splitting - 1.0) < 1e-6);
        QVERIFY(std::abs(b.dwp.profileMinimum2 - a.dwp.profileMinimum2) < 1e-7 * a.dwp.profileMinimum2);
    }

    /// A pair whose smaller barrier is below the threshold is a shoulder: rejected with a reason.
    void shouldersAreRejected() {
        const Model m = Model::preset("ka-rh");
        const Configuration glass = test::demoGlass();
        PairPotential pot(m, glass);
        const auto a = kickedDoubleWell(pot, glass, m, 99);
        QVERIFY(a.has_value());
        const double smaller = std::min(a->dwp.barrier1, a->dwp.barrier2);
        DoubleWellOptions o;
        o.minimumBarrier = 1.01 * smaller;
        const DoubleWellAnalysis rejected = analyzeDoubleWell(pot, a->dwp.minimum1, a->dwp.minimum2, o);
        QVERIFY(!rejected.accepted);
        QVERIFY2(rejected.reason.find("shoulder") != std::string::npos, rejected.reason.c_str());
        o.minimumBarrier = 0.99 * smaller;
        QVERIFY(analyzeDoubleWell(pot, a->dwp.minimum1, a->dwp.minimum2, o).accepted);
    }
};

QTEST_GUILESS_MAIN(TestDoubleWell)
#include "test_double_well.moc"

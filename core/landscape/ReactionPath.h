#pragma once
// The minimum-energy path of a double well, resolved finely enough for the 1D Schroedinger
// equation: a mass-weighted steepest-descent path (IRC) from the saddle into both minima, and a
// defined continuation past each minimum (PHYSICS.md §6; the convention is in docs/quantum.md).
#include "core/potential/EnergySurface.h"
#include "core/tls/Schrodinger.h"

#include <atomic>
#include <string>
#include <vector>

namespace tlscope {

struct ReactionPathOptions {
    double step = 0.004;       ///< mass-weighted arc length of one IRC step (sigma sqrt(m_A))
    /// How far the continuation past each minimum goes: until the energy exceeds the saddle
    /// energy by this many barriers (E_saddle - min(E1, E2)), or the energy turns down along the
    /// line (a hard wall there), or `maxContinuation` (mass-weighted) is reached.
    double continuation = 1.0;
    double maxContinuation = 3.0;
    /// IRC sub-steps per Hessian: each LQA step is followed for this many steps, the true energy
    /// evaluated at each. The model's path follows the tangent of a curved valley, so a step of
    /// length H strays by ~H^2 / 2R from a valley of radius R (tests/core/test_reaction_path).
    int hessianStride = 4;
    long maxSteps = 20000;     ///< per branch
    /// Above this many coordinates the path is integrated without dense Hessians (each LQA step
    /// diagonalises the 3N x 3N mass-weighted Hessian: O(N^3), a minute per step at N = 1500):
    /// RK4 steps of the normalised mass-weighted steepest descent, and the saddle's unstable mode
    /// and the minima's softest modes by Lanczos on the sparse Hessian. Tests lower it to compare
    /// both at small N.
    Eigen::Index denseLimit = 1200;
    /// How each LQA step gets the eigenpairs of its local quadratic model. Krylov: Lanczos on the
    /// mass-weighted Hessian started from the gradient (the LQA path is a function of the Hessian
    /// applied to the gradient, so only the modes the gradient excites matter), grown until the
    /// model's furthest needed point is converged to `krylovTolerance` of its distance; ~20-40
    /// Hessian products instead of a dense diagonalisation (8 ms at N = 65). Dense: all
    /// eigenpairs (the reference; tests compare both).
    bool krylov = true;
    double krylovTolerance = 1e-9;
    const std::atomic<bool>* stop = nullptr;
};

/// A resolved path min1 -> saddle -> min2 and the profile V(s) the Schroedinger equation uses.
struct ReactionPath {
    bool ok = false;
    std::string message;                     ///< why not, when !ok
    /// Configurations from minimum 1 through the saddle to minimum 2, each the previous one plus
    /// a minimum-image step: positions are continuous (unwrapped relative to minimum 1's side).
    std::vector<Eigen::VectorXd> positions;
    std::vector<double> s, energy;           ///< mass-weighted arc length (chord sum) and energy
    int saddleIndex = -1;                    ///< index of the saddle in `positions`
    /// The profile for the Schroedinger equation: continuation beyond minimum 1 (s < 0), the path
    /// (s = 0 at minimum 1), continuation beyond minimum 2.
    PathProfile profile;
    double sSaddle = 0.0, sMinimum2 = 0.0;
    /// The continuation past minimum 1 / 2 is the mirror image of the path (the energy turned
    /// down along the softest mode before reaching the wall top) instead of the softest mode.
    bool mirrored1 = false, mirrored2 = false;
    /// Unit mass-weighted directions of the continuations past minimum 1 and 2 (softest modes).
    Eigen::VectorXd outward1, outward2;
};

/// Follows the steepest-descent path in mass-weighted coordinates (masses per particle, in m_A)
/// from `saddle` along +- its unstable mode with local-quadratic-approximation steps (Page &
/// McIver 1988: the exact descent path of the local quadratic model, one Hessian per step, so
/// stiff directions cost nothing and the path enters each minimum along its softest mode) until
/// it is within one step of `minimum1` / `minimum2`. Then samples the true energy past each
/// minimum along its softest mode (the direction the path arrives in) until it stands
/// `continuation` barriers above the saddle; where it turns down first, that side is the path's
/// mirror image. Fails (ok = false) if a branch reaches neither
/// minimum or both branches reach the same one.
ReactionPath resolveReactionPath(EnergySurface& surface, const Eigen::VectorXd& saddle,
                                 const Eigen::VectorXd& minimum1, const Eigen::VectorXd& minimum2,
                                 const Eigen::VectorXd& massPerParticle,
                                 const ReactionPathOptions& options = {});

/// Rebuilds `path.profile` with the continuation of `options` (e.g. a longer one), reusing the
/// path and its continuation directions: no steepest descent is repeated. Returns path.ok.
bool continueReactionPath(EnergySurface& surface, ReactionPath& path, const Eigen::VectorXd& massPerParticle,
                          const ReactionPathOptions& options);

} // namespace tlscope

#pragma once
// The VTK pipeline that draws a configuration: particles, periodic box, highlights.
#include "core/model/Model.h"
#include "core/system/Configuration.h"

#include <QColor>

#include <array>
#include <functional>
#include <memory>
#include <vector>

class vtkRenderer;

namespace tlscope::ui {

enum class ColourMode { Species, Displacement };

/// How particles are drawn; independent of which configuration is shown.
enum class Background { DarkGradient, Dark, White };

struct SceneStyle {
    ColourMode colour = ColourMode::Displacement; ///< falls back to species without a displacement
    double displacementRange = 0.0;  ///< top of the colour scale; 0: the largest displacement
    bool arrows = false;
    double arrowScale = 3.0;         ///< the largest displacement's arrow reaches scale/6 sigma beyond its sphere
    double minDisplacement = 0.0;    ///< hide particles that moved less (0: show all)
    std::vector<bool> hiddenSpecies; ///< per species index
    bool showLabel = true;
    double textScale = 1.0;          ///< caption and legend text (presentation mode: larger)
    double sphereScale = 1.0;        ///< sphere radius = 0.42 sigma_ss x this (Preferences)
    Background background = Background::DarkGradient;
};

/// Draws particles as shaded spheres sized by species (sphere impostors), the periodic box, a displacement colour scale with its legend,
/// arrows, and an unmistakable highlight of one particle. Lives on the GUI thread.
class ParticleScene {
public:
    explicit ParticleScene(vtkRenderer* renderer);
    ~ParticleScene();

    /// `displacement` (3N, may be empty) colours the particles and sets the arrows; `highlight`
    /// is a particle index or -1.
    void setConfiguration(const Configuration& conf, const Model& model,
                          const Eigen::VectorXd& displacement = {}, int highlight = -1, bool wrap = true);
    void setStyle(const SceneStyle& style);
    /// Whether particles are coloured by displacement now (not when nothing moved).
    bool displacementColours() const;
    /// The caption in the view's corner ("central particle #13 (B), ringed", "no displacement...").
    QString caption() const;
    const SceneStyle& style() const;
    void resetCamera();
    /// Looks along -x, -y or -z (axis 0, 1, 2) at the box centre.
    void viewAlongAxis(int axis);
    int particleCount() const;
    /// Arrows drawn now, and the length of arrow k (centre to tip, sigma).
    int arrowCount() const;
    double arrowLength(int k) const;
    int highlighted() const;
    /// The drawn radius of a particle of this species (sigma).
    double sphereRadius(int species) const;
    /// The drawn radius of particle i: by its own diameter where the configuration has them.
    double particleRadius(int i) const;
    /// The box widened by the largest highlight ring: what the camera resets fit into view.
    std::array<double, 6> fitBounds() const;
    /// The particle the user picked, marked by an amber ring (-1: none).
    void setPicked(int particle);
    int picked() const;
    /// The visible particle under display pixel (x, y) (VTK display coordinates, origin at the
    /// bottom left), nearest to the camera, or -1.
    int pick(double x, double y) const;
    /// Display coordinates of a particle's centre (for tests and labels).
    std::array<double, 2> displayPosition(int particle) const;
    /// The display colour of a species (also used in legends).
    static QColor speciesColour(int species);
    static QString speciesColourName(int species); ///< "blue", "orange", ... for the legend
    /// The colour of the highlighted (central) particle: drawn unlit so it shows exactly.
    static QColor highlightColour() { return QColor(40, 255, 90); }
    /// Draws (through `render`) a small scene that uses every actor once, so that the shaders
    /// are compiled now and not when the first DWP arrives; then restores the scene.
    void prepareShaders(const std::function<void()>& render);

private:
    void rebuild();
    void uploadSorted(bool force);
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace tlscope::ui

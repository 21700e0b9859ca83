#pragma once
// The VTK pipeline that draws a configuration: particles, periodic box, highlights.
#include "core/model/Model.h"
#include "core/system/Configuration.h"

#include <QColor>

#include <memory>

class vtkRenderer;

namespace tlscope::ui {

/// Draws particles as shaded spheres sized by species (glyph spheres for small N, sphere
/// impostors for large N) and the periodic box. Lives on the GUI thread.
class ParticleScene {
public:
    explicit ParticleScene(vtkRenderer* renderer);
    ~ParticleScene();

    void setConfiguration(const Configuration& conf, const Model& model);
    void resetCamera();
    int particleCount() const;
    /// The display colour of a species (also used in legends).
    static QColor speciesColour(int species);
    /// Particles drawn with impostors above this count.
    static constexpr int impostorThreshold = 3000;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace tlscope::ui

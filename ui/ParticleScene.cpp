#include "ui/ParticleScene.h"

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkDoubleArray.h>
#include <vtkGlyph3DMapper.h>
#include <vtkNew.h>
#include <vtkOutlineSource.h>
#include <vtkPointData.h>
#include <vtkPointGaussianMapper.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkSphereSource.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>

namespace tlscope::ui {

namespace {
// Impostor fragment shader: a lit sphere inside each splat, discarded outside the disc.
const char* kSphereSplat = R"(
//VTK::Color::Impl
float dist = dot(offsetVCVSOutput.xy, offsetVCVSOutput.xy);
if (dist > 1.0) { discard; } else {
  float scale = (1.0 - dist);
  ambientColor *= scale;
  diffuseColor *= scale;
}
)";
} // namespace

struct ParticleScene::Impl {
    vtkRenderer* renderer;
    vtkNew<vtkPolyData> particles;
    vtkNew<vtkActor> particleActor;
    vtkNew<vtkGlyph3DMapper> glyphMapper;
    vtkNew<vtkPointGaussianMapper> impostorMapper;
    vtkNew<vtkSphereSource> sphere;
    vtkNew<vtkOutlineSource> box;
    vtkNew<vtkPolyDataMapper> boxMapper;
    vtkNew<vtkActor> boxActor;
    int count = 0;
    double boxLength = 1.0;
};

QColor ParticleScene::speciesColour(int species) {
    static const QColor colours[] = {QColor(70, 130, 200), QColor(235, 120, 40),
                                     QColor(90, 180, 90), QColor(180, 80, 170)};
    return colours[species % 4];
}

ParticleScene::ParticleScene(vtkRenderer* renderer) : d(std::make_unique<Impl>()) {
    d->renderer = renderer;
    d->sphere->SetThetaResolution(20);
    d->sphere->SetPhiResolution(14);
    d->sphere->SetRadius(1.0);
    d->glyphMapper->SetInputData(d->particles);
    d->glyphMapper->SetSourceConnection(d->sphere->GetOutputPort());
    d->glyphMapper->SetScaleArray("radius");
    d->glyphMapper->SetScaleModeToScaleByMagnitude();
    d->glyphMapper->SetScalarModeToUsePointFieldData();
    d->glyphMapper->SelectColorArray("colour");
    d->glyphMapper->SetColorModeToDirectScalars();
    d->glyphMapper->ScalarVisibilityOn();

    d->impostorMapper->SetInputData(d->particles);
    d->impostorMapper->SetScaleArray("radius");
    d->impostorMapper->SetScaleFactor(1.0);
    d->impostorMapper->SetSplatShaderCode(kSphereSplat);
    d->impostorMapper->SetScalarModeToUsePointFieldData();
    d->impostorMapper->SelectColorArray("colour");
    d->impostorMapper->SetColorModeToDirectScalars();
    d->impostorMapper->EmissiveOff();

    d->particleActor->SetMapper(d->glyphMapper);
    d->particleActor->GetProperty()->SetSpecular(0.35);
    d->particleActor->GetProperty()->SetSpecularPower(30);
    d->particleActor->GetProperty()->SetDiffuse(0.8);
    d->particleActor->GetProperty()->SetAmbient(0.15);
    renderer->AddActor(d->particleActor);

    d->boxMapper->SetInputConnection(d->box->GetOutputPort());
    d->boxActor->SetMapper(d->boxMapper);
    d->boxActor->GetProperty()->SetColor(0.75, 0.75, 0.78);
    d->boxActor->GetProperty()->SetLineWidth(1.5);
    d->boxActor->GetProperty()->LightingOff();
    renderer->AddActor(d->boxActor);

    renderer->SetBackground(0.11, 0.12, 0.15);
    renderer->SetBackground2(0.24, 0.26, 0.31);
    renderer->GradientBackgroundOn();
}

ParticleScene::~ParticleScene() {
    d->renderer->RemoveActor(d->particleActor);
    d->renderer->RemoveActor(d->boxActor);
}

int ParticleScene::particleCount() const { return d->count; }

void ParticleScene::setConfiguration(const Configuration& conf, const Model& model) {
    const int n = conf.size();
    const Eigen::VectorXd x = conf.wrappedPositions();
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(n);
    vtkNew<vtkDoubleArray> radius;
    radius->SetName("radius");
    radius->SetNumberOfValues(n);
    vtkNew<vtkUnsignedCharArray> colour;
    colour->SetName("colour");
    colour->SetNumberOfComponents(3);
    colour->SetNumberOfTuples(n);
    for (int i = 0; i < n; ++i) {
        points->SetPoint(i, x[3 * i], x[3 * i + 1], x[3 * i + 2]);
        const int s = conf.species[i];
        // Spheres of 0.42 sigma_ss leave gaps in the dense glass so the structure stays visible.
        radius->SetValue(i, 0.42 * model.pair(s, s).sigma);
        const QColor c = speciesColour(s);
        const unsigned char rgb[3] = {static_cast<unsigned char>(c.red()),
                                      static_cast<unsigned char>(c.green()),
                                      static_cast<unsigned char>(c.blue())};
        colour->SetTypedTuple(i, rgb);
    }
    d->particles->SetPoints(points);
    d->particles->GetPointData()->AddArray(radius);
    d->particles->GetPointData()->AddArray(colour);
    d->particles->GetPointData()->SetActiveScalars("colour");
    d->particles->Modified();
    d->particleActor->SetMapper(n > impostorThreshold
                                    ? static_cast<vtkMapper*>(d->impostorMapper.Get())
                                    : static_cast<vtkMapper*>(d->glyphMapper.Get()));
    const double L = conf.boxLength;
    d->box->SetBounds(0, L, 0, L, 0, L);
    const bool first = d->count == 0 || std::abs(d->boxLength - L) > 1e-9;
    d->count = n;
    d->boxLength = L;
    if (first) resetCamera();
}

void ParticleScene::resetCamera() {
    auto* cam = d->renderer->GetActiveCamera();
    const double L = d->boxLength;
    cam->SetFocalPoint(0.5 * L, 0.5 * L, 0.5 * L);
    cam->SetPosition(0.5 * L + 1.6 * L, 0.5 * L + 1.1 * L, 0.5 * L + 2.2 * L);
    cam->SetViewUp(0, 1, 0);
    d->renderer->ResetCamera();
    cam->Zoom(1.25);
}

} // namespace tlscope::ui

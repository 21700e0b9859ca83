#include "ui/ParticleScene.h"

#include <vtkActor.h>
#include <vtkArrowSource.h>
#include <vtkBillboardTextActor3D.h>
#include <vtkCamera.h>
#include <vtkDoubleArray.h>
#include <vtkGlyph3DMapper.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkOutlineSource.h>
#include <vtkPointData.h>
#include <vtkPointGaussianMapper.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkSphereSource.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <array>
#include <cmath>

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
    vtkNew<vtkLookupTable> lut;
    vtkNew<vtkScalarBarActor> legend;
    // arrows
    vtkNew<vtkPolyData> arrowData;
    vtkNew<vtkArrowSource> arrow;
    vtkNew<vtkGlyph3DMapper> arrowMapper;
    vtkNew<vtkActor> arrowActor;
    // highlight: an unlit enlarged sphere, a translucent halo and a label
    vtkNew<vtkSphereSource> coreSphere, haloSphere;
    vtkNew<vtkPolyDataMapper> coreMapper, haloMapper;
    vtkNew<vtkActor> coreActor, haloActor;
    vtkNew<vtkBillboardTextActor3D> label;

    Configuration conf;
    Eigen::VectorXd wrapped, displacement;
    Model model;
    SceneStyle style;
    int highlight = -1;
    std::vector<int> shown; ///< particle of each drawn point
    double boxLength = 0.0;
    bool hasConfiguration = false;
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
    d->impostorMapper->SetTriangleScale(1.0f); // the splat shader draws a disc of radius 1: 9x less fill than the default 3

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

    // Displacement colours: blue (still) through pale grey to red (moved most). No green, so
    // the highlighted central particle cannot be mistaken for a displacement colour.
    d->lut->SetNumberOfTableValues(256);
    for (int k = 0; k < 256; ++k) {
        const double t = k / 255.0;
        const double a[3] = {0.16, 0.24, 0.62}, m[3] = {0.86, 0.86, 0.86}, b[3] = {0.80, 0.10, 0.10};
        double c[3];
        for (int j = 0; j < 3; ++j) c[j] = t < 0.5 ? a[j] + 2 * t * (m[j] - a[j]) : m[j] + (2 * t - 1) * (b[j] - m[j]);
        d->lut->SetTableValue(k, c[0], c[1], c[2], 1.0);
    }
    d->legend->SetLookupTable(d->lut);
    d->legend->SetTitle("|dr| (sigma)");
    d->legend->SetNumberOfLabels(5);
    d->legend->SetLabelFormat("%.2f");
    d->legend->SetPosition(0.88, 0.1);
    d->legend->SetWidth(0.08);
    d->legend->SetHeight(0.6);
    d->legend->GetTitleTextProperty()->SetFontSize(12);
    d->legend->GetLabelTextProperty()->SetFontSize(11);
    d->legend->SetVisibility(false);
    renderer->AddViewProp(d->legend);

    d->arrow->SetTipResolution(12);
    d->arrow->SetShaftResolution(12);
    d->arrowMapper->SetInputData(d->arrowData);
    d->arrowMapper->SetSourceConnection(d->arrow->GetOutputPort());
    d->arrowMapper->SetOrientationArray("vector");
    d->arrowMapper->SetScaleArray("length");
    d->arrowMapper->SetScaleModeToScaleByMagnitude();
    d->arrowMapper->ScalarVisibilityOff();
    d->arrowActor->SetMapper(d->arrowMapper);
    d->arrowActor->GetProperty()->SetColor(0.95, 0.95, 0.95);
    d->arrowActor->SetVisibility(false);
    renderer->AddActor(d->arrowActor);

    const QColor h = highlightColour();
    for (auto* s : {d->coreSphere.Get(), d->haloSphere.Get()}) {
        s->SetThetaResolution(32);
        s->SetPhiResolution(24);
    }
    d->coreMapper->SetInputConnection(d->coreSphere->GetOutputPort());
    d->coreActor->SetMapper(d->coreMapper);
    d->coreActor->GetProperty()->SetColor(h.redF(), h.greenF(), h.blueF());
    d->coreActor->GetProperty()->LightingOff(); // exact colour on screen
    d->haloMapper->SetInputConnection(d->haloSphere->GetOutputPort());
    d->haloActor->SetMapper(d->haloMapper);
    d->haloActor->GetProperty()->SetColor(h.redF(), h.greenF(), h.blueF());
    d->haloActor->GetProperty()->SetOpacity(0.22);
    d->haloActor->GetProperty()->LightingOff();
    d->label->GetTextProperty()->SetColor(h.redF(), h.greenF(), h.blueF());
    d->label->GetTextProperty()->SetFontSize(16);
    d->label->GetTextProperty()->BoldOn();
    d->label->GetTextProperty()->ShadowOn();
    for (vtkProp* p : {static_cast<vtkProp*>(d->coreActor.Get()), static_cast<vtkProp*>(d->haloActor.Get()),
                       static_cast<vtkProp*>(d->label.Get())}) {
        p->SetVisibility(false);
        renderer->AddViewProp(p);
    }

    renderer->SetBackground(0.11, 0.12, 0.15);
    renderer->SetBackground2(0.24, 0.26, 0.31);
    renderer->GradientBackgroundOn();
}

ParticleScene::~ParticleScene() {
    for (vtkProp* p : {static_cast<vtkProp*>(d->particleActor.Get()), static_cast<vtkProp*>(d->boxActor.Get()),
                       static_cast<vtkProp*>(d->legend.Get()), static_cast<vtkProp*>(d->arrowActor.Get()),
                       static_cast<vtkProp*>(d->coreActor.Get()), static_cast<vtkProp*>(d->haloActor.Get()),
                       static_cast<vtkProp*>(d->label.Get())})
        d->renderer->RemoveViewProp(p);
}

int ParticleScene::particleCount() const { return d->conf.size(); }
int ParticleScene::highlighted() const { return d->highlight; }
const SceneStyle& ParticleScene::style() const { return d->style; }

void ParticleScene::setStyle(const SceneStyle& style) {
    d->style = style;
    if (d->hasConfiguration) rebuild();
}

void ParticleScene::setConfiguration(const Configuration& conf, const Model& model,
                                     const Eigen::VectorXd& displacement, int highlight) {
    const bool first = !d->hasConfiguration || std::abs(d->boxLength - conf.boxLength) > 1e-9;
    d->conf = conf;
    d->model = model;
    d->wrapped = conf.wrappedPositions();
    d->displacement = displacement.size() == conf.positions.size() ? displacement : Eigen::VectorXd();
    d->highlight = highlight >= 0 && highlight < conf.size() ? highlight : -1;
    d->boxLength = conf.boxLength;
    d->hasConfiguration = true;
    rebuild();
    if (first) resetCamera();
}

void ParticleScene::rebuild() {
    const Configuration& conf = d->conf;
    const int n = conf.size();
    const SceneStyle& st = d->style;
    const bool byDisplacement = st.colour == ColourMode::Displacement && d->displacement.size() == 3 * n;
    Eigen::VectorXd mag = Eigen::VectorXd::Zero(n);
    if (d->displacement.size() == 3 * n)
        for (int i = 0; i < n; ++i) mag[i] = d->displacement.segment<3>(3 * i).norm();
    const double top = st.displacementRange > 0 ? st.displacementRange : std::max(1e-6, mag.size() ? mag.maxCoeff() : 0.0);
    d->lut->SetTableRange(0.0, top);
    d->legend->SetVisibility(byDisplacement);

    d->shown.clear();
    for (int i = 0; i < n; ++i) {
        const int s = conf.species[i];
        if (static_cast<std::size_t>(s) < st.hiddenSpecies.size() && st.hiddenSpecies[s] && i != d->highlight) continue;
        if (st.minDisplacement > 0 && mag[i] < st.minDisplacement && i != d->highlight) continue;
        d->shown.push_back(i);
    }
    const auto m = static_cast<vtkIdType>(d->shown.size());
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(m);
    vtkNew<vtkDoubleArray> radius;
    radius->SetName("radius");
    radius->SetNumberOfValues(m);
    vtkNew<vtkUnsignedCharArray> colour;
    colour->SetName("colour");
    colour->SetNumberOfComponents(3);
    colour->SetNumberOfTuples(m);
    vtkNew<vtkPoints> arrowPoints;
    vtkNew<vtkDoubleArray> vectors, lengths;
    vectors->SetName("vector");
    vectors->SetNumberOfComponents(3);
    lengths->SetName("length");
    for (vtkIdType k = 0; k < m; ++k) {
        const int i = d->shown[static_cast<std::size_t>(k)];
        const double* x = d->wrapped.data() + 3 * i;
        points->SetPoint(k, x[0], x[1], x[2]);
        const int s = conf.species[i];
        // Spheres of 0.42 sigma_ss leave gaps in the dense glass so the structure stays visible.
        radius->SetValue(k, 0.42 * d->model.pair(s, s).sigma);
        unsigned char rgb[3];
        if (byDisplacement) {
            double c[3];
            d->lut->GetColor(std::min(mag[i], top), c);
            for (int j = 0; j < 3; ++j) rgb[j] = static_cast<unsigned char>(std::lround(255 * c[j]));
        } else {
            const QColor c = speciesColour(s);
            rgb[0] = static_cast<unsigned char>(c.red()), rgb[1] = static_cast<unsigned char>(c.green()),
            rgb[2] = static_cast<unsigned char>(c.blue());
        }
        colour->SetTypedTuple(k, rgb);
        if (st.arrows && d->displacement.size() == 3 * n && mag[i] > 1e-3 * top) {
            arrowPoints->InsertNextPoint(x);
            vectors->InsertNextTuple(d->displacement.data() + 3 * i);
            lengths->InsertNextValue(st.arrowScale * mag[i]);
        }
    }
    d->particles->SetPoints(points);
    d->particles->GetPointData()->AddArray(radius);
    d->particles->GetPointData()->AddArray(colour);
    d->particles->GetPointData()->SetActiveScalars("colour");
    d->particles->Modified();
    d->particleActor->SetMapper(n > impostorThreshold ? static_cast<vtkMapper*>(d->impostorMapper.Get())
                                                      : static_cast<vtkMapper*>(d->glyphMapper.Get()));
    d->arrowData->SetPoints(arrowPoints);
    d->arrowData->GetPointData()->AddArray(vectors);
    d->arrowData->GetPointData()->AddArray(lengths);
    d->arrowData->Modified();
    d->arrowActor->SetVisibility(st.arrows && arrowPoints->GetNumberOfPoints() > 0);

    const double L = conf.boxLength;
    d->box->SetBounds(0, L, 0, L, 0, L);
    const bool hl = d->highlight >= 0;
    d->coreActor->SetVisibility(hl);
    d->haloActor->SetVisibility(hl);
    d->label->SetVisibility(hl && st.showLabel);
    if (hl) {
        const int i = d->highlight;
        const double* x = d->wrapped.data() + 3 * i;
        const double r = 0.42 * d->model.pair(conf.species[i], conf.species[i]).sigma;
        d->coreSphere->SetCenter(x[0], x[1], x[2]);
        d->coreSphere->SetRadius(1.35 * r);
        d->haloSphere->SetCenter(x[0], x[1], x[2]);
        d->haloSphere->SetRadius(2.6 * r);
        const QString name = static_cast<std::size_t>(conf.species[i]) < d->model.species.size()
            ? QString::fromStdString(d->model.species[static_cast<std::size_t>(conf.species[i])].name) : QString("?");
        d->label->SetInput(QString("#%1 %2").arg(i).arg(name).toUtf8().constData());
        d->label->SetPosition(x[0], x[1] + 2.8 * r, x[2]);
    }
}

void ParticleScene::resetCamera() {
    auto* cam = d->renderer->GetActiveCamera();
    const double L = d->boxLength > 0 ? d->boxLength : 1.0;
    cam->SetFocalPoint(0.5 * L, 0.5 * L, 0.5 * L);
    cam->SetPosition(0.5 * L + 1.6 * L, 0.5 * L + 1.1 * L, 0.5 * L + 2.2 * L);
    cam->SetViewUp(0, 1, 0);
    d->renderer->ResetCamera();
    cam->Zoom(1.25);
}

void ParticleScene::viewAlongAxis(int axis) {
    auto* cam = d->renderer->GetActiveCamera();
    const double L = d->boxLength > 0 ? d->boxLength : 1.0, c = 0.5 * L;
    cam->SetFocalPoint(c, c, c);
    double pos[3] = {c, c, c};
    pos[axis] += 3.0 * L;
    cam->SetPosition(pos);
    cam->SetViewUp(axis == 1 ? 0 : 0, axis == 1 ? 0 : 1, axis == 1 ? -1 : 0);
    d->renderer->ResetCamera();
}

std::array<double, 2> ParticleScene::displayPosition(int particle) const {
    const double* x = d->wrapped.data() + 3 * particle;
    d->renderer->SetWorldPoint(x[0], x[1], x[2], 1.0);
    d->renderer->WorldToDisplay();
    double p[3];
    d->renderer->GetDisplayPoint(p);
    return {p[0], p[1]};
}

int ParticleScene::pick(double x, double y) const {
    if (!d->hasConfiguration) return -1;
    // The ray through the pixel, from the near to the far clipping plane.
    double nearP[4], farP[4];
    d->renderer->SetDisplayPoint(x, y, 0.0);
    d->renderer->DisplayToWorld();
    d->renderer->GetWorldPoint(nearP);
    d->renderer->SetDisplayPoint(x, y, 1.0);
    d->renderer->DisplayToWorld();
    d->renderer->GetWorldPoint(farP);
    Eigen::Vector3d o, dir;
    for (int k = 0; k < 3; ++k) o[k] = nearP[k] / nearP[3], dir[k] = farP[k] / farP[3] - o[k];
    dir.normalize();
    int best = -1;
    double bestT = HUGE_VAL;
    for (int i : d->shown) {
        const Eigen::Vector3d c(d->wrapped[3 * i], d->wrapped[3 * i + 1], d->wrapped[3 * i + 2]);
        const int s = d->conf.species[i];
        double r = 0.42 * d->model.pair(s, s).sigma;
        if (i == d->highlight) r *= 1.35;
        const double b = (c - o).dot(dir);
        const double h2 = (c - o).squaredNorm() - b * b;
        if (h2 > r * r) continue;
        const double t = b - std::sqrt(r * r - h2);
        if (t > 0 && t < bestT) bestT = t, best = i;
    }
    return best;
}

} // namespace tlscope::ui

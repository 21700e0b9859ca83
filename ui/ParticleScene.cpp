#include "ui/ParticleScene.h"

#include <vtkActor.h>
#include <vtkArrowSource.h>
#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkCoordinate.h>
#include <vtkDiskSource.h>
#include <vtkDoubleArray.h>
#include <vtkFollower.h>
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
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkSphereSource.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

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
    vtkNew<vtkPointGaussianMapper> impostorMapper;
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
    // highlight: an unlit enlarged sphere (depth tested: where it really is), and a ring facing
    // the camera and a caption in an overlay layer drawn over everything (visible even when the
    // particle is behind others). Opaque on purpose: a translucent halo costs an extra
    // order-independent-transparency pass, which doubled the frame time on software rendering.
    vtkNew<vtkRenderer> overlay;
    vtkNew<vtkSphereSource> coreSphere;
    vtkNew<vtkDiskSource> ring;
    vtkNew<vtkPolyDataMapper> coreMapper, haloMapper;
    vtkNew<vtkActor> coreActor;
    vtkNew<vtkFollower> haloActor;
    vtkNew<vtkTextActor> label; ///< caption in the view's top left corner
    // the particle the user picked: a thinner amber ring in the overlay (-1: none)
    vtkNew<vtkDiskSource> pickRing;
    vtkNew<vtkPolyDataMapper> pickMapper;
    vtkNew<vtkFollower> pickActor;
    int picked = -1;
    QString caption;             ///< its text
    bool nothingMoved = false, displacementColours = false;

    Configuration conf;
    Eigen::VectorXd wrapped, displacement;
    Model model;
    SceneStyle style;
    int highlight = -1;
    std::vector<int> shown; ///< particle of each drawn point
    // what is drawn, in `shown` order; uploaded to `particles` sorted by distance to the camera
    std::vector<double> drawPosition, drawRadius;
    std::vector<unsigned char> drawColour;
    std::array<double, 3> sortedEye{};
    unsigned long startObserver = 0;
    double boxLength = 0.0;
    bool hasConfiguration = false;
};

QColor ParticleScene::speciesColour(int species) {
    static const QColor colours[] = {QColor(70, 130, 200), QColor(235, 120, 40),
                                     QColor(90, 180, 90), QColor(180, 80, 170)};
    return colours[species % 4];
}

QString ParticleScene::speciesColourName(int species) {
    static const char* names[] = {"blue", "orange", "green", "purple"};
    return names[species % 4];
}

ParticleScene::ParticleScene(vtkRenderer* renderer) : d(std::make_unique<Impl>()) {
    d->renderer = renderer;
    vtkNew<vtkCallbackCommand> onStart; // re-sort the particles when the camera has moved
    onStart->SetClientData(this);
    onStart->SetCallback([](vtkObject*, unsigned long, void* self, void*) { static_cast<ParticleScene*>(self)->uploadSorted(false); });
    d->startObserver = renderer->AddObserver(vtkCommand::StartEvent, onStart);
    if (vtkRenderWindow* window = renderer->GetRenderWindow()) {
        window->SetNumberOfLayers(2);
        d->overlay->SetLayer(1);
        d->overlay->SetActiveCamera(renderer->GetActiveCamera());
        d->overlay->InteractiveOff();
        window->AddRenderer(d->overlay);
    }

    d->impostorMapper->SetInputData(d->particles);
    d->impostorMapper->SetScaleArray("radius");
    d->impostorMapper->SetScaleFactor(1.0);
    d->impostorMapper->SetSplatShaderCode(kSphereSplat);
    d->impostorMapper->SetScalarModeToUsePointFieldData();
    d->impostorMapper->SelectColorArray("colour");
    d->impostorMapper->SetColorModeToDirectScalars();
    d->impostorMapper->EmissiveOff();
    d->impostorMapper->SetTriangleScale(1.0f); // the splat shader draws a disc of radius 1: 9x less fill than the default 3

    // Sphere impostors at every N: at N = 65 they draw 3x faster than glyph spheres (20 x 14
    // triangles each) on software rendering, and look the same.
    d->particleActor->SetMapper(d->impostorMapper);
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
    d->legend->SetUnconstrainedFontSize(true); // the sizes below, not scaled to the bar's width
    d->legend->GetTitleTextProperty()->SetFontSize(14);
    d->legend->GetTitleTextProperty()->ItalicOff();
    d->legend->GetLabelTextProperty()->SetFontSize(13);
    d->legend->GetLabelTextProperty()->ItalicOff();
    d->legend->SetVisibility(false);
    // In the overlay layer too, added after the ring: 2D props draw after the layer's 3D props,
    // so the legend stays readable when the central particle's ring passes behind it.

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
    d->coreSphere->SetThetaResolution(32);
    d->coreSphere->SetPhiResolution(24);
    d->ring->SetCircumferentialResolution(64);
    d->coreMapper->SetInputConnection(d->coreSphere->GetOutputPort());
    d->coreActor->SetMapper(d->coreMapper);
    d->coreActor->GetProperty()->SetColor(h.redF(), h.greenF(), h.blueF());
    d->coreActor->GetProperty()->LightingOff(); // exact colour on screen
    d->haloMapper->SetInputConnection(d->ring->GetOutputPort());
    d->haloActor->SetMapper(d->haloMapper);
    d->haloActor->SetCamera(renderer->GetActiveCamera());
    d->haloActor->GetProperty()->SetColor(h.redF(), h.greenF(), h.blueF());
    d->haloActor->GetProperty()->LightingOff();
    d->label->GetTextProperty()->SetColor(h.redF(), h.greenF(), h.blueF());
    d->label->GetTextProperty()->SetFontSize(16);
    d->label->GetTextProperty()->BoldOn();
    d->label->GetTextProperty()->ShadowOn();
    d->label->GetTextProperty()->SetVerticalJustificationToTop();
    d->label->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    d->label->GetPositionCoordinate()->SetValue(0.015, 0.98);
    d->coreActor->SetVisibility(false);
    renderer->AddViewProp(d->coreActor);
    d->pickRing->SetCircumferentialResolution(64);
    d->pickMapper->SetInputConnection(d->pickRing->GetOutputPort());
    d->pickActor->SetMapper(d->pickMapper);
    d->pickActor->SetCamera(renderer->GetActiveCamera());
    d->pickActor->GetProperty()->SetColor(1.0, 0.75, 0.1);
    d->pickActor->GetProperty()->LightingOff();
    for (vtkProp* p : {static_cast<vtkProp*>(d->haloActor.Get()), static_cast<vtkProp*>(d->label.Get()),
                       static_cast<vtkProp*>(d->pickActor.Get())}) {
        p->SetVisibility(false);
        (renderer->GetRenderWindow() ? d->overlay.Get() : renderer)->AddViewProp(p);
    }
    (renderer->GetRenderWindow() ? d->overlay.Get() : renderer)->AddViewProp(d->legend);

    renderer->SetBackground(0.11, 0.12, 0.15);
    renderer->SetBackground2(0.24, 0.26, 0.31);
    renderer->GradientBackgroundOn();
}

ParticleScene::~ParticleScene() {
    d->renderer->RemoveObserver(d->startObserver);
    for (vtkProp* p : {static_cast<vtkProp*>(d->particleActor.Get()), static_cast<vtkProp*>(d->boxActor.Get()),
                       static_cast<vtkProp*>(d->legend.Get()), static_cast<vtkProp*>(d->arrowActor.Get()),
                       static_cast<vtkProp*>(d->coreActor.Get()), static_cast<vtkProp*>(d->haloActor.Get()),
                       static_cast<vtkProp*>(d->label.Get())})
        d->renderer->RemoveViewProp(p);
    if (vtkRenderWindow* window = d->overlay->GetRenderWindow()) window->RemoveRenderer(d->overlay);
}

void ParticleScene::prepareShaders(const std::function<void()>& render) {
    // A two-particle scene that uses every actor: particles, box, legend, arrows, highlight.
    const Configuration savedConf = d->conf;
    const Model savedModel = d->model;
    const Eigen::VectorXd savedDisplacement = d->displacement;
    const SceneStyle savedStyle = d->style;
    const int savedHighlight = d->highlight;
    const bool had = d->hasConfiguration;
    Configuration c;
    c.boxLength = 3.0;
    c.species = {0, 1};
    c.positions = Eigen::VectorXd::LinSpaced(6, 1.0, 2.0);
    d->conf = c;
    if (d->model.species.size() < 2) d->model = Model::preset("ka-rh");
    d->displacement = Eigen::VectorXd::Constant(6, 0.1);
    d->wrapped = c.wrappedPositions();
    d->highlight = 0;
    d->style.arrows = true;
    d->style.showLabel = true;
    d->style.colour = ColourMode::Displacement;
    d->style.minDisplacement = 0.0;
    d->style.hiddenSpecies.clear();
    d->hasConfiguration = true;
    rebuild();
    render();
    d->conf = savedConf;
    d->model = savedModel;
    d->displacement = savedDisplacement;
    d->style = savedStyle;
    d->highlight = savedHighlight;
    d->wrapped = d->conf.wrappedPositions();
    d->hasConfiguration = had;
    rebuild(); // an empty scene when there was no configuration
}

int ParticleScene::arrowCount() const { return static_cast<int>(d->arrowData->GetNumberOfPoints()); }

double ParticleScene::arrowLength(int k) const {
    auto* lengths = d->arrowData->GetPointData()->GetArray("length");
    return lengths && k >= 0 && k < lengths->GetNumberOfTuples() ? lengths->GetTuple1(k) : 0.0;
}

int ParticleScene::particleCount() const { return d->conf.size(); }
int ParticleScene::highlighted() const { return d->highlight; }

double ParticleScene::sphereRadius(int species) const {
    // 0.42 sigma_ss leaves gaps in the dense glass so the structure stays visible.
    return 0.42 * std::clamp(d->style.sphereScale, 0.3, 1.5) * d->model.pair(species, species).sigma;
}
int ParticleScene::picked() const { return d->picked; }

double ParticleScene::particleRadius(int i) const {
    const auto& dia = d->conf.diameters;
    if (dia.size() == static_cast<std::size_t>(d->conf.size()))
        return 0.42 * std::clamp(d->style.sphereScale, 0.3, 1.5) * dia[static_cast<std::size_t>(i)];
    return sphereRadius(d->conf.species[static_cast<std::size_t>(i)]);
}

void ParticleScene::setPicked(int i) {
    d->picked = d->hasConfiguration && i >= 0 && i < d->conf.size() ? i : -1;
    if (d->picked < 0) {
        d->pickActor->SetVisibility(false);
        return;
    }
    const double* x = d->wrapped.data() + 3 * d->picked;
    const double r = particleRadius(d->picked);
    d->pickRing->SetInnerRadius(1.15 * r);
    d->pickRing->SetOuterRadius(1.35 * r);
    d->pickActor->SetPosition(x[0], x[1], x[2]);
    d->pickActor->SetVisibility(true);
}
const SceneStyle& ParticleScene::style() const { return d->style; }

void ParticleScene::setStyle(const SceneStyle& style) {
    d->style = style;
    switch (style.background) {
    case Background::DarkGradient:
        d->renderer->SetBackground(0.11, 0.12, 0.15);
        d->renderer->SetBackground2(0.24, 0.26, 0.31);
        d->renderer->GradientBackgroundOn();
        break;
    case Background::Dark:
        d->renderer->SetBackground(0.15, 0.16, 0.19);
        d->renderer->GradientBackgroundOff();
        break;
    case Background::White: // for print and bright projectors
        d->renderer->SetBackground(1.0, 1.0, 1.0);
        d->renderer->GradientBackgroundOff();
        break;
    }
    // Lines and labels that are light on the dark backgrounds turn dark on white.
    const bool white = style.background == Background::White;
    const double line = white ? 0.3 : 0.75;
    d->boxActor->GetProperty()->SetColor(line, line, line + 0.03);
    d->arrowActor->GetProperty()->SetColor(white ? 0.15 : 0.95, white ? 0.15 : 0.95, white ? 0.15 : 0.95);
    for (vtkTextProperty* t : {d->legend->GetTitleTextProperty(), d->legend->GetLabelTextProperty()})
        t->SetColor(white ? 0.1 : 1.0, white ? 0.1 : 1.0, white ? 0.1 : 1.0);
    const double k = std::clamp(style.textScale, 0.5, 4.0);
    d->legend->GetTitleTextProperty()->SetFontSize(static_cast<int>(std::lround(14 * k)));
    d->legend->GetLabelTextProperty()->SetFontSize(static_cast<int>(std::lround(13 * k)));
    d->label->GetTextProperty()->SetFontSize(static_cast<int>(std::lround(16 * k)));
    d->legend->SetPosition(0.88 - 0.08 * (k - 1.0), 0.1); // larger text needs room on the right
    if (d->hasConfiguration) rebuild();
}

void ParticleScene::setConfiguration(const Configuration& conf, const Model& model,
                                     const Eigen::VectorXd& displacement, int highlight, bool wrap) {
    const bool first = !d->hasConfiguration || std::abs(d->boxLength - conf.boxLength) > 1e-9;
    d->conf = conf;
    d->model = model;
    d->wrapped = wrap ? conf.wrappedPositions() : conf.positions;
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
    const bool byDisplacementRequested = st.colour == ColourMode::Displacement && n > 0 && d->displacement.size() == 3 * n;
    d->boxActor->SetVisibility(d->hasConfiguration);
    Eigen::VectorXd mag = Eigen::VectorXd::Zero(n);
    if (d->displacement.size() == 3 * n)
        for (int i = 0; i < n; ++i) mag[i] = d->displacement.segment<3>(3 * i).norm();
    const double largest = mag.size() ? mag.maxCoeff() : 0.0;
    // Below 1e-4 sigma the "displacement" is rounding between two minimizations: nothing moved.
    // A colour scale stretched over it painted every particle red with 0.00 at every tick.
    d->nothingMoved = st.colour == ColourMode::Displacement && st.displacementRange <= 0 && largest < 1e-4;
    const bool byDisplacement = byDisplacementRequested && !d->nothingMoved;
    const double top = st.displacementRange > 0 ? st.displacementRange : std::max(1e-6, largest);
    d->lut->SetTableRange(0.0, top);
    d->legend->SetVisibility(byDisplacement);
    d->displacementColours = byDisplacement;

    // Particles with their own diameters (soft spheres) are coloured by diameter instead of species.
    const bool byDiameter = conf.diameters.size() == static_cast<std::size_t>(n) && n > 0;
    const double dMin = byDiameter ? *std::min_element(conf.diameters.begin(), conf.diameters.end()) : 0.0;
    const double dMax = byDiameter ? *std::max_element(conf.diameters.begin(), conf.diameters.end()) : 1.0;
    d->shown.clear();
    for (int i = 0; i < n; ++i) {
        const int s = conf.species[i];
        if (static_cast<std::size_t>(s) < st.hiddenSpecies.size() && st.hiddenSpecies[s] && i != d->highlight) continue;
        if (st.minDisplacement > 0 && mag[i] < st.minDisplacement && i != d->highlight) continue;
        d->shown.push_back(i);
    }
    const auto m = static_cast<vtkIdType>(d->shown.size());
    d->drawPosition.resize(static_cast<std::size_t>(3 * m));
    d->drawRadius.resize(static_cast<std::size_t>(m));
    d->drawColour.resize(static_cast<std::size_t>(3 * m));
    vtkNew<vtkPoints> arrowPoints;
    vtkNew<vtkDoubleArray> vectors, lengths;
    vectors->SetName("vector");
    vectors->SetNumberOfComponents(3);
    lengths->SetName("length");
    for (vtkIdType k = 0; k < m; ++k) {
        const auto ku = static_cast<std::size_t>(k);
        const int i = d->shown[ku];
        const double* x = d->wrapped.data() + 3 * i;
        std::copy(x, x + 3, d->drawPosition.begin() + static_cast<std::ptrdiff_t>(3 * ku));
        const int s = conf.species[i];
        // Spheres of 0.42 sigma_ss leave gaps in the dense glass so the structure stays visible.
        d->drawRadius[ku] = particleRadius(i);
        unsigned char* rgb = d->drawColour.data() + 3 * ku;
        if (byDisplacement) {
            double c[3];
            d->lut->GetColor(std::min(mag[i], top), c);
            for (int j = 0; j < 3; ++j) rgb[j] = static_cast<unsigned char>(std::lround(255 * c[j]));
        } else if (byDiameter) {
            // Small orange to large blue, as B and A of the binary mixtures.
            const double t = std::clamp((conf.diameters[static_cast<std::size_t>(i)] - dMin) / std::max(1e-12, dMax - dMin), 0.0, 1.0);
            const QColor a = speciesColour(1), b = speciesColour(0);
            rgb[0] = static_cast<unsigned char>(std::lround(a.red() + t * (b.red() - a.red())));
            rgb[1] = static_cast<unsigned char>(std::lround(a.green() + t * (b.green() - a.green())));
            rgb[2] = static_cast<unsigned char>(std::lround(a.blue() + t * (b.blue() - a.blue())));
        } else {
            const QColor c = speciesColour(s);
            rgb[0] = static_cast<unsigned char>(c.red()), rgb[1] = static_cast<unsigned char>(c.green()),
            rgb[2] = static_cast<unsigned char>(c.blue());
        }
        // An arrow starts at the centre and must leave the sphere to be seen: its length is the
        // sphere radius plus a part proportional to |dr|, scaled so that the largest displacement
        // reaches arrowScale/6 sigma beyond the surface (0.5 sigma at the default 3). Particles
        // that moved less than 5 % of the largest get none (they would only be clutter).
        if (st.arrows && d->displacement.size() == 3 * n && mag[i] > 0.05 * top) {
            arrowPoints->InsertNextPoint(x);
            vectors->InsertNextTuple(d->displacement.data() + 3 * i);
            lengths->InsertNextValue(d->drawRadius[ku] + st.arrowScale / 6.0 * mag[i] / top);
        }
    }
    uploadSorted(true);
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
    QString caption;
    if (hl) {
        const int i = d->highlight;
        const double* x = d->wrapped.data() + 3 * i;
        const double r = particleRadius(i);
        d->coreSphere->SetCenter(x[0], x[1], x[2]);
        d->coreSphere->SetRadius(1.35 * r);
        d->ring->SetInnerRadius(2.05 * r);
        d->ring->SetOuterRadius(2.3 * r);
        d->haloActor->SetPosition(x[0], x[1], x[2]);
        const QString name = static_cast<std::size_t>(conf.species[i]) < d->model.species.size()
            ? QString::fromStdString(d->model.species[static_cast<std::size_t>(conf.species[i])].name) : QString("?");
        caption = byDiameter ? QString("central particle #%1 (diameter %2), ringed").arg(i).arg(conf.diameters[static_cast<std::size_t>(i)], 0, 'f', 3)
                             : QString("central particle #%1 (%2), ringed").arg(i).arg(name);
    }
    if (d->nothingMoved && d->hasConfiguration)
        caption += QString(caption.isEmpty() ? "" : "  -  ") + (byDiameter ? "no displacement: coloured by diameter" : "no displacement: coloured by species");
    if (!d->displacementColours && d->hasConfiguration) {
        // The species legend (the displacement scale has its colour bar instead).
        QStringList parts;
        if (byDiameter)
            parts << QString("diameter %1 (%2) to %3 (%4)").arg(dMin, 0, 'f', 2).arg(speciesColourName(1)).arg(dMax, 0, 'f', 2).arg(speciesColourName(0));
        else
        for (std::size_t sp = 0; sp < d->model.species.size(); ++sp)
            parts << QString("%1 %2").arg(QString::fromStdString(d->model.species[sp].name), speciesColourName(static_cast<int>(sp)));
        caption += QString(caption.isEmpty() ? "" : "\n") + parts.join(", ");
    }
    setPicked(d->picked); // follows the particle as frames change
    d->caption = caption;
    d->label->SetInput(caption.toUtf8().constData());
    d->label->SetVisibility(!caption.isEmpty() && st.showLabel);
}

bool ParticleScene::displacementColours() const { return d->displacementColours; }
QString ParticleScene::caption() const { return d->caption; }

void ParticleScene::uploadSorted(bool force) {
    // Front to back: the software rasterizer tests depth before running the sphere shader (it
    // only defers the depth write because the shader discards), so particles hidden behind
    // nearer ones cost almost nothing. At 20 000 particles each pixel is covered ~10 times.
    const double* eye = d->renderer->GetActiveCamera()->GetPosition();
    if (!force && eye[0] == d->sortedEye[0] && eye[1] == d->sortedEye[1] && eye[2] == d->sortedEye[2]) return;
    std::copy(eye, eye + 3, d->sortedEye.begin());
    const std::size_t m = d->drawRadius.size();
    std::vector<std::pair<double, std::uint32_t>> key(m);
    for (std::size_t k = 0; k < m; ++k) {
        const double* x = d->drawPosition.data() + 3 * k;
        const double dx = x[0] - eye[0], dy = x[1] - eye[1], dz = x[2] - eye[2];
        key[k] = {dx * dx + dy * dy + dz * dz, static_cast<std::uint32_t>(k)};
    }
    std::sort(key.begin(), key.end());
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(static_cast<vtkIdType>(m));
    vtkNew<vtkDoubleArray> radius;
    radius->SetName("radius");
    radius->SetNumberOfValues(static_cast<vtkIdType>(m));
    vtkNew<vtkUnsignedCharArray> colour;
    colour->SetName("colour");
    colour->SetNumberOfComponents(3);
    colour->SetNumberOfTuples(static_cast<vtkIdType>(m));
    for (std::size_t j = 0; j < m; ++j) {
        const std::size_t k = key[j].second;
        const auto id = static_cast<vtkIdType>(j);
        points->SetPoint(id, d->drawPosition.data() + 3 * k);
        radius->SetValue(id, d->drawRadius[k]);
        colour->SetTypedTuple(id, d->drawColour.data() + 3 * k);
    }
    d->particles->SetPoints(points);
    d->particles->GetPointData()->AddArray(radius);
    d->particles->GetPointData()->AddArray(colour);
    d->particles->GetPointData()->SetActiveScalars("colour");
    d->particles->Modified();
}

void ParticleScene::resetCamera() {
    auto* cam = d->renderer->GetActiveCamera();
    const double L = d->boxLength > 0 ? d->boxLength : 1.0;
    cam->SetFocalPoint(0.5 * L, 0.5 * L, 0.5 * L);
    cam->SetPosition(0.5 * L + 1.6 * L, 0.5 * L + 1.1 * L, 0.5 * L + 2.2 * L);
    cam->SetViewUp(0, 1, 0);
    d->renderer->ResetCamera(fitBounds().data());
    cam->Zoom(1.5); // the bounding sphere of the box leaves room around its projection
}

std::array<double, 6> ParticleScene::fitBounds() const {
    // The box widened by the largest highlight ring, so that the ring around a particle at the
    // box's edge stays inside the view (it was clipped there).
    const double L = d->boxLength > 0 ? d->boxLength : 1.0;
    double ring = 0.0;
    for (int s = 0; s < d->model.speciesCount(); ++s) ring = std::max(ring, 2.3 * sphereRadius(s));
    for (double dia : d->conf.diameters) ring = std::max(ring, 2.3 * 0.42 * std::clamp(d->style.sphereScale, 0.3, 1.5) * dia);
    return {-ring, L + ring, -ring, L + ring, -ring, L + ring};
}

void ParticleScene::viewAlongAxis(int axis) {
    auto* cam = d->renderer->GetActiveCamera();
    const double L = d->boxLength > 0 ? d->boxLength : 1.0, c = 0.5 * L;
    cam->SetFocalPoint(c, c, c);
    double pos[3] = {c, c, c};
    pos[axis] += 3.0 * L;
    cam->SetPosition(pos);
    cam->SetViewUp(axis == 1 ? 0 : 0, axis == 1 ? 0 : 1, axis == 1 ? -1 : 0);
    d->renderer->ResetCamera(fitBounds().data());
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
        double r = particleRadius(i);
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

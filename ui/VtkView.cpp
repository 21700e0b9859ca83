#include "ui/VtkView.h"

#include <QElapsedTimer>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QOpenGLWindow>
#include <QSurfaceFormat>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkNew.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>

#include <algorithm>
#include <functional>

namespace tlscope::ui {

void setDefaultSurfaceFormat() {
    QSurfaceFormat fmt;
    fmt.setRenderableType(QSurfaceFormat::OpenGL);
    fmt.setVersion(3, 2);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    fmt.setRedBufferSize(8);
    fmt.setGreenBufferSize(8);
    fmt.setBlueBufferSize(8);
    fmt.setAlphaBufferSize(8);
    fmt.setDepthBufferSize(24);
    fmt.setStencilBufferSize(0);
    fmt.setSamples(0); // multisampling is requested from VTK instead
    fmt.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
    QSurfaceFormat::setDefaultFormat(fmt);
}

/// The native OpenGL window VTK draws into (through its own framebuffers, blitted on paint).
class VtkGlWindow : public QOpenGLWindow {
public:
    double frameBudgetMs = 33.0; ///< 30 fps: slower full frames make dragging render reduced
    VtkGlWindow();
    ~VtkGlWindow() override;

    vtkNew<vtkGenericOpenGLRenderWindow> vtk;
    vtkNew<vtkGenericRenderWindowInteractor> interactor;
    vtkNew<vtkRenderer> renderer;
    unsigned firstGlError = 0;
    std::function<void(double, double)> onClick;

    QImage grab(int scale);

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;

private:
    void cleanup();
    void recordGlError(unsigned error);
    void forwardMouse(QMouseEvent* e, unsigned long vtkEvent);
    /// Renders VTK's scene into its framebuffers with VTK's state cache made consistent first.
    void renderVtk();
    /// Renders at 1/`reduction` of the pixel size (and scales events alike), or at full size.
    void setReduction(int reduction);
    bool inPaint_ = false;
    int reduction_ = 1;       ///< 2 while the user drags on a view whose full frames are slow
    double lastFullFrameMs_ = 0.0;
    QElapsedTimer frameClock_;
    bool initialized_ = false;
    QPointF pressPosition_;
};

VtkGlWindow::VtkGlWindow() : QOpenGLWindow(QOpenGLWindow::NoPartialUpdate) {
    auto* w = vtk.Get();
    w->SetReadyForRendering(false);
    w->SetFrameBlitModeToNoBlit();
    w->SetForceMaximumHardwareLineWidth(1); // wide lines are invalid in a core profile
    w->SetMultiSamples(0);
    w->AddRenderer(renderer);
    w->SetInteractor(interactor);
    interactor->SetRenderWindow(w);
    interactor->EnableRenderOff();
    vtkNew<vtkInteractorStyleTrackballCamera> style;
    interactor->SetInteractorStyle(style);

    auto makeCallback = [this](void (*fn)(vtkObject*, unsigned long, void*, void*)) {
        vtkNew<vtkCallbackCommand> cb;
        cb->SetClientData(this);
        cb->SetCallback(fn);
        return vtkSmartPointer<vtkCallbackCommand>(cb.Get());
    };
    w->AddObserver(vtkCommand::WindowMakeCurrentEvent,
                   makeCallback([](vtkObject*, unsigned long, void* self, void*) {
                       auto* win = static_cast<VtkGlWindow*>(self);
                       if (QOpenGLContext::currentContext() != win->context()) win->makeCurrent();
                   }));
    w->AddObserver(vtkCommand::WindowIsCurrentEvent,
                   makeCallback([](vtkObject*, unsigned long, void* self, void* callData) {
                       auto* win = static_cast<VtkGlWindow*>(self);
                       auto* current = QOpenGLContext::currentContext();
                       *static_cast<bool*>(callData) = current && current == win->context() && current->surface() == win;
                   }));
    w->AddObserver(vtkCommand::WindowFrameEvent,
                   makeCallback([](vtkObject*, unsigned long, void* self, void*) {
                       auto* win = static_cast<VtkGlWindow*>(self);
                       if (!win->inPaint_) win->update();
                   }));
    interactor->AddObserver(vtkCommand::RenderEvent,
                            makeCallback([](vtkObject*, unsigned long, void* self, void*) {
                                static_cast<VtkGlWindow*>(self)->update();
                            }));
}

VtkGlWindow::~VtkGlWindow() {
    if (initialized_) {
        makeCurrent();
        cleanup();
        doneCurrent();
    }
}

void VtkGlWindow::recordGlError(unsigned error) {
    if (error != 0 && firstGlError == 0) {
        firstGlError = error;
        qWarning("TLScope 3D view: OpenGL error 0x%x", error);
    }
}

void VtkGlWindow::cleanup() {
    if (!initialized_) return;
    // Release VTK's GL resources while Qt's context is current.
    vtk->Finalize();
    vtk->SetReadyForRendering(false);
    initialized_ = false;
}

void VtkGlWindow::initializeGL() {
    // Full-size frame times decide whether dragging renders at reduced resolution.
    connect(this, &QOpenGLWindow::frameSwapped, this, [this] {
        if (reduction_ == 1 && frameClock_.isValid()) lastFullFrameMs_ = static_cast<double>(frameClock_.nsecsElapsed()) * 1e-6;
    });
    connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
        makeCurrent();
        cleanup();
        doneCurrent();
    }, Qt::DirectConnection);
    vtk->SetOwnContext(0);
    vtk->SetReadyForRendering(true);
    vtk->SetMapped(1);
    vtk->OpenGLInitContext();
    vtk->GetState()->Reset();
    initialized_ = true;
}

void VtkGlWindow::resizeGL(int, int) { setReduction(reduction_); }

void VtkGlWindow::setReduction(int reduction) {
    reduction_ = reduction;
    const double dpr = devicePixelRatio();
    const int pw = std::max(1, static_cast<int>(width() * dpr) / reduction),
              ph = std::max(1, static_cast<int>(height() * dpr) / reduction);
    // Resizing re-creates VTK's framebuffer attachments: its state cache must match GL first.
    if (initialized_) vtk->GetState()->Reset();
    vtk->SetSize(pw, ph);
    interactor->UpdateSize(pw, ph);
}

void VtkGlWindow::renderVtk() {
    vtkOpenGLState* state = vtk->GetState();
    state->Reset(); // Qt may have changed GL state behind VTK's cache
    state->Push();
    state->vtkglDepthFunc(GL_LEQUAL);
    vtk->Render();
    recordGlError(context()->functions()->glGetError());
    state->Pop();
}

void VtkGlWindow::paintGL() {
    if (!initialized_) return;
    inPaint_ = true;
    frameClock_.start();
    renderVtk();
    QOpenGLExtraFunctions* f = context()->extraFunctions();
    vtkOpenGLState* state = vtk->GetState();
    state->Push();
    // Qt may use another default framebuffer after a resize: never cache it.
    f->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    state->vtkglDisable(GL_SCISSOR_TEST);
    f->glDisable(GL_SCISSOR_TEST);
    const int* size = vtk->GetRenderFramebuffer()->GetLastSize();
    const double dpr = devicePixelRatio();
    const int tw = static_cast<int>(width() * dpr), th = static_cast<int>(height() * dpr);
    // Bind VTK's display framebuffer with raw GL: VTK's state cache may believe it is bound
    // already and skip the bind.
    f->glBindFramebuffer(GL_READ_FRAMEBUFFER, vtk->GetDisplayFramebuffer()->GetFBOIndex());
    f->glViewport(0, 0, tw, th);
    f->glBlitFramebuffer(0, 0, size[0], size[1], 0, 0, tw, th, GL_COLOR_BUFFER_BIT, reduction_ > 1 ? GL_LINEAR : GL_NEAREST);
    f->glBindFramebuffer(GL_READ_FRAMEBUFFER, defaultFramebufferObject());
    recordGlError(f->glGetError());
    state->Pop();
    inPaint_ = false;
}

QImage VtkGlWindow::grab(int scale) {
    if (!initialized_ || !isExposed()) return {};
    makeCurrent();
    const int* original = vtk->GetSize();
    const int w0 = original[0], h0 = original[1];
    const int dpi0 = vtk->GetDPI();
    const double dpr = devicePixelRatio();
    const int fw = static_cast<int>(width() * dpr), fh = static_cast<int>(height() * dpr);
    const bool resize = scale > 1 || w0 != fw || h0 != fh; // also when dragging at reduced size
    if (resize) {
        vtk->GetState()->Reset();
        vtk->SetSize(fw * scale, fh * scale);
        vtk->SetDPI(dpi0 * scale); // text keeps its size relative to the picture
    }
    inPaint_ = true;
    renderVtk();
    const int* size = vtk->GetRenderFramebuffer()->GetLastSize();
    QImage image(size[0], size[1], QImage::Format_RGBA8888);
    QOpenGLExtraFunctions* f = context()->extraFunctions();
    vtkOpenGLState* state = vtk->GetState();
    state->Push();
    f->glBindFramebuffer(GL_READ_FRAMEBUFFER, vtk->GetDisplayFramebuffer()->GetFBOIndex());
    f->glReadBuffer(GL_COLOR_ATTACHMENT0);
    f->glPixelStorei(GL_PACK_ALIGNMENT, 4);
    f->glReadPixels(0, 0, size[0], size[1], GL_RGBA, GL_UNSIGNED_BYTE, image.bits());
    f->glBindFramebuffer(GL_READ_FRAMEBUFFER, defaultFramebufferObject());
    recordGlError(f->glGetError());
    state->Pop();
    inPaint_ = false;
    if (resize) {
        vtk->GetState()->Reset();
        vtk->SetSize(w0, h0);
        vtk->SetDPI(dpi0);
        update(); // the on-screen picture is rendered at the normal size again
    }
    // GL rows start at the bottom; the alpha channel is meaningless for a screenshot.
    return image.mirrored().convertToFormat(QImage::Format_RGB32);
}

void VtkGlWindow::forwardMouse(QMouseEvent* e, unsigned long vtkEvent) {
    const double dpr = devicePixelRatio() / reduction_;
    const QPointF p = e->position();
    interactor->SetEventInformationFlipY(static_cast<int>(p.x() * dpr), static_cast<int>(p.y() * dpr),
                                         (e->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                         (e->modifiers() & Qt::ShiftModifier) ? 1 : 0);
    interactor->InvokeEvent(vtkEvent, e);
}

void VtkGlWindow::mousePressEvent(QMouseEvent* e) {
    // Dragging re-renders on every mouse move: when a full-size frame misses 30 fps (20 000
    // particles on software rendering), render a quarter of the pixels until the button is
    // released, then the full picture again (as ParaView's image reduction does).
    if (lastFullFrameMs_ > frameBudgetMs && reduction_ == 1) setReduction(2);
    if (e->button() == Qt::LeftButton) pressPosition_ = e->position();
    if (e->button() == Qt::LeftButton) forwardMouse(e, vtkCommand::LeftButtonPressEvent);
    else if (e->button() == Qt::RightButton) forwardMouse(e, vtkCommand::RightButtonPressEvent);
    else if (e->button() == Qt::MiddleButton) forwardMouse(e, vtkCommand::MiddleButtonPressEvent);
}

void VtkGlWindow::mouseMoveEvent(QMouseEvent* e) { forwardMouse(e, vtkCommand::MouseMoveEvent); }

void VtkGlWindow::mouseReleaseEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton) forwardMouse(e, vtkCommand::LeftButtonReleaseEvent);
    else if (e->button() == Qt::RightButton) forwardMouse(e, vtkCommand::RightButtonReleaseEvent);
    else if (e->button() == Qt::MiddleButton) forwardMouse(e, vtkCommand::MiddleButtonReleaseEvent);
    if (reduction_ > 1 && e->buttons() == Qt::NoButton) {
        setReduction(1);
        update();
    }
    if (e->button() == Qt::LeftButton && (e->position() - pressPosition_).manhattanLength() < 4 && onClick) {
        const double dpr = devicePixelRatio();
        onClick(e->position().x() * dpr, (height() - e->position().y()) * dpr - 1);
    }
}

void VtkGlWindow::wheelEvent(QWheelEvent* e) {
    const double dpr = devicePixelRatio();
    const QPointF p = e->position();
    interactor->SetEventInformationFlipY(static_cast<int>(p.x() * dpr), static_cast<int>(p.y() * dpr));
    if (e->angleDelta().y() > 0) interactor->InvokeEvent(vtkCommand::MouseWheelForwardEvent, e);
    else if (e->angleDelta().y() < 0) interactor->InvokeEvent(vtkCommand::MouseWheelBackwardEvent, e);
}

// ---------------------------------------------------------------------------------------------

VtkView::VtkView(QWidget* parent) : QWidget(parent), window_(new VtkGlWindow) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    QWidget* container = QWidget::createWindowContainer(window_, this); // takes ownership
    container->setFocusPolicy(Qt::StrongFocus);
    container->setMinimumSize(64, 64);
    layout->addWidget(container);
    window_->onClick = [this](double x, double y) { emit clicked(x, y); };
    connect(window_, &QOpenGLWindow::frameSwapped, this, &VtkView::frameSwapped);
}

VtkView::~VtkView() = default;

vtkRenderer* VtkView::renderer() const { return window_->renderer.Get(); }
vtkGenericOpenGLRenderWindow* VtkView::renderWindow() const { return window_->vtk.Get(); }
QWindow* VtkView::glWindow() const { return window_; }
void VtkView::requestRender() { window_->update(); }
QImage VtkView::grabFramebuffer(int scale) { return window_->grab(std::max(1, scale)); }
unsigned VtkView::firstGlError() const { return window_->firstGlError; }
void VtkView::setFrameBudgetMs(double ms) { window_->frameBudgetMs = ms; }

} // namespace tlscope::ui

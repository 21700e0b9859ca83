#include "ui/VtkView.h"

#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QSurfaceFormat>
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

struct VtkView::Impl {
    vtkNew<vtkGenericOpenGLRenderWindow> window;
    vtkNew<vtkGenericRenderWindowInteractor> interactor;
    vtkNew<vtkRenderer> renderer;
    bool inPaint = false;
    unsigned firstGlError = 0;
    bool initialized = false;
};

VtkView::VtkView(QWidget* parent) : QOpenGLWidget(parent), d(std::make_unique<Impl>()) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    auto* w = d->window.Get();
    w->SetReadyForRendering(false);
    w->SetFrameBlitModeToNoBlit();
    w->SetForceMaximumHardwareLineWidth(1); // wide lines are invalid in a core profile
    w->SetMultiSamples(0);
    w->AddRenderer(d->renderer);
    w->SetInteractor(d->interactor);
    d->interactor->SetRenderWindow(w);
    d->interactor->EnableRenderOff();
    vtkNew<vtkInteractorStyleTrackballCamera> style;
    d->interactor->SetInteractorStyle(style);

    auto makeCallback = [this](void (*fn)(vtkObject*, unsigned long, void*, void*)) {
        vtkNew<vtkCallbackCommand> cb;
        cb->SetClientData(this);
        cb->SetCallback(fn);
        return vtkSmartPointer<vtkCallbackCommand>(cb.Get());
    };
    w->AddObserver(vtkCommand::WindowMakeCurrentEvent,
                   makeCallback([](vtkObject*, unsigned long, void* self, void*) {
                       // QOpenGLWidget::makeCurrent() also binds Qt's FBO behind VTK's state
                       // cache, so VTK would attach its buffers to Qt's FBO: only switch
                       // contexts when ours is not current.
                       auto* view = static_cast<VtkView*>(self);
                       if (QOpenGLContext::currentContext() != view->context()) view->makeCurrent();
                   }));
    w->AddObserver(vtkCommand::WindowIsCurrentEvent,
                   makeCallback([](vtkObject*, unsigned long, void* self, void* callData) {
                       auto* view = static_cast<VtkView*>(self);
                       auto* current = QOpenGLContext::currentContext();
                       *static_cast<bool*>(callData) =
                           current && current == view->context() &&
                           current->surface() == view->context()->surface();
                   }));
    w->AddObserver(vtkCommand::WindowFrameEvent,
                   makeCallback([](vtkObject*, unsigned long, void* self, void*) {
                       auto* view = static_cast<VtkView*>(self);
                       if (!view->d->inPaint) view->update();
                   }));
    d->interactor->AddObserver(vtkCommand::RenderEvent,
                               makeCallback([](vtkObject*, unsigned long, void* self, void*) {
                                   static_cast<VtkView*>(self)->update();
                               }));
}

VtkView::~VtkView() {
    makeCurrent();
    cleanup();
    doneCurrent();
}

vtkRenderer* VtkView::renderer() const { return d->renderer.Get(); }
vtkGenericOpenGLRenderWindow* VtkView::renderWindow() const { return d->window.Get(); }
void VtkView::requestRender() { update(); }
unsigned VtkView::firstGlError() const { return d->firstGlError; }
void VtkView::recordGlError(unsigned error) {
    if (error != 0 && d->firstGlError == 0) {
        d->firstGlError = error;
        qWarning("TLScope 3D view: OpenGL error 0x%x", error);
    }
}

void VtkView::cleanup() {
    if (!d->initialized) return;
    // Release VTK's GL resources while Qt's context is current (it is, in aboutToBeDestroyed
    // and in the destructor after makeCurrent).
    d->window->Finalize();
    d->window->SetReadyForRendering(false);
    d->initialized = false;
}

void VtkView::initializeGL() {
    connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
        makeCurrent();
        cleanup();
        doneCurrent();
    }, Qt::DirectConnection);
    auto* w = d->window.Get();
    w->SetOwnContext(0);
    w->SetReadyForRendering(true);
    w->SetMapped(1);
    w->OpenGLInitContext();
    w->GetState()->Reset();
    d->initialized = true;
}

void VtkView::resizeGL(int w, int h) {
    const double dpr = devicePixelRatioF();
    const int pw = static_cast<int>(w * dpr), ph = static_cast<int>(h * dpr);
    // Resizing re-creates VTK's framebuffer attachments: its state cache must match GL first.
    if (d->initialized) d->window->GetState()->Reset();
    d->window->SetSize(pw, ph);
    d->interactor->UpdateSize(pw, ph);
}

void VtkView::paintGL() {
    if (!d->initialized) return;
    d->inPaint = true;
    auto* w = d->window.Get();
    // Qt changed GL state (bound its FBO, depth function...) behind VTK's state cache.
    vtkOpenGLState* state = w->GetState();
    state->Reset();
    state->Push();
    state->vtkglDepthFunc(GL_LEQUAL);
    QOpenGLExtraFunctions* f = context()->extraFunctions();
    w->Render();
    recordGlError(f->glGetError());
    // Qt may give us a different FBO after a resize: never cache it.
    f->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    w->GetState()->vtkglDisable(GL_SCISSOR_TEST);
    f->glDisable(GL_SCISSOR_TEST);
    const int* size = w->GetRenderFramebuffer()->GetLastSize();
    const double dpr = devicePixelRatioF();
    const int tw = static_cast<int>(width() * dpr), th = static_cast<int>(height() * dpr);
    // Bind VTK's display framebuffer with raw GL: VTK's state cache may believe it is bound
    // already (Qt rebinds framebuffers behind its back) and skip the bind.
    f->glBindFramebuffer(GL_READ_FRAMEBUFFER, w->GetDisplayFramebuffer()->GetFBOIndex());
    f->glViewport(0, 0, tw, th);
    f->glBlitFramebuffer(0, 0, size[0], size[1], 0, 0, tw, th, GL_COLOR_BUFFER_BIT, GL_LINEAR);
    f->glBindFramebuffer(GL_READ_FRAMEBUFFER, defaultFramebufferObject());
    // Force alpha to 1 so the compositor does not blend the view with what is behind it.
    f->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    f->glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
    f->glClear(GL_COLOR_BUFFER_BIT);
    f->glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    recordGlError(f->glGetError());
    state->Pop();
    d->inPaint = false;
}

void VtkView::forwardMouse(QMouseEvent* e, unsigned long vtkEvent) {
    const double dpr = devicePixelRatioF();
    const QPointF p = e->position();
    auto* i = d->interactor.Get();
    i->SetEventInformationFlipY(static_cast<int>(p.x() * dpr), static_cast<int>(p.y() * dpr),
                                (e->modifiers() & Qt::ControlModifier) ? 1 : 0,
                                (e->modifiers() & Qt::ShiftModifier) ? 1 : 0);
    i->InvokeEvent(vtkEvent, e);
}

void VtkView::mousePressEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton) pressPosition_ = e->position();
    if (e->button() == Qt::LeftButton) forwardMouse(e, vtkCommand::LeftButtonPressEvent);
    else if (e->button() == Qt::RightButton) forwardMouse(e, vtkCommand::RightButtonPressEvent);
    else if (e->button() == Qt::MiddleButton) forwardMouse(e, vtkCommand::MiddleButtonPressEvent);
}

void VtkView::mouseMoveEvent(QMouseEvent* e) { forwardMouse(e, vtkCommand::MouseMoveEvent); }

void VtkView::mouseReleaseEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton && (e->position() - pressPosition_).manhattanLength() < 4) {
        const double dpr = devicePixelRatioF();
        emit clicked(e->position().x() * dpr, (height() - e->position().y()) * dpr - 1);
    }
    if (e->button() == Qt::LeftButton) forwardMouse(e, vtkCommand::LeftButtonReleaseEvent);
    else if (e->button() == Qt::RightButton) forwardMouse(e, vtkCommand::RightButtonReleaseEvent);
    else if (e->button() == Qt::MiddleButton) forwardMouse(e, vtkCommand::MiddleButtonReleaseEvent);
}

void VtkView::wheelEvent(QWheelEvent* e) {
    const double dpr = devicePixelRatioF();
    const QPointF p = e->position();
    auto* i = d->interactor.Get();
    i->SetEventInformationFlipY(static_cast<int>(p.x() * dpr), static_cast<int>(p.y() * dpr));
    if (e->angleDelta().y() > 0) i->InvokeEvent(vtkCommand::MouseWheelForwardEvent, e);
    else if (e->angleDelta().y() < 0) i->InvokeEvent(vtkCommand::MouseWheelBackwardEvent, e);
}


} // namespace tlscope::ui

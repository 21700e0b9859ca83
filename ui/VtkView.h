#pragma once
// A Qt 6 QOpenGLWidget hosting a VTK render window (DESIGN.md "Rendering").
#include <QOpenGLWidget>

#include <memory>

class vtkRenderer;
class vtkGenericOpenGLRenderWindow;

namespace tlscope::ui {

/// VTK renders into its own framebuffers; paintGL blits VTK's display framebuffer into Qt's
/// default framebuffer. Mouse and key events are forwarded to a VTK interactor. This replaces
/// Debian's QVTKOpenGLNativeWidget, which is built for Qt 5.
class VtkView : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkView(QWidget* parent = nullptr);
    ~VtkView() override;

    vtkRenderer* renderer() const;
    vtkGenericOpenGLRenderWindow* renderWindow() const;
    /// Schedules a VTK render in the next paintGL.
    void requestRender();
    /// The first OpenGL error seen while painting (0 = none): a health check for tests.
    unsigned firstGlError() const;

signals:
    /// A left click without dragging, in VTK display coordinates (pixels, origin bottom left).
    void clicked(double x, double y);

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
    struct Impl;
    std::unique_ptr<Impl> d;
    QPointF pressPosition_;
};

/// Sets the default surface format VTK needs; call before constructing QApplication.
void setDefaultSurfaceFormat();

} // namespace tlscope::ui

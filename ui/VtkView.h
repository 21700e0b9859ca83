#pragma once
// The 3D view: a VTK render window hosted in a native Qt 6 OpenGL window (DESIGN.md "Rendering").
#include <QImage>
#include <QWidget>

#include <memory>

class QWindow;
class vtkRenderer;
class vtkGenericOpenGLRenderWindow;

namespace tlscope::ui {

class VtkGlWindow;

/// VTK renders into its own framebuffers; each paint blits VTK's display framebuffer into the
/// window. Mouse events are forwarded to a VTK interactor. This replaces Debian's
/// QVTKOpenGLNativeWidget, which is built for Qt 5.
///
/// Why a native child window (QOpenGLWindow in a window container) and not a QOpenGLWidget: a
/// QOpenGLWidget makes Qt compose the whole top-level window with OpenGL on every update of any
/// widget. On software rendering (llvmpipe) that costs 10-20 ms per progress-bar tick and per 3D
/// frame, and it was the main source of event-loop stalls during a search. A native window swaps
/// only its own pixels, and the other widgets are flushed as plain raster images.
class VtkView : public QWidget {
    Q_OBJECT
public:
    explicit VtkView(QWidget* parent = nullptr);
    ~VtkView() override;

    vtkRenderer* renderer() const;
    vtkGenericOpenGLRenderWindow* renderWindow() const;
    /// The native window that receives mouse events and shows the picture.
    QWindow* glWindow() const;
    /// Schedules a VTK render (coalesced: many requests before the next frame cost one render).
    void requestRender();
    /// Renders the scene now at `scale` times the view's pixel size (text scaled alike) and returns
    /// the image; null before the view has been shown.
    QImage grabFramebuffer(int scale = 1);
    /// The first OpenGL error seen while painting (0 = none): a health check for tests.
    unsigned firstGlError() const;
    /// While the user drags, frames render at half the pixel size (a quarter of the pixels) if
    /// the last full-size frame took longer than this (default 33 ms, i.e. below 30 fps).
    void setFrameBudgetMs(double ms);

signals:
    /// A left click without dragging, in VTK display coordinates (pixels, origin bottom left).
    void clicked(double x, double y);
    /// A frame reached the screen.
    void frameSwapped();

private:
    VtkGlWindow* window_ = nullptr;
};

/// Sets the default surface format VTK needs; call before constructing QApplication.
void setDefaultSurfaceFormat();

} // namespace tlscope::ui

// GUI performance, measured (docs/performance.md), not a test:
//  1. the longest event-loop stall of the main window during the demo search;
//  2. the frame time of the 3D view at 20 000 particles (impostor spheres) while rotating.
// Run under an X server: xvfb-run -a -s '-screen 0 1600x1000x24' ./build/tests/bench/bench_gui
#include "core/dynamics/Preparation.h"
#include "core/model/Model.h"
#include "ui/MainWindow.h"
#include "ui/ParticleScene.h"
#include "ui/VtkView.h"

#include <vtkCamera.h>
#include <vtkRenderer.h>
#include <vtkActor.h>
#include <vtkPointGaussianMapper.h>
#include <vtkProperty.h>
#include <vtkPropCollection.h>
#include <vtkProp.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QMouseEvent>
#include <QTimer>
#include <QWindow>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

using namespace tlscope;

namespace {
double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

// Times every top-level event delivery so the slowest ones can be named (receiver class, event
// type): that is where a stall comes from.
class TimingApplication : public QApplication {
public:
    using QApplication::QApplication;
    struct Slow {
        qint64 at; ///< ms since the clock started
        qint64 ms;
        double cpuMs; ///< CPU time of the GUI thread in that event (the rest: waiting, preempted)
        QString what;
    };
    std::vector<Slow> slow;
    bool recording = true;
    QElapsedTimer clock;
    bool notify(QObject* receiver, QEvent* event) override {
        if (depth_++ > 0) {
            const bool r = QApplication::notify(receiver, event);
            --depth_;
            return r;
        }
        QElapsedTimer t;
        t.start();
        const double cpu0 = threadCpuMs();
        const int type = event->type();
        const QString cls = QString::fromLatin1(receiver->metaObject()->className());
        const QString name = receiver->objectName();
        const bool r = QApplication::notify(receiver, event);
        --depth_;
        const qint64 ms = t.elapsed();
        if (ms >= 20 && recording) slow.push_back({clock.isValid() ? clock.elapsed() : 0, ms, threadCpuMs() - cpu0, QStringLiteral("%1 '%2' event %3").arg(cls, name).arg(type)});
        return r;
    }

private:
    int depth_ = 0;
};
} // namespace

int main(int argc, char** argv) {
    ui::setDefaultSurfaceFormat();
    TimingApplication app(argc, argv);
    const double demoSeconds = argc > 1 ? std::atof(argv[1]) : 20.0;

    // 1. Event-loop stalls during the demo search: a 2 ms timer records the longest gap.
    {
        ui::MainWindow w;
        w.show();
        QApplication::processEvents();
        app.slow.clear(); // only what happens while the search runs
        const double cpuStart = threadCpuMs();
        w.startDemoSearch();
        QElapsedTimer& clock = app.clock;
        clock.start();
        std::vector<qint64> arrivals;
        QObject::connect(w.table(), &QAbstractItemModel::rowsInserted, [&] { arrivals.push_back(clock.elapsed()); });
        qint64 last = clock.elapsed(), worst = 0;
        std::vector<qint64> gaps;
        QTimer tick;
        tick.setInterval(2);
        QObject::connect(&tick, &QTimer::timeout, [&] {
            const qint64 now = clock.elapsed();
            gaps.push_back(now - last);
            worst = std::max(worst, now - last);
            last = now;
            if (now > demoSeconds * 1000) {
                app.recording = false; // quitting closes the window, which stops the search
                QApplication::quit();
            }
        });
        tick.start();
        app.exec();
        std::sort(gaps.begin(), gaps.end());
        std::printf("demo search for %.0f s: %d DWPs arrived; event-loop gap max %lld ms, p99 %lld ms, median %lld ms\n",
                    demoSeconds, w.table()->rowCount(), worst, gaps[gaps.size() * 99 / 100], gaps[gaps.size() / 2]);
        std::printf("GUI thread CPU %.0f %% of the wall time\n", (threadCpuMs() - cpuStart) / (demoSeconds * 10.0));
        if (std::getenv("BENCH_GUI_TIMELINE")) {
            for (const auto& e : app.slow) std::printf("  t=%6lld ms: %lld ms (%.0f CPU) %s\n", e.at, e.ms, e.cpuMs, qPrintable(e.what));
            for (qint64 t : arrivals) std::printf("  t=%6lld ms: DWP arrived\n", t);
        }
        std::sort(app.slow.begin(), app.slow.end(), [](const auto& a, const auto& b) { return a.ms > b.ms; });
        QStringList seen; // the slowest event of each kind
        for (const auto& e : app.slow)
            if (!seen.contains(e.what) && seen.size() < 8) {
                seen << e.what;
                const auto n = std::count_if(app.slow.begin(), app.slow.end(), [&](const auto& o) { return o.what == e.what; });
                std::printf("  events >= 20 ms: %s, %lld times, slowest %lld ms (%.0f ms CPU)\n", qPrintable(e.what),
                            static_cast<long long>(n), e.ms, e.cpuMs);
            }
        w.close();
    }

    // 2. Frame time at 20 000 particles.
    if (!std::getenv("BENCH_GUI_DEMO_ONLY")) {
        ui::MainWindow w;
        w.resize(1500, 950);
        w.show();
        for (int k = 0; k < 50; ++k) QApplication::processEvents();
        const Model model = Model::preset("ka-rh");
        RandomStream rng(1, 0);
        const Configuration conf = randomLatticeStart(model, 20000, rng);
        Eigen::VectorXd disp = Eigen::VectorXd::Random(conf.positions.size()) * 0.1;
        w.scene()->setConfiguration(conf, model, disp, argc > 2 ? -1 : 17);
        ui::VtkView* view = w.view();
        for (int k = 0; k < 5; ++k) { // warm-up: shader compilation, buffer upload
            view->requestRender();
            view->grabFramebuffer();
        }
        // A frame as the user sees it: request a render, let Qt paint the view and compose the
        // window, until the frame is swapped to the screen.
        int swapped = 0;
        QObject::connect(view, &ui::VtkView::frameSwapped, [&] { ++swapped; });
        auto frameLoop = [&](int frames) {
            QElapsedTimer t;
            t.start();
            for (int k = 0; k < frames; ++k) {
                view->renderer()->GetActiveCamera()->Azimuth(3.0);
                const int before = swapped;
                view->requestRender();
                while (swapped == before) QApplication::processEvents(QEventLoop::WaitForMoreEvents);
            }
            return static_cast<double>(t.nsecsElapsed()) / 1e6 / frames;
        };
        auto grabLoop = [&](int frames) {
            QElapsedTimer t;
            t.start();
            for (int k = 0; k < frames; ++k) {
                view->renderer()->GetActiveCamera()->Azimuth(3.0);
                if (view->grabFramebuffer().isNull()) std::abort();
            }
            return static_cast<double>(t.nsecsElapsed()) / 1e6 / frames;
        };
        // Dragging with the mouse, as a user rotates the view (the trackball style turns the
        // camera on every move; the view may render at reduced resolution while dragging).
        auto dragLoop = [&](int frames) {
            QWindow* win = view->glWindow();
            const QPointF centre(win->width() / 2.0, win->height() / 2.0);
            auto send = [&](QEvent::Type type, QPointF at, Qt::MouseButton button, Qt::MouseButtons buttons) {
                QMouseEvent e(type, at, win->mapToGlobal(at), button, buttons, Qt::NoModifier);
                QCoreApplication::sendEvent(win, &e);
            };
            send(QEvent::MouseButtonPress, centre, Qt::LeftButton, Qt::LeftButton);
            QElapsedTimer t;
            t.start();
            for (int k = 0; k < frames; ++k) {
                const int before = swapped;
                send(QEvent::MouseMove, centre + QPointF(4.0 * (k + 1), 0.0), Qt::NoButton, Qt::LeftButton);
                while (swapped == before) QApplication::processEvents(QEventLoop::WaitForMoreEvents);
            }
            const double ms = static_cast<double>(t.nsecsElapsed()) / 1e6 / frames;
            send(QEvent::MouseButtonRelease, centre + QPointF(4.0 * frames, 0.0), Qt::LeftButton, Qt::NoButton);
            return ms;
        };
        frameLoop(5);
        const double ms = frameLoop(60);
        const double dragMs = dragLoop(60);
        const double grabMs = grabLoop(30);
        view->renderer()->GradientBackgroundOff();
        const double flatMs = frameLoop(30);
        view->renderer()->GradientBackgroundOn();
        if (const char* shot = std::getenv("BENCH_GUI_SCREENSHOT")) view->grabFramebuffer().save(shot);
        // Baseline: the same loop with 65 particles (what the frame costs without the particles).
        RandomStream rng2(2, 0);
        w.scene()->setConfiguration(randomLatticeStart(model, 65, rng2), model, {}, -1);
        frameLoop(5);
        const double baseMs = frameLoop(30);
        const double baseGrabMs = grabLoop(30);
        std::printf("20000 particles, %dx%d view in a %dx%d window:\n"
                    "  dragging with the mouse: %.1f ms per frame on screen (%.0f fps)\n"
                    "  full resolution: %.1f ms per frame on screen (%.0f fps); offscreen render + read-back %.1f ms; "
                    "flat background %.1f ms; GL errors: %u\n",
                    view->width(), view->height(), w.width(), w.height(), dragMs, 1000.0 / dragMs, ms, 1000.0 / ms, grabMs,
                    flatMs, view->firstGlError());
        std::printf("65 particles (fixed cost per frame): %.1f ms on screen, %.1f ms offscreen + read-back\n", baseMs, baseGrabMs);
        w.close();
    }
    return 0;
}

#pragma once
// The "Explore" panel: the metabasin exploration of the glass in the view (a prepared glass, an
// opened configuration or the demo) - temperature, quench interval, length, seed, session file -
// Start / Stop / Resume, progress of the walk and of the pair analyses, and the live trace of
// the MD energy and of the quenched IS energies against time.
#include "core/explore/Exploration.h"
#include "ui/ExploreWorker.h"

#include <QWidget>

#include <chrono>

class QChartView;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QLineSeries;
class QProgressBar;
class QPushButton;
class QScatterSeries;
class QSpinBox;
class QValueAxis;

namespace tlscope::ui {

class ExplorePanel : public QWidget {
    Q_OBJECT
public:
    explicit ExplorePanel(QWidget* parent = nullptr);
    /// The settings as typed, for this model; throws InputError when invalid.
    ExploreParameters parameters(const Model& model) const;
    QString sessionPath() const;
    void setSessionPath(const QString& path);
    /// Sets temperature, quench interval, MD time and seed (tests, demo).
    void setWalk(double temperature, long quenchEvery, double time, std::uint64_t seed);
    /// Model-dependent defaults (soft spheres explore at 0.04, KA glasses at 0.25).
    void setModelDefaults(const Model& model);
    /// What will be explored ("the glass in the view: ...").
    void setGlassText(const QString& text);
    void setState(bool running);
    void reset();
    void addPoints(const std::vector<QuenchPoint>& points, int particles);
    /// The IS energies of an opened exploration (no MD energies).
    void showWalk(const MetabasinWalk& w, double timeStep, int particles);
    void setWalkProgress(int quench, int quenches, int distinct, int transitions);
    void setPairsProgress(int done, int total, int dwps, int tls);
    void setStatus(const QString& text);
    QString statusText() const;
    int tracePoints() const; ///< IS points in the trace (tests)

signals:
    void startRequested();
    void stopRequested();
    void resumeRequested();

private:
    QDoubleSpinBox *temperature_, *time_, *dt_, *pairAsymmetry_;
    QSpinBox *quenchEvery_, *threads_;
    QLineEdit *seed_, *session_;
    QLabel *glass_, *status_;
    QPushButton *start_, *stop_, *resume_;
    QProgressBar* progress_;
    QChartView* chart_;
    QLineSeries* md_;
    QScatterSeries *is_, *newIs_;
    QValueAxis *x_, *y_, *yMd_;
    double yMin_ = 0.0, yMax_ = 0.0, tMax_ = 0.0, mdMin_ = 0.0, mdMax_ = 0.0;
    std::chrono::steady_clock::time_point started_;
    int startQuench_ = -1;
};

} // namespace tlscope::ui

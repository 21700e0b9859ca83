#pragma once
// The "Prepare glass" panel: swap Monte Carlo settings (model, N, T_f, sweeps, p_swap, seed),
// Start / Pause / Stop, progress with ETA, live traces of the energy per particle and of the
// acceptances, and the prepared glass's numbers (E_IS/N, relaxation) with Save and Search.
#include "core/dynamics/SwapMonteCarlo.h"
#include "ui/PrepareWorker.h"

#include <QWidget>

#include <chrono>

class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QLineSeries;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QValueAxis;

namespace tlscope::ui {

class PreparePanel : public QWidget {
    Q_OBJECT
public:
    explicit PreparePanel(QWidget* parent = nullptr);
    /// The settings as typed; throw InputError when invalid.
    Model model() const;
    int particles() const;
    SwapPreparationParameters parameters() const;
    std::uint64_t seed() const;
    /// Model preset name: also sets the model's default T_f and start temperature.
    void setModel(const QString& preset);
    void setFinalTemperature(double t);
    void setSweeps(long cooling, long production);
    void setParticles(int n);
    void setState(bool running, bool paused);
    /// Clears the traces and the result (a new run).
    void reset();
    void setProgress(const SwapPreparationProgress& p);
    void setResult(const PreparedGlass& g);
    QString statusText() const;
    QString resultText() const;
    /// Points in the energy trace (tests).
    int energyPoints() const;

signals:
    void startRequested();
    void pauseRequested();
    void resumeRequested();
    void stopRequested();
    void saveRequested();
    void searchRequested();

private:
    QComboBox* model_;
    QSpinBox *n_, *coolSweeps_, *sweeps_;
    QDoubleSpinBox *tStart_, *tF_, *pSwap_;
    QLineEdit* seed_;
    QPushButton *start_, *pause_, *stop_, *save_, *search_;
    QProgressBar* progress_;
    QLabel *status_, *result_;
    QLineSeries *energy_, *translations_, *swaps_;
    QValueAxis *energyX_, *energyY_, *accX_;
    bool running_ = false, paused_ = false;
    std::chrono::steady_clock::time_point started_;
    double eMin_ = 0.0, eMax_ = 0.0;
};

} // namespace tlscope::ui

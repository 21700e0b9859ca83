#pragma once
// Side panels of the main window: the run panel (search parameters, controls, progress, log),
// the detail panel of one DWP (energy profile, numbers, transition animation) and the teaching
// panel.
#include "ui/DwpTable.h"

#include <QWidget>

class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;
class QScatterSeries;

namespace tlscope::ui {

class RunPanel : public QWidget {
    Q_OBJECT
public:
    explicit RunPanel(QWidget* parent = nullptr);
    /// The parameters as typed; throws InputError if they are invalid.
    SearchParameters parameters() const;
    void setParameters(const SearchParameters& p);
    QString sessionPath() const;
    void setSessionPath(const QString& path);
    /// Running / paused / idle: enables the right buttons.
    void setState(bool running, bool paused);
    void setProgress(const SearchProgress& p);
    /// Clears the progress of an earlier run (a new document: nothing has run yet).
    void resetProgress();
    QString progressText() const;
    void appendLog(const QString& line);
    QString logText() const;
    QString validationMessage() const; ///< empty when the parameters are valid

signals:
    void startRequested();
    void pauseRequested();
    void resumeRequested();
    void stopRequested();

private:
    void validate();
    QComboBox *model_, *saddle_, *protocol_, *minimizer_, *mdForces_;
    QSpinBox *n_, *copies_, *starts_, *attempts_, *nSearch_, *threads_;
    QLineEdit *seed_, *session_;
    QDoubleSpinBox *tEquil_, *equilTime_, *sampleInterval_, *tSearch_, *dMin_, *dMax_, *asymMax_, *ircStep_, *minBarrier_;
    QPushButton *start_, *pause_, *stop_;
    QProgressBar* progress_;
    QLabel *rate_, *error_;
    QPlainTextEdit* log_;
    bool running_ = false, paused_ = false;
    SearchProgress last_;
};

class DetailPanel : public QWidget {
    Q_OBJECT
public:
    explicit DetailPanel(QWidget* parent = nullptr);
    /// `boxLength` gives the minimum-image displacements of the most displaced particles.
    /// `attempts`: the run's M (how many kicks each start had), for "found k of M times".
    /// Text of the profile chart and the numbers, scaled (presentation mode: 1.6).
    void setTextScale(double scale);
    /// `number`: the DWP's row in the catalog, the table's "#" (-1: not shown).
    void setDwp(DwpPtr dwp, const QStringList& speciesNames, double boxLength = 0.0, int attempts = 0, int number = -1);
    DwpPtr dwp() const { return dwp_; }
    /// Position of the animation along the path, 0 (minimum 1) ... 1 (minimum 2).
    double position() const { return position_; }
    void setPosition(double t);
    bool playing() const;
    void play(bool on);

signals:
    void positionChanged(double t);

private:
    void applyTextScale();
    double textScale_ = 1.0;
    int number_ = -1;
    void step();
    DwpPtr dwp_;
    QChartView* chart_;
    QScatterSeries* marker_ = nullptr;
    QLabel* numbers_;
    QPushButton* playButton_;
    QComboBox* mode_;
    QSlider *speed_, *scrub_;
    QTimer* timer_;
    double position_ = 0.0;
    int direction_ = 1;
};

/// A schematic double well drawn with the selected DWP's own numbers: the two minima, the
/// saddle, asymmetry and barrier arrows, and the two lowest quantum levels.
class DoubleWellDiagram : public QWidget {
    Q_OBJECT
public:
    explicit DoubleWellDiagram(QWidget* parent = nullptr);
    void setDwp(DwpPtr dwp) {
        dwp_ = std::move(dwp);
        update();
    }
    QSize sizeHint() const override { return {300, 190}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    DwpPtr dwp_;
};

class TeachingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TeachingPanel(QWidget* parent = nullptr);
    /// Ties the text and the diagram to what is on screen (nullptr: nothing selected).
    void setDwp(DwpPtr dwp);
    QString onScreenText() const;

private:
    DoubleWellDiagram* diagram_ = nullptr;
    QLabel* onScreen_ = nullptr;
};

} // namespace tlscope::ui

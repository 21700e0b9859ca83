#pragma once
// Live plots of the DWP catalog (Qt Charts): histograms of asymmetry, distance and barrier with
// bin and axis controls, barrier against distance coloured by asymmetry, the paper's Fig. 2
// (find counts) and Fig. 6 (sorted displacement profiles). Clicking a histogram bar filters the
// table; the selected DWP is marked everywhere. Any plot exports to PNG and SVG.
#include "ui/DwpTable.h"

#include <QWidget>

#include <vector>

class QChartView;
class QTabWidget;
class QSpinBox;
class QCheckBox;
class QComboBox;
class QTimer;

namespace tlscope::ui {

class PlotPanel : public QWidget {
    Q_OBJECT
public:
    explicit PlotPanel(QWidget* parent = nullptr);

    void setCatalog(const std::vector<DwpPtr>* dwps); ///< not owned; call refresh() after changes
    void setSelected(DwpPtr dwp);
    /// Redraws soon (coalesced: many DWPs arriving at once cost one redraw).
    void refreshLater();
    void refreshNow();
    /// Writes the current tab's chart as PNG or SVG (by extension); false with a message.
    bool exportCurrent(const QString& path, QString* error = nullptr);
    bool exportChart(int tab, const QString& path, QString* error = nullptr);
    int tabCount() const;
    QTabWidget* tabs() const { return tabs_; }

signals:
    void binSelected(tlscope::ui::Quantity quantity, double low, double high);

private:
    void rebuildHistograms();
    void rebuildScatter();
    void rebuildFig2();
    void rebuildFig6();
    void exportDialog();

    const std::vector<DwpPtr>* dwps_ = nullptr;
    DwpPtr selected_;
    QTabWidget* tabs_ = nullptr;
    QChartView* hist_[3] = {};
    QChartView* scatter_ = nullptr;
    QChartView* fig2_ = nullptr;
    QChartView* fig6_ = nullptr;
    QSpinBox* bins_ = nullptr;
    QCheckBox* logY_ = nullptr;
    QComboBox* distance_ = nullptr;
    QTimer* timer_ = nullptr;
};

} // namespace tlscope::ui

#pragma once
// Live plots of the DWP catalog (Qt Charts): histograms of asymmetry, distance and barrier with
// bin and axis controls, barrier against distance coloured by asymmetry, the paper's Fig. 2
// (find counts) and Fig. 6 (sorted displacement profiles). Clicking a histogram bar filters the
// table; the selected DWP is marked everywhere. Any plot exports to PNG and SVG.
#include "ui/DwpTable.h"

#include <QElapsedTimer>
#include <QWidget>

#include <vector>

class QAbstractAxis;
class QAreaSeries;
class QBarCategoryAxis;
class QBarSet;
class QChartView;
class QLineSeries;
class QLogValueAxis;
class QScatterSeries;
class QTabWidget;
class QValueAxis;
class QSpinBox;
class QCheckBox;
class QComboBox;
class QTimer;

namespace tlscope::ui {

class PlotPanel : public QWidget {
    Q_OBJECT
public:
    explicit PlotPanel(QWidget* parent = nullptr);

    ~PlotPanel() override;

    void setCatalog(const std::vector<DwpPtr>* dwps); ///< not owned; call refresh() after changes
    void setSelected(DwpPtr dwp);
    /// Inherent-structure energies per particle of the starting structures (the "IS energies"
    /// tab: is the starting ensemble equilibrated?).
    void setStartEnergies(std::vector<double> perParticle);
    void addStartEnergy(double perParticle);
    const std::vector<double>& startEnergies() const { return startEnergies_; }
    /// Redraws on the next turn of the event loop, or 250 ms after the previous redraw when
    /// DWPs arrive faster (coalesced: a burst costs one redraw, a single DWP shows at once).
    void refreshLater();
    /// Draws a pending refresh now (before a screenshot or an export).
    void flushPending();
    /// Updates the visible tab now; hidden tabs are updated when they are shown or exported.
    void refreshNow();
    /// The histogram chart view of a quantity slot (0 asymmetry, 1 distance, 2 barrier).
    QChartView* histogramView(int k) const { return hist_[k].view; }
    /// Counts and bin width the histogram k shows now.
    const std::vector<int>& histogramCounts(int k) const { return hist_[k].counts; }
    double histogramBinWidth(int k) const { return hist_[k].width; }
    /// Writes the current tab's chart as PNG or SVG (by extension); false with a message.
    /// Writes a plot as PNG, SVG or PDF (by the file name) at a chosen size, independent of the
    /// widget on screen: `size` in logical pixels (96 per inch; empty: 900 x 500), `dpi` the
    /// resolution of PNG and PDF (a 900 x 500 plot at 300 dpi is a 2813 x 1563 PNG).
    bool exportCurrent(const QString& path, QString* error = nullptr, QSize size = {}, int dpi = 96);
    bool exportChart(int tab, const QString& path, QString* error = nullptr, QSize size = {}, int dpi = 96);
    int tabCount() const;
    QTabWidget* tabs() const { return tabs_; }

signals:
    void binSelected(tlscope::ui::Quantity quantity, double low, double high);

private:
    // Series and axes are created once and updated in place (replace() and setRange()): removing
    // and re-adding them makes Qt Charts lay the whole chart out again, which took ~80 ms per
    // refresh and stalled the event loop while DWPs arrived.
    struct Histogram {
        QChartView* view = nullptr;
        QLineSeries *upper = nullptr, *lower = nullptr, *markUpper = nullptr, *markLower = nullptr;
        QAreaSeries *area = nullptr, *mark = nullptr;
        QValueAxis* x = nullptr;
        QValueAxis* yLinear = nullptr;
        QLogValueAxis* yLog = nullptr;
        bool logShown = false;
        std::vector<int> counts;
        double width = 1.0;
        Quantity quantity = Quantity::Asymmetry;
    };
    void buildCharts();
    void refreshTab(int tab);
    void updateHistograms();
    void updateScatter();
    void updateFig2();
    void updateFig6();
    void updateStartEnergies();
    void exportDialog();

    const std::vector<DwpPtr>* dwps_ = nullptr;
    DwpPtr selected_;
    QTabWidget* tabs_ = nullptr;
    Histogram hist_[3];
    QChartView* scatter_ = nullptr;
    QScatterSeries* scatterClasses_[5] = {};
    QScatterSeries* scatterSelected_ = nullptr;
    QValueAxis *scatterX_ = nullptr, *scatterY_ = nullptr;
    QChartView* fig2_ = nullptr;
    QBarSet* fig2Set_ = nullptr;
    QValueAxis* fig2X_ = nullptr;
    QValueAxis* fig2Y_ = nullptr;
    QChartView* fig6_ = nullptr;
    QLineSeries* fig6Lines_[3] = {};
    QChartView* isEnergy_ = nullptr;
    QBarSet* isEnergySet_ = nullptr;
    QBarCategoryAxis* isEnergyX_ = nullptr;
    QValueAxis* isEnergyY_ = nullptr;
    std::vector<double> startEnergies_;
    std::vector<bool> dirty_; ///< per tab: data changed since it was last drawn
    QSpinBox* bins_ = nullptr;
    QCheckBox* logY_ = nullptr;
    QComboBox* distance_ = nullptr;
    QTimer* timer_ = nullptr;
    QElapsedTimer sinceRefresh_;
};

} // namespace tlscope::ui

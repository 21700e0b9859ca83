#pragma once
// Compare explorations (File > Compare explorations): the sessions grouped by their glasses'
// T_f as `tlscope-cli analyze --compare` does, DWP and TLS densities per particle against T_f
// with standard errors, the numbers as a table; the plot exports to PNG or SVG, the table to CSV.
#include "core/analysis/Stability.h"

#include <QDialog>

class QChartView;
class QLabel;
class QScatterSeries;

namespace tlscope::ui {

class CompareDialog : public QDialog {
    Q_OBJECT
public:
    explicit CompareDialog(QWidget* parent = nullptr);
    /// Reads the sessions; returns the first error ("file: reason") or an empty string.
    QString load(const QStringList& paths);
    void setSummaries(std::vector<ExplorationSummary> sessions);
    const std::vector<StabilityGroup>& groups() const { return groups_; }
    /// The plotted points (T_f, density) of the DWP and TLS series (tests).
    QList<QPointF> dwpPoints() const;
    QList<QPointF> tlsPoints() const;
    QList<QPointF> slopePoints() const; ///< TLS per particle from the low-E_qs density n0
    bool exportImage(const QString& path, QString* error = nullptr);
    bool exportCsv(const QString& path, QString* error = nullptr);
    QString tableText() const;

private:
    void rebuild();
    std::vector<ExplorationSummary> sessions_;
    std::vector<StabilityGroup> groups_;
    QChartView* view_ = nullptr;
    QLabel* table_ = nullptr;
    QLabel* note_ = nullptr;
    QScatterSeries *dwp_ = nullptr, *tls_ = nullptr, *slope_ = nullptr; ///< slope_: TLS from the low-E_qs density n0
};

} // namespace tlscope::ui

#include "ui/CompareDialog.h"
#include "ui/report/PaperReport.h"

#include "core/io/SafeWrite.h"

#include <QChart>
#include <QChartView>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QScatterSeries>
#include <QScreen>
#include <QScrollArea>
#include <QSvgGenerator>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tlscope::ui {

namespace {
/// The error bar of the TLS estimate from n0: the larger of its Poisson error and its spread over glasses.
double slopeError(const StabilityGroup& g) { return std::max(g.tlsFromSlopeError, g.tlsFromSlopeGlassError); }
} // namespace

CompareDialog::CompareDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Compare explorations: TLS density against glass stability"));
    auto* layout = new QVBoxLayout(this);
    view_ = new QChartView(new QChart);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumSize(480, 260);
    layout->addWidget(view_, 2);
    note_ = new QLabel;
    note_->setWordWrap(true);
    layout->addWidget(note_);
    table_ = new QLabel;
    table_->setObjectName("compareTable");
    table_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont mono("monospace");
    mono.setStyleHint(QFont::Monospace);
    table_->setFont(mono);
    // The table (groups, low-E_qs density, trend) grows with the comparison: it scrolls, so
    // the dialog fits small screens (the chart keeps the rest of the height).
    auto* scroll = new QScrollArea;
    scroll->setWidget(table_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumHeight(120);
    layout->addWidget(scroll, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    auto* image = buttons->addButton(tr("Save plot..."), QDialogButtonBox::ActionRole);
    auto* csv = buttons->addButton(tr("Save CSV..."), QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(image, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the plot"), "tls-vs-tf.png", tr("Images (*.png *.svg)"));
        QString message;
        if (!path.isEmpty() && !exportImage(path, &message)) QMessageBox::warning(this, windowTitle(), message);
    });
    connect(csv, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the table"), "tls-vs-tf.csv", tr("CSV (*.csv)"));
        QString message;
        if (!path.isEmpty() && !exportCsv(path, &message)) QMessageBox::warning(this, windowTitle(), message);
    });
    layout->addWidget(buttons);
    QSize size(1260, 860); // the whole table without scrolling, where the screen has room
    if (const QScreen* screen = QGuiApplication::primaryScreen()) size = size.boundedTo(screen->availableGeometry().size() * 0.92);
    resize(size);
}

QString CompareDialog::load(const QStringList& paths) {
    std::vector<ExplorationSummary> sessions;
    for (const QString& p : paths) {
        try {
            sessions.push_back(summarizeExploration(readSession(p.toStdString(), {false, false})));
        } catch (const std::exception& e) {
            return QString::fromUtf8(e.what());
        }
    }
    setSummaries(std::move(sessions));
    return {};
}

void CompareDialog::setSummaries(std::vector<ExplorationSummary> sessions) {
    sessions_ = std::move(sessions);
    groups_ = groupByFictiveTemperature(sessions_);
    rebuild();
}

void CompareDialog::rebuild() {
    QChart* chart = view_->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* a : chart->axes()) {
        chart->removeAxis(a);
        delete a;
    }
    chart->setTitle(tr("Densities against the glasses' fictive temperature (mean +- standard error over glasses)"));
    auto* x = new QValueAxis;
    x->setTitleText(tr("T_f (lower: more stable)"));
    auto* yDwp = new QValueAxis;
    yDwp->setTitleText(tr("DWPs per particle"));
    yDwp->setLabelFormat("%.3g");
    auto* yTls = new QValueAxis;
    yTls->setTitleText(tr("TLS per particle"));
    yTls->setLabelFormat("%.2g");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(yDwp, Qt::AlignLeft);
    chart->addAxis(yTls, Qt::AlignRight);
    dwp_ = new QScatterSeries;
    dwp_->setName(tr("DWPs"));
    dwp_->setColor(QColor(40, 110, 220));
    dwp_->setMarkerSize(10);
    tls_ = new QScatterSeries;
    tls_->setName(tr("TLS"));
    tls_->setColor(QColor(220, 40, 40));
    tls_->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    tls_->setMarkerSize(10);
    slope_ = new QScatterSeries;
    slope_->setName(tr("TLS from n0 (low-E_qs slope; bar: larger of Poisson and glass error)"));
    slope_->setColor(QColor(240, 150, 40));
    slope_->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
    slope_->setMarkerSize(11);
    double tMin = 1e300, tMax = -1e300, dMax = 0, sMax = 0;
    int skipped = 0;
    auto bar = [&](double t, double v, double err, QValueAxis* axis, QColor c) {
        if (err <= 0) return;
        auto* s = new QLineSeries;
        s->setColor(c);
        s->append(t, v - err);
        s->append(t, v + err);
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(axis);
        chart->legend()->markers(s).front()->setVisible(false);
    };
    for (const StabilityGroup& g : groups_) {
        bool ok = false;
        const double t = QString::fromStdString(g.fictiveTemperature).toDouble(&ok);
        if (!ok) {
            ++skipped;
            continue;
        }
        dwp_->append(t, g.dwpPerParticle);
        tls_->append(t, g.tlsPerParticle);
        slope_->append(t, g.tlsFromSlope);
        tMin = std::min(tMin, t), tMax = std::max(tMax, t);
        dMax = std::max(dMax, g.dwpPerParticle + g.dwpError);
        sMax = std::max({sMax, g.tlsPerParticle + g.tlsError, g.tlsFromSlope + slopeError(g)});
    }
    chart->addSeries(dwp_);
    dwp_->attachAxis(x);
    dwp_->attachAxis(yDwp);
    chart->addSeries(slope_); // under the directly counted TLS, which stay visible where both coincide
    slope_->attachAxis(x);
    slope_->attachAxis(yTls);
    chart->addSeries(tls_);
    tls_->attachAxis(x);
    tls_->attachAxis(yTls);
    for (const StabilityGroup& g : groups_) {
        bool ok = false;
        const double t = QString::fromStdString(g.fictiveTemperature).toDouble(&ok);
        if (!ok) continue;
        bar(t, g.dwpPerParticle, g.dwpError, yDwp, QColor(40, 110, 220));
        bar(t, g.tlsPerParticle, g.tlsError, yTls, QColor(220, 40, 40));
        bar(t, g.tlsFromSlope, slopeError(g), yTls, QColor(240, 150, 40));
    }
    if (tMax < tMin) tMin = 0, tMax = 1;
    const double pad = std::max(0.005, 0.1 * (tMax - tMin));
    x->setRange(tMin - pad, tMax + pad);
    yDwp->setRange(0, std::max(1e-6, 1.15 * dMax));
    yTls->setRange(0, std::max(1e-6, 1.15 * sMax));
    x->applyNiceNumbers(); // round tick values
    yDwp->applyNiceNumbers();
    yTls->applyNiceNumbers();
    QString note = tr("%1 explorations in %2 groups by T_f.").arg(sessions_.size()).arg(groups_.size());
    if (skipped) note += tr(" %1 group(s) without a numeric T_f are in the table only (give explore --t-f).").arg(skipped);
    long partial = 0;
    for (const ExplorationSummary& s : sessions_) partial += s.candidatePairs < 0 || s.analysedPairs < s.candidatePairs ? 1 : 0;
    if (partial) note += tr(" %1 of them are not finished: their numbers are partial.").arg(partial);
    // The headline of the comparison (the table below has all three trends).
    const std::vector<StabilityTrend> trends = stabilityTrends(groups_);
    if (trends.size() == 3 && trends[2].temperatures >= 2 && trends[2].slopeError > 0.0)
        note += tr(" Trend over %1 glasses: TLS from n0 %2 (slope %3 +- %4 per unit T_f); permutation test: p = %5 for a rise this large by chance.")
                    .arg(trends[2].glasses)
                    .arg(trends[2].slope > 0 ? tr("rises with T_f, i.e. falls with stability") : tr("falls with T_f"))
                    .arg(trends[2].slope, 0, 'g', 3)
                    .arg(trends[2].slopeError, 0, 'g', 2)
                    .arg(trends[2].pValue, 0, 'g', 2);
    note_->setText(note);
    table_->setText(tableText());
}

QString CompareDialog::tableText() const { return QString::fromStdString(formatComparison(groups_)); }
QList<QPointF> CompareDialog::dwpPoints() const { return dwp_ ? dwp_->points() : QList<QPointF>{}; }
QList<QPointF> CompareDialog::tlsPoints() const { return tls_ ? tls_->points() : QList<QPointF>{}; }
QList<QPointF> CompareDialog::slopePoints() const { return slope_ ? slope_->points() : QList<QPointF>{}; }

bool CompareDialog::exportImage(const QString& path, QString* error) {
    if (saveChart(view_->chart(), path, QSize(900, 560))) return true;
    if (error) *error = tr("cannot write %1 (a .png or .svg name in a writable folder?)").arg(path);
    return false;
}

bool CompareDialog::exportCsv(const QString& path, QString* error) {
    try {
        const std::string text = comparisonCsv(groups_);
        writeFileSafely(path.toStdString(), [&](std::ostream& out) { out << text; });
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
}

} // namespace tlscope::ui

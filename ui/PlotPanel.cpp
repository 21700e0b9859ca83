#include "ui/PlotPanel.h"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QScatterSeries>
#include <QSpinBox>
#include <QStackedBarSeries>
#include <QSvgGenerator>
#include <QTabWidget>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tlscope::ui {

namespace {

QChartView* makeView(const QString& title) {
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setVisible(false);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto* view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(220, 180);
    return view;
}

void clearChart(QChart* c) {
    c->removeAllSeries();
    for (QAbstractAxis* a : c->axes()) {
        c->removeAxis(a);
        delete a;
    }
}

QColor asymmetryColour(int cls) {
    static const QColor c[] = {QColor(40, 90, 200), QColor(40, 170, 200), QColor(90, 190, 90), QColor(240, 170, 40), QColor(220, 60, 50)};
    return c[std::clamp(cls, 0, 4)];
}

} // namespace

PlotPanel::PlotPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("bins")));
    bins_ = new QSpinBox;
    bins_->setRange(4, 100);
    bins_->setValue(20);
    bins_->setToolTip(tr("number of histogram bins"));
    controls->addWidget(bins_);
    logY_ = new QCheckBox(tr("log counts"));
    logY_->setToolTip(tr("logarithmic count axis"));
    controls->addWidget(logY_);
    controls->addWidget(new QLabel(tr("distance")));
    distance_ = new QComboBox;
    distance_->addItem("d", int(Quantity::D));
    distance_->addItem("d_mw", int(Quantity::DMw));
    distance_->addItem("d_mw_rp", int(Quantity::DMwRp));
    distance_->setToolTip(tr("which distance the histogram and the scatter plot use"));
    controls->addWidget(distance_);
    controls->addStretch();
    auto* exportButton = new QPushButton(tr("Export plot..."));
    exportButton->setToolTip(tr("save the visible plot as PNG or SVG"));
    controls->addWidget(exportButton);
    layout->addLayout(controls);

    tabs_ = new QTabWidget;
    auto* histPage = new QWidget;
    auto* histLayout = new QHBoxLayout(histPage);
    histLayout->setContentsMargins(0, 0, 0, 0);
    for (int k = 0; k < 3; ++k) {
        hist_[k] = makeView({});
        histLayout->addWidget(hist_[k]);
    }
    tabs_->addTab(histPage, tr("Histograms"));
    scatter_ = makeView(tr("barrier vs distance (colour: asymmetry)"));
    scatter_->chart()->legend()->setVisible(true);
    scatter_->chart()->legend()->setAlignment(Qt::AlignRight);
    tabs_->addTab(scatter_, tr("Barrier vs d"));
    fig2_ = makeView(tr("Fig. 2: how often each DWP's minimum was found"));
    tabs_->addTab(fig2_, tr("Find counts"));
    fig6_ = makeView(tr("Fig. 6: mean sorted displacement profile"));
    fig6_->chart()->legend()->setVisible(true);
    tabs_->addTab(fig6_, tr("Profiles"));
    layout->addWidget(tabs_, 1);

    timer_ = new QTimer(this);
    timer_->setSingleShot(true);
    timer_->setInterval(250);
    connect(timer_, &QTimer::timeout, this, &PlotPanel::refreshNow);
    connect(bins_, &QSpinBox::valueChanged, this, &PlotPanel::refreshLater);
    connect(logY_, &QCheckBox::toggled, this, &PlotPanel::refreshLater);
    connect(distance_, &QComboBox::currentIndexChanged, this, &PlotPanel::refreshLater);
    connect(exportButton, &QPushButton::clicked, this, &PlotPanel::exportDialog);
    refreshNow();
}

void PlotPanel::setCatalog(const std::vector<DwpPtr>* dwps) {
    dwps_ = dwps;
    refreshLater();
}

void PlotPanel::setSelected(DwpPtr dwp) {
    selected_ = std::move(dwp);
    refreshLater();
}

void PlotPanel::refreshLater() {
    if (!timer_->isActive()) timer_->start();
}

void PlotPanel::refreshNow() {
    rebuildHistograms();
    rebuildScatter();
    rebuildFig2();
    rebuildFig6();
}

int PlotPanel::tabCount() const { return tabs_->count(); }

void PlotPanel::rebuildHistograms() {
    const Quantity qs[3] = {Quantity::Asymmetry, static_cast<Quantity>(distance_->currentData().toInt()), Quantity::Barrier};
    const int bins = bins_->value();
    const bool log = logY_->isChecked();
    const double floor = log ? 0.5 : 0.0; // bars start here (a log axis has no zero)
    for (int k = 0; k < 3; ++k) {
        QChart* c = hist_[k]->chart();
        clearChart(c);
        const Quantity q = qs[k];
        std::vector<double> v;
        if (dwps_)
            for (const auto& r : *dwps_) v.push_back(quantityValue(*r, q));
        const double top = v.empty() ? 1.0 : std::max(1e-9, *std::max_element(v.begin(), v.end()));
        const double width = top / bins * 1.0000001;
        std::vector<int> counts(static_cast<std::size_t>(bins), 0);
        for (double x : v) ++counts[static_cast<std::size_t>(std::clamp(static_cast<int>(x / width), 0, bins - 1))];
        // Bars as a step outline filled down to the floor.
        auto* upper = new QLineSeries;
        auto* lower = new QLineSeries;
        int most = 1;
        for (int b = 0; b < bins; ++b) {
            const double h = std::max(floor, static_cast<double>(counts[static_cast<std::size_t>(b)]));
            upper->append(b * width, h);
            upper->append((b + 1) * width, h);
            lower->append(b * width, floor);
            lower->append((b + 1) * width, floor);
            most = std::max(most, counts[static_cast<std::size_t>(b)]);
        }
        auto* area = new QAreaSeries(upper, lower);
        area->setColor(QColor(70, 130, 200));
        area->setBorderColor(QColor(40, 80, 140));
        c->addSeries(area);
        QAreaSeries* mark = nullptr;
        if (selected_) {
            const int b = std::clamp(static_cast<int>(quantityValue(*selected_, q) / width), 0, bins - 1);
            auto* mu = new QLineSeries;
            auto* ml = new QLineSeries;
            const double h = std::max(floor, static_cast<double>(counts[static_cast<std::size_t>(b)]));
            mu->append(b * width, h);
            mu->append((b + 1) * width, h);
            ml->append(b * width, floor);
            ml->append((b + 1) * width, floor);
            mark = new QAreaSeries(mu, ml);
            mark->setColor(QColor(40, 220, 90));
            mark->setBorderColor(QColor(20, 140, 50));
            c->addSeries(mark);
        }
        auto* x = new QValueAxis;
        x->setRange(0, bins * width);
        x->setTickCount(5);
        x->setLabelFormat("%.2g");
        x->setTitleText(quantityName(q));
        c->addAxis(x, Qt::AlignBottom);
        QAbstractAxis* y;
        if (log) {
            auto* ly = new QLogValueAxis;
            ly->setBase(10);
            ly->setRange(floor, std::max(10.0, most * 1.5));
            ly->setLabelFormat("%g");
            y = ly;
        } else {
            auto* vy = new QValueAxis;
            vy->setRange(0, most);
            vy->setTickCount(std::min(most, 5) + 1);
            vy->setLabelFormat("%d");
            y = vy;
        }
        y->setTitleText(tr("count"));
        c->addAxis(y, Qt::AlignLeft);
        for (QAbstractSeries* s : c->series()) {
            s->attachAxis(x);
            s->attachAxis(y);
        }
        c->setTitle(tr("%1 (%2 DWPs)").arg(quantityName(q)).arg(v.size()));
        auto onClick = [this, q, width, bins](const QPointF& p) {
            const int b = std::clamp(static_cast<int>(p.x() / width), 0, bins - 1);
            emit binSelected(q, b * width, (b + 1) * width);
        };
        connect(area, &QAreaSeries::clicked, this, onClick);
        if (mark) connect(mark, &QAreaSeries::clicked, this, onClick);
    }
}

void PlotPanel::rebuildScatter() {
    QChart* c = scatter_->chart();
    clearChart(c);
    const Quantity dq = static_cast<Quantity>(distance_->currentData().toInt());
    const double edges[] = {0.001, 0.01, 0.05, 0.2};
    const QString names[] = {"asym < 0.001", "< 0.01", "< 0.05", "< 0.2", ">= 0.2"};
    QScatterSeries* classes[5];
    for (int k = 0; k < 5; ++k) {
        classes[k] = new QScatterSeries;
        classes[k]->setName(names[k]);
        classes[k]->setColor(asymmetryColour(k));
        classes[k]->setBorderColor(asymmetryColour(k).darker(130));
        classes[k]->setMarkerSize(7);
    }
    double maxX = 0.1, maxY = 0.01;
    if (dwps_)
        for (const auto& r : *dwps_) {
            const double x = quantityValue(*r, dq), y = r->dwp.barrier, a = r->dwp.asymmetry;
            int k = 0;
            while (k < 4 && a >= edges[k]) ++k;
            classes[k]->append(x, y);
            maxX = std::max(maxX, x), maxY = std::max(maxY, y);
        }
    auto* x = new QValueAxis;
    x->setRange(0, maxX * 1.05);
    x->setTitleText(quantityName(dq));
    auto* y = new QValueAxis;
    y->setRange(0, maxY * 1.05);
    y->setTitleText(tr("barrier"));
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);
    for (auto* s : classes) {
        c->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    if (selected_) {
        auto* sel = new QScatterSeries;
        sel->setName(tr("selected"));
        sel->setMarkerSize(16);
        sel->setColor(Qt::transparent);
        sel->setBorderColor(QColor(40, 220, 90));
        sel->setPen(QPen(QColor(40, 220, 90), 3));
        sel->append(quantityValue(*selected_, dq), selected_->dwp.barrier);
        c->addSeries(sel);
        sel->attachAxis(x);
        sel->attachAxis(y);
    }
}

void PlotPanel::rebuildFig2() {
    QChart* c = fig2_->chart();
    clearChart(c);
    int maxCount = 1;
    if (dwps_)
        for (const auto& r : *dwps_) maxCount = std::max(maxCount, r->findCount);
    const int bins = std::min(maxCount, 60);
    std::vector<int> counts(static_cast<std::size_t>(bins), 0);
    if (dwps_)
        for (const auto& r : *dwps_) ++counts[static_cast<std::size_t>(std::clamp(r->findCount, 1, bins) - 1)];
    auto* set = new QBarSet(tr("DWPs"));
    set->setColor(QColor(235, 120, 40));
    QStringList labels;
    int most = 1;
    for (int b = 0; b < bins; ++b) {
        *set << counts[static_cast<std::size_t>(b)];
        labels << (b + 1 == bins && maxCount > 60 ? QString(">=%1").arg(bins) : QString::number(b + 1));
        most = std::max(most, counts[static_cast<std::size_t>(b)]);
    }
    auto* series = new QStackedBarSeries;
    series->append(set);
    c->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(labels);
    x->setTitleText(tr("times found in M attempts"));
    auto* y = new QValueAxis;
    y->setRange(0, most);
    y->setLabelFormat("%d");
    y->setTitleText(tr("DWPs"));
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

void PlotPanel::rebuildFig6() {
    QChart* c = fig6_->chart();
    clearChart(c);
    constexpr int ranks = 12;
    std::vector<double> sum[2] = {std::vector<double>(ranks, 0.0), std::vector<double>(ranks, 0.0)};
    int n[2] = {0, 0};
    if (dwps_)
        for (const auto& r : *dwps_) {
            const int s = r->dwp.centralSpecies == 1 ? 1 : 0;
            ++n[s];
            for (int k = 0; k < ranks && k < static_cast<int>(r->dwp.sortedProfile.size()); ++k)
                sum[s][static_cast<std::size_t>(k)] += r->dwp.sortedProfile[static_cast<std::size_t>(k)];
        }
    auto* x = new QValueAxis;
    x->setRange(1, ranks);
    x->setTickCount(ranks);
    x->setLabelFormat("%d");
    x->setTitleText(tr("rank k"));
    auto* y = new QLogValueAxis;
    y->setBase(10);
    y->setRange(1e-3, 1.0);
    y->setLabelFormat("%g");
    y->setTitleText(tr("mean d_(k) (sigma)"));
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);
    const QColor colours[2] = {QColor(70, 130, 200), QColor(235, 120, 40)};
    const QString names[2] = {tr("central A (%1)").arg(n[0]), tr("central B (%1)").arg(n[1])};
    for (int s = 0; s < 2; ++s) {
        auto* line = new QLineSeries;
        line->setName(names[s]);
        line->setColor(colours[s]);
        line->setPointsVisible(true);
        for (int k = 0; k < ranks; ++k)
            if (n[s] && sum[s][static_cast<std::size_t>(k)] > 0) line->append(k + 1, sum[s][static_cast<std::size_t>(k)] / n[s]);
        c->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
    }
    if (selected_) {
        auto* line = new QLineSeries;
        line->setName(tr("selected"));
        line->setPen(QPen(QColor(40, 220, 90), 2, Qt::DashLine));
        for (int k = 0; k < ranks && k < static_cast<int>(selected_->dwp.sortedProfile.size()); ++k)
            if (selected_->dwp.sortedProfile[static_cast<std::size_t>(k)] > 0)
                line->append(k + 1, selected_->dwp.sortedProfile[static_cast<std::size_t>(k)]);
        c->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
    }
}

bool PlotPanel::exportChart(int tab, const QString& path, QString* error) {
    refreshNow();
    QWidget* w = tabs_->widget(tab);
    if (!w) {
        if (error) *error = tr("no plot %1").arg(tab);
        return false;
    }
    if (path.endsWith(".svg", Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        const QSize size = w->size().isEmpty() ? QSize(900, 500) : w->size();
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle("TLScope plot");
        QPainter p;
        if (!p.begin(&svg)) {
            if (error) *error = tr("cannot write '%1'").arg(path);
            return false;
        }
        w->render(&p);
        p.end();
        if (QFileInfo(path).size() == 0) {
            if (error) *error = tr("cannot write '%1'").arg(path);
            return false;
        }
        return true;
    }
    if (w->size().isEmpty()) w->resize(900, 500);
    const QPixmap pixmap = w->grab();
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        if (error) *error = tr("cannot write '%1'").arg(path);
        return false;
    }
    return true;
}

bool PlotPanel::exportCurrent(const QString& path, QString* error) { return exportChart(tabs_->currentIndex(), path, error); }

void PlotPanel::exportDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export plot"), "tlscope-plot.png",
                                                      tr("PNG image (*.png);;SVG drawing (*.svg)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportCurrent(path, &error)) QMessageBox::warning(this, tr("Export plot"), error);
}

} // namespace tlscope::ui

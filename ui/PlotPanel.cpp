#include "ui/PlotPanel.h"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSeries>
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
#include <QCoreApplication>
#include <QImage>
#include <QFormLayout>
#include <QDialogButtonBox>
#include <QDialog>
#include <QPageSize>
#include <QPdfWriter>
#include <QStatusBar>
#include <QMainWindow>
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

constexpr int kProfileRanks = 12; ///< ranks shown in Fig. 6

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
    buildCharts();
    layout->addWidget(tabs_, 1);
    dirty_.assign(static_cast<std::size_t>(tabs_->count()), true);

    timer_ = new QTimer(this);
    timer_->setObjectName("plotRefreshTimer");
    timer_->setSingleShot(true);
    timer_->setInterval(250);
    connect(timer_, &QTimer::timeout, this, &PlotPanel::refreshNow);
    connect(bins_, &QSpinBox::valueChanged, this, &PlotPanel::refreshLater);
    connect(logY_, &QCheckBox::toggled, this, &PlotPanel::refreshLater);
    connect(distance_, &QComboBox::currentIndexChanged, this, &PlotPanel::refreshLater);
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int tab) {
        if (tab >= 0 && dirty_[static_cast<std::size_t>(tab)]) refreshTab(tab);
    });
    connect(exportButton, &QPushButton::clicked, this, &PlotPanel::exportDialog);
    refreshNow();
}

PlotPanel::~PlotPanel() {
    // The y axis not shown is owned by no chart.
    for (auto& h : hist_) delete (h.logShown ? static_cast<QAbstractAxis*>(h.yLinear) : h.yLog);
}

void PlotPanel::buildCharts() {
    auto* histPage = new QWidget;
    auto* histLayout = new QHBoxLayout(histPage);
    histLayout->setContentsMargins(0, 0, 0, 0);
    for (int k = 0; k < 3; ++k) {
        Histogram& h = hist_[k];
        h.view = makeView({});
        histLayout->addWidget(h.view);
        QChart* c = h.view->chart();
        // Bars as a step outline filled down to the floor; the selected DWP's bar on top.
        h.upper = new QLineSeries(c);
        h.lower = new QLineSeries(c);
        h.area = new QAreaSeries(h.upper, h.lower);
        h.area->setColor(QColor(70, 130, 200));
        h.area->setBorderColor(QColor(40, 80, 140));
        h.markUpper = new QLineSeries(c);
        h.markLower = new QLineSeries(c);
        h.mark = new QAreaSeries(h.markUpper, h.markLower);
        h.mark->setColor(QColor(40, 220, 90));
        h.mark->setBorderColor(QColor(20, 140, 50));
        c->addSeries(h.area);
        c->addSeries(h.mark);
        h.x = new QValueAxis;
        h.x->setTickCount(5);
        h.x->setLabelFormat("%.2g");
        h.yLinear = new QValueAxis;
        h.yLinear->setLabelFormat("%d");
        h.yLinear->setTitleText(tr("count"));
        h.yLog = new QLogValueAxis;
        h.yLog->setBase(10);
        h.yLog->setLabelFormat("%g");
        h.yLog->setTitleText(tr("count"));
        c->addAxis(h.x, Qt::AlignBottom);
        c->addAxis(h.yLinear, Qt::AlignLeft);
        for (QAbstractSeries* s : c->series()) {
            s->attachAxis(h.x);
            s->attachAxis(h.yLinear);
        }
        auto onClick = [this, k](const QPointF& p) {
            const Histogram& hk = hist_[k];
            const int bins = static_cast<int>(hk.counts.size());
            if (bins == 0) return;
            const int b = std::clamp(static_cast<int>(p.x() / hk.width), 0, bins - 1);
            emit binSelected(hk.quantity, b * hk.width, (b + 1) * hk.width);
        };
        connect(h.area, &QAreaSeries::clicked, this, onClick);
        connect(h.mark, &QAreaSeries::clicked, this, onClick);
    }
    tabs_->addTab(histPage, tr("Histograms"));

    scatter_ = makeView(tr("barrier vs distance (colour: asymmetry)"));
    scatter_->chart()->legend()->setVisible(true);
    scatter_->chart()->legend()->setAlignment(Qt::AlignRight);
    {
        QChart* c = scatter_->chart();
        // The legend renders rich text: a bare "<" started a tag and hid four of the five labels.
        const QString names[] = {"asymmetry &lt; 0.001 &epsilon;", "&lt; 0.01 &epsilon;", "&lt; 0.05 &epsilon;",
                                 "&lt; 0.2 &epsilon;", "&ge; 0.2 &epsilon;"};
        scatterX_ = new QValueAxis;
        scatterY_ = new QValueAxis;
        scatterY_->setTitleText(quantityAxisTitle(Quantity::Barrier));
        c->addAxis(scatterX_, Qt::AlignBottom);
        c->addAxis(scatterY_, Qt::AlignLeft);
        for (int k = 0; k < 5; ++k) {
            auto* s = new QScatterSeries;
            s->setName(names[k]);
            s->setColor(asymmetryColour(k));
            s->setBorderColor(asymmetryColour(k).darker(130));
            s->setMarkerSize(7);
            scatterClasses_[k] = s;
        }
        scatterSelected_ = new QScatterSeries;
        scatterSelected_->setName(tr("selected"));
        scatterSelected_->setMarkerSize(16);
        scatterSelected_->setColor(Qt::transparent);
        scatterSelected_->setBorderColor(QColor(40, 220, 90));
        scatterSelected_->setPen(QPen(QColor(40, 220, 90), 3));
        for (QScatterSeries* s : scatterClasses_) c->addSeries(s);
        c->addSeries(scatterSelected_);
        for (QAbstractSeries* s : c->series()) {
            s->attachAxis(scatterX_);
            s->attachAxis(scatterY_);
        }
    }
    tabs_->addTab(scatter_, tr("Barrier vs d"));

    fig2_ = makeView(tr("Fig. 2: how often each DWP's minimum was found"));
    {
        QChart* c = fig2_->chart();
        fig2Set_ = new QBarSet(tr("DWPs"));
        fig2Set_->setColor(QColor(235, 120, 40));
        auto* series = new QStackedBarSeries;
        series->append(fig2Set_);
        c->addSeries(series);
        // A value axis, not categories: up to 60 counts, labelled every 1, 2, 5 or 10 (category
        // labels were elided to "..." even in a wide window). Bar k stands at x = k.
        fig2X_ = new QValueAxis;
        fig2X_->setLabelFormat("%d");
        fig2X_->setTitleText(tr("times found in M attempts"));
        fig2Y_ = new QValueAxis;
        fig2Y_->setLabelFormat("%d");
        fig2Y_->setTitleText(tr("DWPs"));
        c->addAxis(fig2X_, Qt::AlignBottom);
        c->addAxis(fig2Y_, Qt::AlignLeft);
        series->attachAxis(fig2X_);
        series->attachAxis(fig2Y_);
    }
    tabs_->addTab(fig2_, tr("Find counts"));

    fig6_ = makeView(tr("Fig. 6: mean sorted displacement profile"));
    fig6_->chart()->legend()->setVisible(true);
    {
        QChart* c = fig6_->chart();
        auto* x = new QValueAxis;
        x->setRange(1, kProfileRanks);
        x->setTickCount(kProfileRanks);
        x->setLabelFormat("%d");
        x->setTitleText(tr("rank k"));
        auto* y = new QLogValueAxis;
        y->setBase(10);
        y->setRange(1e-3, 1.0);
        y->setLabelFormat("%g");
        y->setTitleText(QString::fromUtf8("mean d_(k) (\u03c3)"));
        c->addAxis(x, Qt::AlignBottom);
        c->addAxis(y, Qt::AlignLeft);
        const QColor colours[2] = {QColor(70, 130, 200), QColor(235, 120, 40)};
        for (int s = 0; s < 3; ++s) {
            auto* line = new QLineSeries;
            if (s < 2) {
                line->setColor(colours[s]);
                line->setPointsVisible(true);
            } else {
                line->setName(tr("selected"));
                line->setPen(QPen(QColor(40, 220, 90), 2, Qt::DashLine));
            }
            fig6Lines_[s] = line;
            c->addSeries(line);
            line->attachAxis(x);
            line->attachAxis(y);
        }
    }
    tabs_->addTab(fig6_, tr("Profiles"));

    isEnergy_ = makeView(tr("Inherent-structure energies of the starting structures"));
    {
        QChart* c = isEnergy_->chart();
        isEnergySet_ = new QBarSet(tr("starts"));
        isEnergySet_->setColor(QColor(70, 130, 200));
        auto* series = new QBarSeries;
        series->setBarWidth(1.0);
        series->append(isEnergySet_);
        c->addSeries(series);
        isEnergyX_ = new QBarCategoryAxis;
        isEnergyX_->setTitleText(QString::fromUtf8("IS energy per particle (\u03b5), bin centre"));
        isEnergyY_ = new QValueAxis;
        isEnergyY_->setLabelFormat("%d");
        isEnergyY_->setTitleText(tr("starting structures"));
        c->addAxis(isEnergyX_, Qt::AlignBottom);
        c->addAxis(isEnergyY_, Qt::AlignLeft);
        series->attachAxis(isEnergyX_);
        series->attachAxis(isEnergyY_);
    }
    tabs_->addTab(isEnergy_, tr("IS energies"));
}

void PlotPanel::setStartEnergies(std::vector<double> perParticle) {
    startEnergies_ = std::move(perParticle);
    if (dirty_.size() > 4) dirty_[4] = true;
    refreshLater();
}

void PlotPanel::addStartEnergy(double perParticle) {
    startEnergies_.push_back(perParticle);
    if (dirty_.size() > 4) dirty_[4] = true;
    refreshLater();
}

namespace {
/// A count axis with integer ticks at 1, 2, 5, 10, 20, 50 ... spacing and at most six of them
/// (a fixed tick count labelled "%d" read "1, 0, 0, 0, 0" for counts up to 1).
void setCountRange(QValueAxis* axis, int most) {
    most = std::max(most, 1);
    int step = 1;
    for (int decade = 1;; decade *= 10) {
        if (most <= 5 * decade) { step = decade; break; }
        if (most <= 10 * decade) { step = 2 * decade; break; }
        if (most <= 25 * decade) { step = 5 * decade; break; }
    }
    const int top = (most + step - 1) / step * step;
    axis->setRange(0, top);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(step);
    axis->setMinorTickCount(0);
}
} // namespace

void PlotPanel::updateStartEnergies() {
    // Bins of 0.01 eps per particle (0.65 eps of total energy at N = 65) over the occupied range.
    const double width = 0.01;
    QStringList labels;
    isEnergySet_->remove(0, isEnergySet_->count());
    int most = 1;
    if (!startEnergies_.empty()) {
        const auto [lo, hi] = std::minmax_element(startEnergies_.begin(), startEnergies_.end());
        const double first = std::floor(*lo / width) * width;
        const int bins = std::min(200, static_cast<int>((*hi - first) / width) + 1);
        std::vector<int> counts(static_cast<std::size_t>(bins), 0);
        for (double e : startEnergies_) ++counts[static_cast<std::size_t>(std::clamp(static_cast<int>((e - first) / width), 0, bins - 1))];
        for (int b = 0; b < bins; ++b) {
            *isEnergySet_ << counts[static_cast<std::size_t>(b)];
            labels << QString::number(first + (b + 0.5) * width, 'f', 3);
            most = std::max(most, counts[static_cast<std::size_t>(b)]);
        }
        double mean = 0.0, var = 0.0;
        for (double e : startEnergies_) mean += e;
        mean /= static_cast<double>(startEnergies_.size());
        for (double e : startEnergies_) var += (e - mean) * (e - mean);
        const double sd = startEnergies_.size() > 1 ? std::sqrt(var / static_cast<double>(startEnergies_.size() - 1)) : 0.0;
        isEnergy_->chart()->setTitle(tr("Starting inherent structures: %1, mean %2 eps, sd %3 per particle")
                                         .arg(startEnergies_.size()).arg(mean, 0, 'f', 4).arg(sd, 0, 'f', 4));
    }
    if (isEnergyX_->categories() != labels) isEnergyX_->setCategories(labels);
    setCountRange(isEnergyY_, most);
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
    // Leading edge: the first DWP after a quiet spell is drawn at once (a fixed delay left the
    // histograms one DWP behind the table, with the selected bar marked on the old counts).
    if (timer_->isActive()) return;
    const qint64 since = sinceRefresh_.isValid() ? sinceRefresh_.elapsed() : 1000;
    timer_->start(static_cast<int>(std::max<qint64>(0, 250 - since)));
}

void PlotPanel::flushPending() {
    if (!timer_->isActive()) return;
    timer_->stop();
    refreshNow();
}

void PlotPanel::refreshNow() {
    sinceRefresh_.start();
    std::fill(dirty_.begin(), dirty_.end(), true);
    refreshTab(tabs_->currentIndex());
}

void PlotPanel::refreshTab(int tab) {
    switch (tab) {
    case 0: updateHistograms(); break;
    case 1: updateScatter(); break;
    case 2: updateFig2(); break;
    case 3: updateFig6(); break;
    case 4: updateStartEnergies(); break;
    default: return;
    }
    dirty_[static_cast<std::size_t>(tab)] = false;
}

int PlotPanel::tabCount() const { return tabs_->count(); }

void PlotPanel::updateHistograms() {
    const Quantity qs[3] = {Quantity::Asymmetry, static_cast<Quantity>(distance_->currentData().toInt()), Quantity::Barrier};
    const int bins = bins_->value();
    const bool log = logY_->isChecked();
    const double floor = log ? 0.5 : 0.0; // bars start here (a log axis has no zero)
    for (int k = 0; k < 3; ++k) {
        Histogram& h = hist_[k];
        QChart* c = h.view->chart();
        const Quantity q = qs[k];
        std::vector<double> v;
        if (dwps_) {
            v.reserve(dwps_->size());
            for (const auto& r : *dwps_) v.push_back(quantityValue(*r, q));
        }
        const double top = v.empty() ? 1.0 : std::max(1e-9, *std::max_element(v.begin(), v.end()));
        h.quantity = q;
        h.width = top / bins * 1.0000001;
        h.counts.assign(static_cast<std::size_t>(bins), 0);
        for (double x : v) ++h.counts[static_cast<std::size_t>(std::clamp(static_cast<int>(x / h.width), 0, bins - 1))];
        QList<QPointF> upper, lower;
        upper.reserve(2 * bins);
        lower.reserve(2 * bins);
        int most = 1;
        for (int b = 0; b < bins; ++b) {
            const double n = h.counts[static_cast<std::size_t>(b)];
            upper << QPointF(b * h.width, std::max(floor, n)) << QPointF((b + 1) * h.width, std::max(floor, n));
            lower << QPointF(b * h.width, floor) << QPointF((b + 1) * h.width, floor);
            most = std::max(most, h.counts[static_cast<std::size_t>(b)]);
        }
        h.upper->replace(upper);
        h.lower->replace(lower);
        if (selected_) {
            const int b = std::clamp(static_cast<int>(quantityValue(*selected_, q) / h.width), 0, bins - 1);
            const double n = std::max(floor, static_cast<double>(h.counts[static_cast<std::size_t>(b)]));
            h.markUpper->replace({QPointF(b * h.width, n), QPointF((b + 1) * h.width, n)});
            h.markLower->replace({QPointF(b * h.width, floor), QPointF((b + 1) * h.width, floor)});
        }
        h.mark->setVisible(selected_ != nullptr);
        if (log != h.logShown) { // swap the count axis (rare: the user toggled it)
            QAbstractAxis* old = h.logShown ? static_cast<QAbstractAxis*>(h.yLog) : h.yLinear;
            QAbstractAxis* now = log ? static_cast<QAbstractAxis*>(h.yLog) : h.yLinear;
            c->removeAxis(old);
            old->setParent(nullptr);
            c->addAxis(now, Qt::AlignLeft);
            h.area->attachAxis(now);
            h.mark->attachAxis(now);
            h.logShown = log;
        }
        h.x->setRange(0, bins * h.width * 1.02); // room for the last bar's outline
        if (h.x->titleText() != quantityAxisTitle(q)) h.x->setTitleText(quantityAxisTitle(q));
        if (log) h.yLog->setRange(floor, std::max(10.0, most * 1.5));
        else {
            setCountRange(h.yLinear, most);
        }
        c->setTitle(tr("%1 (%2 DWPs)").arg(quantityName(q)).arg(v.size()));
    }
}

void PlotPanel::updateScatter() {
    const Quantity dq = static_cast<Quantity>(distance_->currentData().toInt());
    const double edges[] = {0.001, 0.01, 0.05, 0.2};
    QList<QPointF> classes[5];
    double maxX = 0.1, maxY = 0.01;
    if (dwps_)
        for (const auto& r : *dwps_) {
            const double x = quantityValue(*r, dq), y = r->dwp.barrier, a = r->dwp.asymmetry;
            int k = 0;
            while (k < 4 && a >= edges[k]) ++k;
            classes[k] << QPointF(x, y);
            maxX = std::max(maxX, x), maxY = std::max(maxY, y);
        }
    for (int k = 0; k < 5; ++k) scatterClasses_[k]->replace(classes[k]);
    if (selected_) scatterSelected_->replace({QPointF(quantityValue(*selected_, dq), selected_->dwp.barrier)});
    else scatterSelected_->clear();
    scatterX_->setRange(0, maxX * 1.05);
    if (scatterX_->titleText() != quantityAxisTitle(dq)) scatterX_->setTitleText(quantityAxisTitle(dq));
    scatterY_->setRange(0, maxY * 1.05);
}

void PlotPanel::updateFig2() {
    int maxCount = 1;
    if (dwps_)
        for (const auto& r : *dwps_) maxCount = std::max(maxCount, r->findCount);
    const int bins = std::min(maxCount, 60);
    std::vector<int> counts(static_cast<std::size_t>(bins), 0);
    if (dwps_)
        for (const auto& r : *dwps_) ++counts[static_cast<std::size_t>(std::clamp(r->findCount, 1, bins) - 1)];
    int most = 1;
    fig2Set_->remove(0, fig2Set_->count());
    *fig2Set_ << 0; // found 0 times: never (so that bar k stands at x = k)
    for (int b = 0; b < bins; ++b) {
        *fig2Set_ << counts[static_cast<std::size_t>(b)];
        most = std::max(most, counts[static_cast<std::size_t>(b)]);
    }
    fig2X_->setTitleText(maxCount > 60 ? tr("times found in M attempts (the last bar: 60 or more)") : tr("times found in M attempts"));
    fig2X_->setRange(0.5, bins + 0.5);
    const int step = bins <= 12 ? 1 : bins <= 25 ? 2 : bins <= 60 ? 5 : 10;
    fig2X_->setTickType(QValueAxis::TicksDynamic);
    fig2X_->setTickAnchor(0);
    fig2X_->setTickInterval(step);
    setCountRange(fig2Y_, most);
}

void PlotPanel::updateFig6() {
    std::vector<double> sum[2] = {std::vector<double>(kProfileRanks, 0.0), std::vector<double>(kProfileRanks, 0.0)};
    int n[2] = {0, 0};
    if (dwps_)
        for (const auto& r : *dwps_) {
            const int s = r->dwp.centralSpecies == 1 ? 1 : 0;
            ++n[s];
            for (int k = 0; k < kProfileRanks && k < static_cast<int>(r->dwp.sortedProfile.size()); ++k)
                sum[s][static_cast<std::size_t>(k)] += r->dwp.sortedProfile[static_cast<std::size_t>(k)];
        }
    const QString names[2] = {tr("central A (%1)").arg(n[0]), tr("central B (%1)").arg(n[1])};
    for (int s = 0; s < 2; ++s) {
        QList<QPointF> points;
        for (int k = 0; k < kProfileRanks; ++k)
            if (n[s] && sum[s][static_cast<std::size_t>(k)] > 0) points << QPointF(k + 1, sum[s][static_cast<std::size_t>(k)] / n[s]);
        fig6Lines_[s]->replace(points);
        if (fig6Lines_[s]->name() != names[s]) fig6Lines_[s]->setName(names[s]);
    }
    QList<QPointF> selected;
    if (selected_)
        for (int k = 0; k < kProfileRanks && k < static_cast<int>(selected_->dwp.sortedProfile.size()); ++k)
            if (selected_->dwp.sortedProfile[static_cast<std::size_t>(k)] > 0)
                selected << QPointF(k + 1, selected_->dwp.sortedProfile[static_cast<std::size_t>(k)]);
    fig6Lines_[2]->replace(selected);
    fig6Lines_[2]->setVisible(selected_ != nullptr);
}

bool PlotPanel::exportChart(int tab, const QString& path, QString* error, QSize size, int dpi) {
    QWidget* w = tabs_->widget(tab);
    if (!w) {
        if (error) *error = tr("no plot %1").arg(tab);
        return false;
    }
    if (size.isEmpty()) size = QSize(900, 500);
    if (size.width() < 100 || size.height() < 80 || size.width() > 20000 || size.height() > 20000 || dpi < 30 || dpi > 2400) {
        if (error) *error = tr("plot size %1 x %2 at %3 dpi is outside 100 x 80 ... 20000 x 20000, 30 ... 2400 dpi")
                                .arg(size.width()).arg(size.height()).arg(dpi);
        return false;
    }
    if (timer_->isActive()) refreshNow();
    if (dirty_[static_cast<std::size_t>(tab)]) refreshTab(tab);
    // Lay the plot out at the requested size (not the size it has on screen), draw it, and put it
    // back: the charts are re-laid out, so labels and ticks fit the exported size.
    const QSize onScreen = w->size();
    w->resize(size);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    for (QChartView* v : w->findChildren<QChartView*>()) v->resize(v->size()); // charts follow their views
    QCoreApplication::sendPostedEvents();
    struct Restore {
        QWidget* w;
        QSize s;
        ~Restore() {
            w->resize(s);
            QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        }
    } restore{w, onScreen};
    auto fail = [&] {
        if (error) *error = tr("cannot write '%1'").arg(path);
        return false;
    };
    QPainter p;
    if (path.endsWith(".svg", Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle("TLScope plot");
        if (!p.begin(&svg)) return fail();
        w->render(&p);
        p.end();
        return QFileInfo(path).size() > 0 || fail();
    }
    if (path.endsWith(".pdf", Qt::CaseInsensitive)) {
        QPdfWriter pdf(path);
        pdf.setResolution(dpi);
        pdf.setPageSize(QPageSize(QSizeF(size.width() * 72.0 / 96.0, size.height() * 72.0 / 96.0), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle("TLScope plot");
        if (!p.begin(&pdf)) return fail();
        p.scale(dpi / 96.0, dpi / 96.0);
        w->render(&p);
        p.end();
        return QFileInfo(path).size() > 0 || fail();
    }
    QImage image(QSize(std::lround(size.width() * dpi / 96.0), std::lround(size.height() * dpi / 96.0)), QImage::Format_ARGB32);
    image.setDevicePixelRatio(dpi / 96.0);
    image.setDotsPerMeterX(std::lround(dpi / 0.0254));
    image.setDotsPerMeterY(std::lround(dpi / 0.0254));
    image.fill(Qt::white);
    if (!p.begin(&image)) return fail();
    w->render(&p);
    p.end();
    return image.save(path, "PNG") || fail();
}

bool PlotPanel::exportCurrent(const QString& path, QString* error, QSize size, int dpi) {
    return exportChart(tabs_->currentIndex(), path, error, size, dpi);
}

void PlotPanel::exportDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export plot"), "tlscope-plot.png",
                                                      tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty()) return;
    // Size and resolution of the exported plot, independent of the window.
    QDialog ask(this);
    ask.setWindowTitle(tr("Plot size"));
    auto* form = new QFormLayout(&ask);
    auto* width = new QSpinBox, *height = new QSpinBox, *dpi = new QSpinBox;
    width->setRange(100, 20000), height->setRange(80, 20000), dpi->setRange(30, 2400);
    width->setValue(900), height->setValue(500), dpi->setValue(300);
    width->setSuffix(" px"), height->setSuffix(" px"), dpi->setSuffix(" dpi");
    width->setToolTip(tr("logical pixels (96 per inch): 900 px is 23.8 cm"));
    form->addRow(tr("Width"), width);
    form->addRow(tr("Height"), height);
    form->addRow(tr("Resolution"), dpi);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &ask, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &ask, &QDialog::reject);
    if (ask.exec() != QDialog::Accepted) return;
    QString error;
    if (!exportCurrent(path, &error, QSize(width->value(), height->value()), dpi->value())) {
        QMessageBox::warning(this, tr("Export plot"), error);
        return;
    }
    if (auto* main = qobject_cast<QMainWindow*>(window())) main->statusBar()->showMessage(tr("plot saved to %1").arg(path), 8000);
}

} // namespace tlscope::ui

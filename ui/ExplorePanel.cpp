#include "ui/ExplorePanel.h"

#include "core/common/Error.h"

#include <QChart>
#include <QChartView>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSpinBox>
#include <QToolButton>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>
#include <thread>

namespace tlscope::ui {

ExplorePanel::ExplorePanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    setToolTip(tr("Metabasin exploration (Khomenko et al. 2020): MD at a low temperature from the glass, a quench every few "
                  "steps; every pair of inherent structures seen in succession goes through the DWP analysis. TLS: E_qs below "
                  "the model's threshold."));
    glass_ = new QLabel(tr("No glass yet: prepare one, open a configuration or load the demo."));
    glass_->setToolTip(toolTip());
    glass_->setObjectName("exploreGlass");
    glass_->setWordWrap(true);
    layout->addWidget(glass_);
    auto* form = new QGridLayout;
    form->setHorizontalSpacing(6);
    form->setVerticalSpacing(2);
    temperature_ = new QDoubleSpinBox;
    temperature_->setObjectName("exploreT");
    temperature_->setDecimals(3);
    temperature_->setRange(0.001, 10);
    temperature_->setSingleStep(0.01);
    temperature_->setValue(0.04);
    temperature_->setToolTip(tr("temperature of the exploration MD (Langevin); well below T_g keeps the walk in the glass's metabasin"));
    quenchEvery_ = new QSpinBox;
    quenchEvery_->setRange(1, 1'000'000);
    quenchEvery_->setValue(20);
    quenchEvery_->setToolTip(tr("MD steps between quenches: frequent quenches make successive IS neighbours"));
    time_ = new QDoubleSpinBox;
    time_->setDecimals(1);
    time_->setRange(0.01, 1e7);
    time_->setValue(20);
    time_->setToolTip(tr("MD time in all (number of quenches = time / dt / quench interval)"));
    dt_ = new QDoubleSpinBox;
    dt_->setDecimals(4);
    dt_->setRange(0.0001, 0.05);
    dt_->setSingleStep(0.001);
    dt_->setValue(0.01);
    pairAsymmetry_ = new QDoubleSpinBox;
    pairAsymmetry_->setDecimals(4);
    pairAsymmetry_->setRange(0, 10);
    pairAsymmetry_->setSingleStep(0.001);
    pairAsymmetry_->setToolTip(tr("also analyse every pair of distinct IS closer in energy than this, seen in succession or not (0: only successive pairs)"));
    seed_ = new QLineEdit("1");
    threads_ = new QSpinBox;
    threads_->setRange(0, 256);
    threads_->setValue(0);
    threads_->setSpecialValueText(tr("all"));
    threads_->setToolTip(tr("threads for the pair analyses; the result never depends on them"));
    const std::pair<QString, QWidget*> fields[] = {{tr("T explore"), temperature_}, {tr("Quench every"), quenchEvery_},
                                                   {tr("MD time"), time_},          {tr("dt"), dt_},
                                                   {tr("Pair |dE| <"), pairAsymmetry_}, {tr("Seed"), seed_},
                                                   {tr("Threads"), threads_}};
    for (int k = 0; k < 7; ++k) { // one per row: the panel shares a narrow dock
        form->addWidget(new QLabel(fields[k].first), k, 0);
        form->addWidget(fields[k].second, k, 1);
    }
    form->setColumnStretch(1, 1);
    layout->addLayout(form);
    auto* file = new QHBoxLayout;
    session_ = new QLineEdit;
    session_->setPlaceholderText(tr("session file (empty: an autosave file)"));
    session_->setToolTip(tr("the exploration is written here as it runs (*.tls.h5); analyze and Compare explorations read it"));
    auto* browse = new QToolButton;
    browse->setText("...");
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Exploration session"), session_->text(), tr("TLScope sessions (*.tls.h5)"));
        if (!p.isEmpty()) session_->setText(p);
    });
    file->addWidget(session_, 1);
    file->addWidget(browse);
    layout->addLayout(file);
    auto* buttons = new QHBoxLayout;
    start_ = new QPushButton(tr("Explore"));
    start_->setObjectName("exploreStart");
    stop_ = new QPushButton(tr("Stop"));
    resume_ = new QPushButton(tr("Resume"));
    resume_->setToolTip(tr("continue the stopped or killed exploration in the session file (same settings)"));
    buttons->addWidget(start_);
    buttons->addWidget(stop_);
    buttons->addWidget(resume_);
    layout->addLayout(buttons);
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    layout->addWidget(progress_);
    status_ = new QLabel(tr("not started"));
    status_->setObjectName("exploreStatus");
    status_->setWordWrap(true);
    layout->addWidget(status_);

    auto* chart = new QChart;
    chart->setTitle(tr("Energy per particle"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
    x_ = new QValueAxis;
    x_->setTitleText(tr("MD time"));
    y_ = new QValueAxis;
    y_->setTitleText(tr("IS E / N (eps)"));
    y_->setLabelFormat("%.3f");
    yMd_ = new QValueAxis;
    yMd_->setTitleText(tr("MD E / N"));
    yMd_->setLabelFormat("%.2f");
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(y_, Qt::AlignLeft);
    chart->addAxis(yMd_, Qt::AlignRight);
    md_ = new QLineSeries;
    md_->setName(tr("MD configuration"));
    md_->setColor(QColor(160, 160, 160));
    is_ = new QScatterSeries;
    is_->setName(tr("quenched IS"));
    is_->setColor(QColor(40, 110, 220));
    is_->setMarkerSize(5);
    is_->setBorderColor(Qt::transparent);
    newIs_ = new QScatterSeries;
    newIs_->setName(tr("new IS"));
    newIs_->setColor(QColor(230, 120, 20));
    newIs_->setMarkerSize(8);
    newIs_->setBorderColor(Qt::transparent);
    // The IS energies on their own axis (left), the MD energy (thermal, much higher) on the right.
    chart->addSeries(md_);
    md_->attachAxis(x_);
    md_->attachAxis(yMd_);
    for (QXYSeries* s : std::initializer_list<QXYSeries*>{is_, newIs_}) {
        chart->addSeries(s);
        s->attachAxis(x_);
        s->attachAxis(y_);
    }
    chart_ = new QChartView(chart);
    chart_->setRenderHint(QPainter::Antialiasing);
    chart_->setMinimumHeight(210);
    layout->addWidget(chart_, 1);

    connect(start_, &QPushButton::clicked, this, &ExplorePanel::startRequested);
    connect(stop_, &QPushButton::clicked, this, &ExplorePanel::stopRequested);
    connect(resume_, &QPushButton::clicked, this, &ExplorePanel::resumeRequested);
    setState(false);
}

ExploreParameters ExplorePanel::parameters(const Model& model) const {
    ExploreParameters p;
    p.model = model;
    p.walk.temperature = temperature_->value();
    p.walk.quenchEvery = quenchEvery_->value();
    p.walk.timeStep = dt_->value();
    p.walk.steps = std::llround(time_->value() / p.walk.timeStep);
    bool ok = false;
    p.walk.seed = seed_->text().trimmed().toULongLong(&ok);
    if (!ok) throw InputError("the seed must be a whole number >= 0");
    p.pairAsymmetry = pairAsymmetry_->value();
    p.threads = threads_->value();
    p.validate();
    return p;
}

QString ExplorePanel::sessionPath() const { return session_->text().trimmed(); }
void ExplorePanel::setSessionPath(const QString& path) { session_->setText(path); }

void ExplorePanel::setWalk(double temperature, long quenchEvery, double time, std::uint64_t seed) {
    temperature_->setValue(temperature);
    quenchEvery_->setValue(static_cast<int>(quenchEvery));
    time_->setValue(time);
    seed_->setText(QString::number(seed));
}

void ExplorePanel::setModelDefaults(const Model& model) {
    // Below T_g of each model: soft spheres (T_g ~ 0.072) as Khomenko et al.; KA (T_g ~ 0.43).
    temperature_->setValue(model.interaction == Interaction::SoftSphere ? 0.04 : 0.25);
}

void ExplorePanel::setGlassText(const QString& text) { glass_->setText(text); }

void ExplorePanel::setState(bool running) {
    start_->setEnabled(!running);
    resume_->setEnabled(!running);
    stop_->setEnabled(running);
    if (running) started_ = std::chrono::steady_clock::now(), startQuench_ = -1;
}

void ExplorePanel::reset() {
    md_->clear();
    is_->clear();
    newIs_->clear();
    yMin_ = yMax_ = tMax_ = mdMin_ = mdMax_ = 0.0;
    progress_->setValue(0);
    status_->setText(tr("starting"));
}

void ExplorePanel::addPoints(const std::vector<QuenchPoint>& points, int particles) {
    if (points.empty() || particles <= 0) return;
    QList<QPointF> md, is, fresh;
    for (const QuenchPoint& q : points) {
        const double e = q.isEnergy / particles;
        is.append({q.time, e});
        if (q.isNew) fresh.append({q.time, e});
        if (std::isfinite(q.mdEnergy)) {
            const double m = q.mdEnergy / particles;
            md.append({q.time, m});
            if (mdMin_ == 0.0 && mdMax_ == 0.0) mdMin_ = mdMax_ = m;
            mdMin_ = std::min(mdMin_, m), mdMax_ = std::max(mdMax_, m);
        }
        if (yMin_ == 0.0 && yMax_ == 0.0) yMin_ = yMax_ = e;
        yMin_ = std::min(yMin_, e), yMax_ = std::max(yMax_, e);
        tMax_ = std::max(tMax_, q.time);
    }
    md_->append(md);
    is_->append(is);
    newIs_->append(fresh);
    const double pad = std::max(1e-6, 0.05 * (yMax_ - yMin_));
    y_->setRange(yMin_ - pad, yMax_ + pad);
    const double mdPad = std::max(1e-6, 0.05 * (mdMax_ - mdMin_));
    yMd_->setRange(mdMin_ - mdPad, mdMax_ + mdPad);
    x_->setRange(0, std::max(1e-9, tMax_));
}

void ExplorePanel::showWalk(const MetabasinWalk& w, double timeStep, int particles) {
    reset();
    std::vector<QuenchPoint> points;
    std::vector<bool> seen(w.minima.size(), false);
    for (std::size_t k = 0; k < w.sequence.size(); ++k) {
        QuenchPoint q;
        q.time = double(w.sequenceStep[k]) * timeStep;
        q.minimum = w.sequence[k];
        q.isEnergy = w.minima[static_cast<std::size_t>(q.minimum)].energy;
        q.mdEnergy = std::nan("");
        q.isNew = !seen[static_cast<std::size_t>(q.minimum)];
        seen[static_cast<std::size_t>(q.minimum)] = true;
        points.push_back(q);
    }
    addPoints(points, particles);
    status_->setText(tr("opened: %1 quenches, %2 distinct IS, %3 transitions").arg(w.sequence.size()).arg(w.minima.size()).arg(w.transitions.size()));
}

void ExplorePanel::setWalkProgress(int quench, int quenches, int distinct, int transitions) {
    if (startQuench_ < 0) startQuench_ = quench, started_ = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double rate = seconds > 0.2 ? double(quench - startQuench_) / seconds : 0.0;
    progress_->setValue(quenches > 0 ? static_cast<int>(1000.0 * quench / quenches) : 0);
    status_->setText(tr("walk: quench %1 of %2, %3 distinct IS, %4 transitions%5")
                         .arg(quench).arg(quenches).arg(distinct).arg(transitions)
                         .arg(rate > 0 ? tr(", %1 quenches/s, ETA %2 s").arg(rate, 0, 'f', 1).arg(double(quenches - quench) / rate, 0, 'f', 0)
                                       : QString()));
}

void ExplorePanel::setPairsProgress(int done, int total, int dwps, int tls) {
    progress_->setValue(total > 0 ? static_cast<int>(1000.0 * done / total) : 1000);
    status_->setText(tr("pairs: %1 of %2 analysed, %3 DWPs, %4 TLS").arg(done).arg(total).arg(dwps).arg(tls));
}

void ExplorePanel::setStatus(const QString& text) { status_->setText(text); }
QString ExplorePanel::statusText() const { return status_->text(); }
int ExplorePanel::tracePoints() const { return static_cast<int>(is_->count()); }

} // namespace tlscope::ui

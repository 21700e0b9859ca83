#include "ui/PreparePanel.h"

#include "core/common/Error.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

namespace tlscope::ui {

namespace {

QChartView* smallChart(const QString& title, QValueAxis*& x, QValueAxis*& y, const QString& yTitle) {
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
    x = new QValueAxis;
    x->setTitleText(QObject::tr("sweep"));
    x->setLabelFormat("%.0f");
    y = new QValueAxis;
    y->setTitleText(yTitle);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    auto* view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(190);
    return view;
}

QLineSeries* addSeries(QChartView* v, QValueAxis* x, QValueAxis* y, const QString& name, QColor colour) {
    auto* s = new QLineSeries;
    s->setName(name);
    s->setColor(colour);
    v->chart()->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
    return s;
}

} // namespace

PreparePanel::PreparePanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* intro = new QLabel(tr("Swap Monte Carlo: cool from T start to T_f, then equilibrate at T_f."));
    intro->setToolTip(tr("Swaps exchange diameters (soft spheres) or species (KA2); production at T_f keeps every\n"
                         "parameter fixed, so detailed balance holds. The Learn tab explains why this makes stable glasses."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QGridLayout;
    form->setHorizontalSpacing(6);
    form->setVerticalSpacing(2);
    model_ = new QComboBox;
    model_->setObjectName("prepareModel");
    model_->addItems({"soft-spheres", "ka2"});
    model_->setToolTip(tr("soft-spheres: polydisperse, Ninarello et al. (T_MCT 0.104);\nka2: ternary Kob-Andersen of Parmar et al."));
    n_ = new QSpinBox;
    n_->setObjectName("prepareN");
    n_->setRange(100, 100000);
    n_->setValue(1500);
    tStart_ = new QDoubleSpinBox;
    tStart_->setDecimals(3);
    tStart_->setRange(0.001, 10);
    tF_ = new QDoubleSpinBox;
    tF_->setObjectName("prepareTf");
    tF_->setDecimals(3);
    tF_->setRange(0.001, 10);
    tF_->setSingleStep(0.01);
    coolSweeps_ = new QSpinBox;
    coolSweeps_->setRange(0, 100'000'000);
    coolSweeps_->setValue(1000);
    sweeps_ = new QSpinBox;
    sweeps_->setObjectName("prepareSweeps");
    sweeps_->setRange(0, 100'000'000);
    sweeps_->setValue(5000);
    pSwap_ = new QDoubleSpinBox;
    pSwap_->setRange(0, 1);
    pSwap_->setSingleStep(0.05);
    pSwap_->setValue(0.2);
    seed_ = new QLineEdit("1");
    // Two label/field pairs per row: the panel shares the dock's height with the traces.
    const std::pair<QString, QWidget*> fields[] = {{tr("Model"), model_},       {tr("N"), n_},
                                                   {tr("T start"), tStart_},    {tr("T_f"), tF_},
                                                   {tr("Cooling"), coolSweeps_}, {tr("At T_f"), sweeps_},
                                                   {tr("p_swap"), pSwap_},      {tr("Seed"), seed_}};
    for (int k = 0; k < 8; ++k) {
        form->addWidget(new QLabel(fields[k].first), k / 2, 2 * (k % 2));
        form->addWidget(fields[k].second, k / 2, 2 * (k % 2) + 1);
    }
    coolSweeps_->setToolTip(tr("sweeps of linear cooling from T start to T_f (a sweep is N moves)"));
    sweeps_->setToolTip(tr("sweeps of production at T_f (every parameter fixed)"));
    layout->addLayout(form);
    auto* buttons = new QHBoxLayout;
    start_ = new QPushButton(tr("Prepare"));
    start_->setObjectName("prepareStart");
    pause_ = new QPushButton(tr("Pause"));
    stop_ = new QPushButton(tr("Stop"));
    buttons->addWidget(start_);
    buttons->addWidget(pause_);
    buttons->addWidget(stop_);
    layout->addLayout(buttons);
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    layout->addWidget(progress_);
    status_ = new QLabel(tr("not started"));
    status_->setObjectName("prepareStatus");
    status_->setWordWrap(true);
    layout->addWidget(status_);
    result_ = new QLabel;
    result_->setObjectName("prepareResult");
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    result_->setToolTip(tr("E_IS/N: the energy of the glass's inherent structure (L-BFGS quench), the stability measure;\n"
                           "F_s: self-intermediate scattering at the first peak of S(q) over the production sweeps -\n"
                           "below 1/e the structure relaxed within the run, so the glass is in equilibrium at T_f"));
    layout->addWidget(result_);
    auto* after = new QHBoxLayout;
    save_ = new QPushButton(tr("Save glass..."));
    save_->setToolTip(tr("extended XYZ (with diameters) or LAMMPS data (*.data)"));
    search_ = new QPushButton(tr("Search this glass"));
    search_->setToolTip(tr("a DWP search starting from this glass's inherent structure"));
    after->addWidget(save_);
    after->addWidget(search_);
    layout->addLayout(after);

    // One chart: E/N on the left axis, both acceptances (%) on the right.
    auto* traces = smallChart(tr("Energy and acceptance"), energyX_, energyY_, tr("E/N"));
    traces->setObjectName("prepareTraces");
    accX_ = energyX_;
    auto* accY = new QValueAxis;
    accY->setTitleText(tr("accepted %"));
    accY->setRange(0, 100);
    accY->setLabelFormat("%.0f");
    traces->chart()->addAxis(accY, Qt::AlignRight);
    energy_ = addSeries(traces, energyX_, energyY_, tr("E/N"), QColor(40, 40, 40));
    translations_ = addSeries(traces, energyX_, accY, tr("translations"), QColor(31, 119, 180));
    swaps_ = addSeries(traces, energyX_, accY, tr("swaps"), QColor(255, 127, 14));
    layout->addWidget(traces, 1);


    connect(model_, &QComboBox::currentTextChanged, this, [this](const QString& m) { setModel(m); });
    connect(start_, &QPushButton::clicked, this, &PreparePanel::startRequested);
    connect(pause_, &QPushButton::clicked, this, [this] { emit(paused_ ? resumeRequested() : pauseRequested()); });
    connect(stop_, &QPushButton::clicked, this, &PreparePanel::stopRequested);
    connect(save_, &QPushButton::clicked, this, &PreparePanel::saveRequested);
    connect(search_, &QPushButton::clicked, this, &PreparePanel::searchRequested);
    setModel(model_->currentText());
    setState(false, false);
    save_->setEnabled(false);
    search_->setEnabled(false);
}

void PreparePanel::setModel(const QString& preset) {
    if (model_->currentText() != preset) model_->setCurrentText(preset); // re-enters through the signal
    // Defaults: soft spheres at the middle T_f of Khomenko et al. (T_MCT 0.104), cooled from
    // ~3 T_MCT; KA2 below its MD-reachable temperatures, cooled from a hot liquid.
    const bool soft = preset == "soft-spheres";
    tStart_->setValue(soft ? 0.3 : 2.0);
    tF_->setValue(soft ? 0.092 : 0.6);
}

void PreparePanel::setFinalTemperature(double t) { tF_->setValue(t); }
void PreparePanel::setSweeps(long cooling, long production) {
    coolSweeps_->setValue(static_cast<int>(cooling));
    sweeps_->setValue(static_cast<int>(production));
}
void PreparePanel::setParticles(int n) { n_->setValue(n); }

Model PreparePanel::model() const { return Model::preset(model_->currentText().toStdString()); }
int PreparePanel::particles() const { return n_->value(); }

SwapPreparationParameters PreparePanel::parameters() const {
    SwapPreparationParameters p;
    p.startTemperature = tStart_->value();
    p.finalTemperature = tF_->value();
    p.coolingSweeps = coolSweeps_->value();
    p.sweeps = sweeps_->value();
    p.swapProbability = pSwap_->value();
    const Model m = model();
    p.relaxationWavenumber = 7.25 * std::cbrt(m.density / 1.2); // as `prepare --q auto`
    p.logEvery = std::max(1L, (p.coolingSweeps + p.sweeps) / 200);
    return p;
}

std::uint64_t PreparePanel::seed() const {
    bool ok = false;
    const qulonglong s = seed_->text().trimmed().toULongLong(&ok);
    if (!ok) throw InputError("the seed must be a non-negative integer, got '" + seed_->text().toStdString() + "'");
    return s;
}

void PreparePanel::setState(bool running, bool paused) {
    running_ = running, paused_ = paused;
    start_->setEnabled(!running);
    pause_->setEnabled(running);
    pause_->setText(paused ? tr("Resume") : tr("Pause"));
    stop_->setEnabled(running);
    for (QWidget* w : std::initializer_list<QWidget*>{model_, n_, tStart_, tF_, coolSweeps_, sweeps_, pSwap_, seed_})
        w->setEnabled(!running);
    if (running) {
        save_->setEnabled(false);
        search_->setEnabled(false);
    }
}

void PreparePanel::reset() {
    energy_->clear();
    translations_->clear();
    swaps_->clear();
    progress_->setValue(0);
    result_->clear();
    status_->setText(tr("starting..."));
    started_ = std::chrono::steady_clock::now();
    eMin_ = eMax_ = 0.0;
}

void PreparePanel::setProgress(const SwapPreparationProgress& p) {
    progress_->setValue(static_cast<int>(std::lround(1000 * p.fraction())));
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double rate = p.sweep / std::max(elapsed, 1e-9);
    const double eta = rate > 0 ? double(p.totalSweeps - p.sweep) / rate : 0.0;
    status_->setText(tr("%1 sweep %2 / %3, T = %4, E/N = %5\naccepted: translations %6 %, swaps %7 %\n%8 sweeps/s, ETA %9 s")
                         .arg(p.production ? tr("production") : tr("cooling"))
                         .arg(p.sweep)
                         .arg(p.totalSweeps)
                         .arg(p.temperature, 0, 'f', 4)
                         .arg(p.energyPerParticle, 0, 'f', 4)
                         .arg(100 * p.translationAcceptance, 0, 'f', 0)
                         .arg(100 * p.swapAcceptance, 0, 'f', 1)
                         .arg(rate, 0, 'f', 0)
                         .arg(eta, 0, 'f', 0));
    const double x = static_cast<double>(p.sweep);
    if (energy_->count() == 0) eMin_ = eMax_ = p.energyPerParticle;
    eMin_ = std::min(eMin_, p.energyPerParticle), eMax_ = std::max(eMax_, p.energyPerParticle);
    energy_->append(x, p.energyPerParticle);
    translations_->append(x, 100 * p.translationAcceptance);
    swaps_->append(x, 100 * p.swapAcceptance);
    // Keep the traces to a few hundred points: drop every other one when they grow long.
    for (QLineSeries* s : {energy_, translations_, swaps_})
        if (s->count() > 600) {
            QList<QPointF> pts = s->points(), kept;
            for (qsizetype k = 0; k < pts.size(); k += 2) kept << pts[k];
            s->replace(kept);
        }
    energyX_->setRange(0, std::max<double>(1.0, double(p.totalSweeps)));
    const double pad = std::max(1e-3, 0.05 * (eMax_ - eMin_));
    energyY_->setRange(eMin_ - pad, eMax_ + pad);
}

void PreparePanel::setResult(const PreparedGlass& g) {
    const SwapPreparationResult& r = g.result;
    const int n = g.particles;
    QString text;
    if (r.stopped) {
        text = tr("Stopped at sweep %1: the glass is not finished (no production run; it can still be saved).")
                   .arg(energy_->count() ? static_cast<long>(energy_->points().back().x()) : 0L);
    } else {
        const bool relaxed = g.parameters.sweeps > 0 && r.productionFs < std::exp(-1.0);
        text = tr("<b>Glass ready</b> (%1 s): E/N %2 at T_f %3, E_IS/N %4.<br>"
                  "Accepted %5 % / %6 %; MSD %7, F_s(%8) = %9: %10")
                   .arg(g.seconds, 0, 'f', 1)
                   .arg(r.energy / n, 0, 'f', 5)
                   .arg(g.parameters.finalTemperature)
                   .arg(g.quench.converged() ? QString::number(g.quench.energy / n, 'f', 5) : tr("not converged"))
                   .arg(100 * r.production.translationAcceptance(), 0, 'f', 0)
                   .arg(100 * r.production.swapAcceptance(), 0, 'f', 1)
                   .arg(r.productionMsd, 0, 'g', 3)
                   .arg(g.parameters.relaxationWavenumber, 0, 'f', 2)
                   .arg(r.productionFs, 0, 'f', 3)
                   .arg(g.parameters.sweeps == 0 ? tr("no production run")
                        : relaxed ? tr("relaxed, in equilibrium at T_f")
                                  : tr("<b>not relaxed</b> (F_s &gt; 1/e): run more sweeps"));
    }
    result_->setText(text);
    save_->setEnabled(true);
    search_->setEnabled(!r.stopped);
}

QString PreparePanel::statusText() const { return status_->text(); }
QString PreparePanel::resultText() const { return result_->text(); }
int PreparePanel::energyPoints() const { return static_cast<int>(energy_->count()); }

} // namespace tlscope::ui

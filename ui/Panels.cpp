#include "ui/Panels.h"
#include "ui/DisplayUnits.h"

#include "core/common/Error.h"
#include "core/model/Units.h"
#include "core/system/Configuration.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QApplication>
#include <QLabel>
#include <QPainterPath>
#include <QFontMetricsF>
#include <QPainter>
#include <QLineEdit>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScatterSeries>
#include <QSlider>
#include <QSpinBox>
#include <QTextBrowser>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tlscope::ui {

namespace {

QDoubleSpinBox* number(double lo, double hi, double value, int decimals, double step, const QString& tip) {
    auto* s = new QDoubleSpinBox;
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    s->setValue(value);
    s->setToolTip(tip);
    return s;
}

QSpinBox* integer(int lo, int hi, int value, const QString& tip) {
    auto* s = new QSpinBox;
    s->setRange(lo, hi);
    s->setValue(value);
    s->setToolTip(tip);
    return s;
}

QString duration(double s) {
    if (s < 0) return "?";
    const long t = std::lround(s);
    if (t >= 3600) return QString("%1 h %2 min").arg(t / 3600).arg((t / 60) % 60);
    if (t >= 60) return QString("%1 min %2 s").arg(t / 60).arg(t % 60);
    return QString("%1 s").arg(t);
}

} // namespace

// ---------------------------------------------------------------------------------------------

RunPanel::RunPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    model_ = new QComboBox;
    for (const auto& name : Model::presetNames()) model_->addItem(QString::fromStdString(name));
    model_->setToolTip(tr("the interaction model; ka-rh is the Reinisch-Heuer binary Lennard-Jones glass"));
    n_ = integer(2, 100000, 65, tr("number of particles, all copies together (the paper: 65 ... 260; 130 for 2 x 65)"));
    copies_ = integer(1, 64, 1, tr("independent copies sharing one box, pairs of different copies not interacting, "
                                   "energies added: 2 with N = 130 is the paper's \"2 x 65\" test of its algorithm"));
    seed_ = new QLineEdit("1");
    seed_->setValidator(new QRegularExpressionValidator(QRegularExpression("[0-9]{1,19}"), seed_));
    seed_->setToolTip(tr("random seed: the same seed gives the same catalog for any thread count"));
    starts_ = integer(1, 1000000, 20, tr("number of starting inherent structures (independent liquids, quenched)"));
    attempts_ = integer(1, 1000000, 400, tr("M: kicks from each starting structure (the paper: 400)"));
    tEquil_ = number(0.01, 10, 0.5, 3, 0.05, tr("temperature of the liquid the starting structures are quenched from (T_c = 0.45)"));
    equilTime_ = number(0, 1e6, SearchParameters{}.equilibrationTime, 0, 100,
                        tr("equilibration time at T_equil before the first start (docs/validation.md: at T = 0.5, N = 65, "
                           "3000 reproduces the equilibrium IS energies; 100 leaves them 2 eps too high)"));
    protocol_ = new QComboBox;
    protocol_->addItem("independent");
    protocol_->addItem("trajectory");
    protocol_->setToolTip(tr("independent: one liquid per start, equilibrated for the time above (parallel); "
                             "trajectory: the paper's protocol, one equilibrium trajectory sampled every interval"));
    sampleInterval_ = number(0.01, 1e6, SearchParameters{}.sampleInterval, 0, 50,
                             tr("trajectory protocol: time between successive starts along the trajectory"));
    tSearch_ = number(0.01, 10, 0.6, 3, 0.05, tr("kick temperature: Maxwell-Boltzmann velocities at T_search (see tlscope-cli calibrate)"));
    nSearch_ = integer(1, 1000000, 150, tr("NVE steps after each kick before minimizing"));
    dMin_ = number(0, 10, 0.001, 4, 0.001, tr("minima closer than this to the start are the start itself"));
    dMax_ = number(0.001, 10, 0.8, 3, 0.05, tr("largest d_mw_rp of a DWP (the paper: 0.8)"));
    asymMax_ = number(0.0001, 100, 0.5, 4, 0.05, tr("largest asymmetry |E2 - E1| of a kept minimum"));
    ircStep_ = number(0.0005, 0.05, SearchParameters{}.ircStep, 4, 0.001,
                      tr("step of the resolved reaction path the Schroedinger equation is solved on (docs/quantum.md; "
                         "halving it changes E_qs by < 1 %)"));
    minBarrier_ = number(0, 1, SearchParameters{}.minimumBarrier, 6, 1e-5,
                         tr("pairs whose smaller barrier is below this (eps) are shoulders, not double wells"));
    saddle_ = new QComboBox;
    saddle_->addItem("neb");
    saddle_->addItem("ridge");
    saddle_->setToolTip(tr("saddle search: climbing-image NEB or the ridge method; both are refined and Hessian-verified, "
                           "and find the same saddles (docs/validation.md)"));
    minimizer_ = new QComboBox;
    minimizer_->addItem("lbfgs");
    minimizer_->addItem("cg");
    minimizer_->addItem("fire");
    minimizer_->setToolTip(tr("quench minimizer for the starts and every attempt: L-BFGS needs half the force evaluations "
                              "of conjugate gradients (the paper's choice) and reaches the same minimum from 99 % of kicks"));
    mdForces_ = new QComboBox;
    mdForces_->addItem("single");
    mdForces_->addItem("double");
    mdForces_->setToolTip(tr("precision of the forces of the kicks, equilibration and sampling trajectory: single is twice as "
                             "fast with AVX-512 (the kicks are chaotic anyway); quenches, saddles and paths are always double"));
    threads_ = integer(0, 256, 0, tr("worker threads (0 = all cores); never changes the results"));
    session_ = new QLineEdit;
    session_->setPlaceholderText(tr("(no file: results stay in memory)"));
    session_->setToolTip(tr("session file (*.tls.h5) written as DWPs are found"));
    auto* browse = new QPushButton(tr("..."));
    browse->setMaximumWidth(30);
    auto* sessionRow = new QHBoxLayout;
    sessionRow->addWidget(session_);
    sessionRow->addWidget(browse);
    // Object names: what tests and style sheets find the fields by.
    const std::pair<QWidget*, const char*> names[] = {
        {model_, "model"}, {n_, "particles"}, {copies_, "copies"}, {seed_, "seed"}, {starts_, "starts"}, {attempts_, "attempts"},
        {tEquil_, "tEquil"}, {equilTime_, "equilibrationTime"}, {protocol_, "startProtocol"},
        {sampleInterval_, "sampleInterval"}, {tSearch_, "tSearch"}, {nSearch_, "nSearch"}, {dMin_, "dMin"},
        {dMax_, "dMax"}, {asymMax_, "asymMax"}, {saddle_, "saddleMethod"}, {ircStep_, "ircStep"},
        {minBarrier_, "minimumBarrier"}, {minimizer_, "quenchMinimizer"}, {mdForces_, "mdForces"}, {threads_, "threads"}, {session_, "session"}};
    for (const auto& [widget, name] : names) widget->setObjectName(name);
    form->addRow(tr("Model"), model_);
    form->addRow(tr("Particles N"), n_);
    form->addRow(tr("Copies"), copies_);
    form->addRow(tr("Seed"), seed_);
    form->addRow(tr("Starting minima"), starts_);
    form->addRow(tr("Attempts M"), attempts_);
    form->addRow(tr("T_equil"), tEquil_);
    form->addRow(tr("Equilibration time"), equilTime_);
    form->addRow(tr("Start protocol"), protocol_);
    form->addRow(tr("Sample interval"), sampleInterval_);
    form->addRow(tr("T_search"), tSearch_);
    form->addRow(tr("N_search"), nSearch_);
    form->addRow(tr("d_min"), dMin_);
    form->addRow(tr("d_max"), dMax_);
    form->addRow(tr("Asymmetry max"), asymMax_);
    form->addRow(tr("Saddle method"), saddle_);
    form->addRow(tr("Path step"), ircStep_);
    form->addRow(tr("Minimum barrier"), minBarrier_);
    form->addRow(tr("Quench minimizer"), minimizer_);
    form->addRow(tr("MD forces"), mdForces_);
    form->addRow(tr("Threads"), threads_);
    form->addRow(tr("Session file"), sessionRow);
    // The parameters scroll (they are taller than a laptop screen allows beside the table);
    // the buttons, progress and log below stay in view.
    auto* formWidget = new QWidget;
    formWidget->setLayout(form);
    auto* scroll = new QScrollArea;
    scroll->setWidget(formWidget);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(scroll, 3);
    error_ = new QLabel;
    error_->setStyleSheet("color: #e05050;");
    error_->setWordWrap(true);
    layout->addWidget(error_);
    auto* buttons = new QHBoxLayout;
    start_ = new QPushButton(tr("Start"));
    pause_ = new QPushButton(tr("Pause"));
    stop_ = new QPushButton(tr("Stop"));
    start_->setToolTip(tr("start a search with these parameters (F5)"));
    pause_->setToolTip(tr("pause or resume the running search"));
    stop_->setToolTip(tr("stop the search; a session file can be resumed with tlscope-cli search --resume"));
    buttons->addWidget(start_);
    buttons->addWidget(pause_);
    buttons->addWidget(stop_);
    layout->addLayout(buttons);
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    layout->addWidget(progress_);
    rate_ = new QLabel(tr("idle"));
    rate_->setWordWrap(true);
    layout->addWidget(rate_);
    log_ = new QPlainTextEdit;
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(2000);
    log_->setPlaceholderText(tr("log"));
    log_->setMinimumHeight(60);
    layout->addWidget(log_, 1);

    connect(start_, &QPushButton::clicked, this, &RunPanel::startRequested);
    connect(stop_, &QPushButton::clicked, this, &RunPanel::stopRequested);
    connect(pause_, &QPushButton::clicked, this, [this] {
        if (pause_->text() == tr("Pause")) emit pauseRequested();
        else emit resumeRequested();
    });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Session file"), "run.tls.h5", tr("TLScope session (*.tls.h5)"));
        if (!p.isEmpty()) session_->setText(p);
    });
    connect(protocol_, &QComboBox::currentIndexChanged, this, [this] {
        sampleInterval_->setEnabled(protocol_->currentText() == "trajectory");
        validate();
    });
    sampleInterval_->setEnabled(false);
    for (auto* s : {dMin_, dMax_, asymMax_, tEquil_, tSearch_, equilTime_, sampleInterval_, ircStep_, minBarrier_}) connect(s, &QDoubleSpinBox::valueChanged, this, &RunPanel::validate);
    for (auto* s : {n_, copies_, starts_, attempts_, nSearch_, threads_}) connect(s, &QSpinBox::valueChanged, this, &RunPanel::validate);
    connect(model_, &QComboBox::currentIndexChanged, this, &RunPanel::validate);
    connect(seed_, &QLineEdit::textChanged, this, &RunPanel::validate);
    setState(false, false);
    validate();
}

SearchParameters RunPanel::parameters() const {
    SearchParameters p;
    p.model = Model::preset(model_->currentText().toStdString());
    p.model.copies = copies_->value();
    p.particles = n_->value();
    bool ok = false;
    p.seed = seed_->text().toULongLong(&ok);
    if (!ok) throw InputError("the seed must be a non-negative integer");
    p.starts = starts_->value();
    p.attempts = attempts_->value();
    p.tEquil = tEquil_->value();
    p.equilibrationTime = equilTime_->value();
    p.startProtocol = parseStartProtocol(protocol_->currentText().toStdString());
    p.sampleInterval = sampleInterval_->value();
    p.tSearch = tSearch_->value();
    p.nSearch = nSearch_->value();
    p.dMin = dMin_->value();
    p.dMax = dMax_->value();
    p.asymMax = asymMax_->value();
    p.saddleMethod = parseSaddleMethod(saddle_->currentText().toStdString());
    p.ircStep = ircStep_->value();
    p.minimumBarrier = minBarrier_->value();
    p.quenchMinimizer = parseMinimizer(minimizer_->currentText().toStdString());
    p.singlePrecisionMd = parseMdForces(mdForces_->currentText().toStdString());
    p.threads = threads_->value();
    p.validate();
    return p;
}

void RunPanel::setParameters(const SearchParameters& p) {
    const int i = model_->findText(QString::fromStdString(p.model.name));
    if (i >= 0) model_->setCurrentIndex(i);
    n_->setValue(p.particles);
    copies_->setValue(p.model.copies);
    seed_->setText(QString::number(p.seed));
    starts_->setValue(p.starts);
    attempts_->setValue(p.attempts);
    tEquil_->setValue(p.tEquil);
    equilTime_->setValue(p.equilibrationTime);
    protocol_->setCurrentText(QString::fromStdString(startProtocolName(p.startProtocol)));
    sampleInterval_->setValue(p.sampleInterval);
    tSearch_->setValue(p.tSearch);
    nSearch_->setValue(static_cast<int>(p.nSearch));
    dMin_->setValue(p.dMin);
    dMax_->setValue(p.dMax);
    asymMax_->setValue(p.asymMax);
    saddle_->setCurrentText(QString::fromStdString(saddleMethodName(p.saddleMethod)));
    ircStep_->setValue(p.ircStep);
    minBarrier_->setValue(p.minimumBarrier);
    minimizer_->setCurrentText(QString::fromStdString(minimizerName(p.quenchMinimizer)));
    mdForces_->setCurrentText(p.singlePrecisionMd ? "single" : "double");
    threads_->setValue(p.threads);
    validate();
}

QString RunPanel::sessionPath() const { return session_->text().trimmed(); }
void RunPanel::setSessionPath(const QString& path) { session_->setText(path); }

QString RunPanel::validationMessage() const { return error_->text(); }

void RunPanel::validate() {
    try {
        parameters();
        error_->clear();
    } catch (const std::exception& e) {
        error_->setText(QString::fromUtf8(e.what()));
    }
    start_->setEnabled(!running_ && error_->text().isEmpty());
}

void RunPanel::setState(bool running, bool paused) {
    running_ = running;
    paused_ = paused;
    start_->setEnabled(!running && error_->text().isEmpty());
    pause_->setEnabled(running);
    stop_->setEnabled(running);
    pause_->setText(paused ? tr("Resume") : tr("Pause"));
    for (QWidget* w : std::initializer_list<QWidget*>{model_, n_, copies_, seed_, starts_, attempts_, tEquil_, equilTime_, protocol_,
                                                      tSearch_, nSearch_, dMin_, dMax_, asymMax_, saddle_, ircStep_,
                                                      minBarrier_, minimizer_, mdForces_, threads_, session_})
        w->setEnabled(!running);
    sampleInterval_->setEnabled(!running && protocol_->currentText() == "trajectory");
    if (last_.attemptsTotal > 0) setProgress(last_); // the ETA follows the state
}

void RunPanel::resetProgress() {
    last_ = {};
    progress_->setValue(0);
    rate_->setText(tr("idle"));
}

QString RunPanel::progressText() const { return rate_->text(); }

void RunPanel::setProgress(const SearchProgress& p) {
    last_ = p;
    progress_->setValue(p.attemptsTotal ? static_cast<int>(1000.0 * p.attemptsDone / p.attemptsTotal) : 0);
    // An ETA only while the search runs: "paused" while paused, nothing once it has stopped.
    const QString eta = !running_ ? QString() : paused_ ? tr(", paused") : tr(", ETA %1").arg(duration(p.etaSeconds));
    rate_->setText(tr("%1 / %2 attempts, %3 / %4 starts\n%5 minima, %6 DWPs, %7 TLS\n%8 attempts/s%9")
                       .arg(p.attemptsDone)
                       .arg(p.attemptsTotal)
                       .arg(p.startsDone)
                       .arg(p.startsTotal)
                       .arg(p.minima)
                       .arg(p.doubleWells)
                       .arg(p.tls)
                       .arg(p.attemptsPerSecond, 0, 'f', 0)
                       .arg(eta));
}

void RunPanel::appendLog(const QString& line) { log_->appendPlainText(line); }
QString RunPanel::logText() const { return log_->toPlainText(); }

// ---------------------------------------------------------------------------------------------

DetailPanel::DetailPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* chart = new QChart;
    chart->setTitle(tr("Energy along the path"));
    chart->legend()->setVisible(false);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart_ = new QChartView(chart);
    chart_->setRenderHint(QPainter::Antialiasing);
    chart_->setMinimumHeight(220);
    layout->addWidget(chart_, 1);
    auto* controls = new QHBoxLayout;
    playButton_ = new QPushButton(tr("Play"));
    playButton_->setToolTip(tr("animate the transition along the path (Space)"));
    mode_ = new QComboBox;
    mode_->addItems({tr("rock"), tr("loop")});
    mode_->setToolTip(tr("rock: back and forth between the minima; loop: minimum 1 to minimum 2 and jump back"));
    speed_ = new QSlider(Qt::Horizontal);
    speed_->setRange(1, 100);
    speed_->setValue(30);
    speed_->setToolTip(tr("animation speed"));
    controls->addWidget(playButton_);
    controls->addWidget(mode_);
    controls->addWidget(new QLabel(tr("speed")));
    controls->addWidget(speed_, 1);
    layout->addLayout(controls);
    scrub_ = new QSlider(Qt::Horizontal);
    scrub_->setRange(0, 1000);
    scrub_->setToolTip(tr("position along the path: minimum 1 (left) to minimum 2 (right)"));
    layout->addWidget(scrub_);
    numbers_ = new QLabel(tr("Select a DWP in the table."));
    numbers_->setObjectName("numbers");
    numbers_->setTextFormat(Qt::RichText);
    numbers_->setWordWrap(true);
    numbers_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(numbers_);
    timer_ = new QTimer(this);
    timer_->setObjectName("animationTimer");
    timer_->setInterval(33);
    connect(timer_, &QTimer::timeout, this, &DetailPanel::step);
    connect(playButton_, &QPushButton::clicked, this, [this] { play(!playing()); });
    connect(scrub_, &QSlider::sliderMoved, this, [this](int v) { setPosition(v / 1000.0); });
}

bool DetailPanel::playing() const { return timer_->isActive(); }

void DetailPanel::play(bool on) {
    if (on && dwp_) timer_->start();
    else timer_->stop();
    playButton_->setText(timer_->isActive() ? tr("Pause") : tr("Play"));
}

void DetailPanel::step() {
    const double dt = 0.0005 * speed_->value();
    double t = position_ + direction_ * dt;
    if (mode_->currentIndex() == 0) { // rock
        if (t > 1) t = 1, direction_ = -1;
        if (t < 0) t = 0, direction_ = 1;
    } else {
        direction_ = 1;
        if (t > 1) t = 0;
    }
    setPosition(t);
}

void DetailPanel::setPosition(double t) {
    position_ = std::clamp(t, 0.0, 1.0);
    if (!scrub_->isSliderDown()) scrub_->setValue(static_cast<int>(std::lround(1000 * position_)));
    if (marker_ && dwp_ && dwp_->dwp.profile.s.size() >= 2) {
        const auto& s = dwp_->dwp.profile.s;
        const auto& e = dwp_->dwp.profile.energy;
        const double x = position_ * dwp_->dwp.profileMinimum2;
        std::size_t k = 0;
        while (k + 2 < s.size() && s[k + 1] < x) ++k;
        const double f = s[k + 1] > s[k] ? (x - s[k]) / (s[k + 1] - s[k]) : 0.0;
        const double base = std::min(dwp_->dwp.e1, dwp_->dwp.e2);
        marker_->replace(0, x, e[k] + f * (e[k + 1] - e[k]) - base);
    }
    emit positionChanged(position_);
}

namespace {

/// Where the levels live, the barriers from each side and the two-level quantities, as table rows
/// (the %9 cell closes and reopens the surrounding row).
QString quantumRows(const DoubleWell& w) {
    const QuantumLevels& q = w.quantum;
    auto where = [](Localisation l, double weight1) {
        switch (l) {
        case Localisation::Well1: return QObject::tr("well 1 (%1 %)").arg(100 * weight1, 0, 'f', 0);
        case Localisation::Well2: return QObject::tr("well 2 (%1 %)").arg(100 * (1 - weight1), 0, 'f', 0);
        case Localisation::Both: break;
        }
        return QObject::tr("both wells (%1 % in well 1)").arg(100 * weight1, 0, 'f', 0);
    };
    QString note;
    if (q.level0 == q.level1 && q.level0 != Localisation::Both)
        note = QObject::tr("<br><i>both levels in one well: E_qs is its vibration quantum, not a tunnel splitting</i>");
    return QObject::tr("levels 0 / 1</td><td>%1 / %2%3</td></tr>"
                       "<tr><td>barrier from well 1 / 2</td><td>%4 / %5 eps</td></tr>"
                       "<tr><td>quantum asymmetry Delta</td><td>%6 K</td></tr>"
                       "<tr><td>tunnelling Delta0 (WKB)</td><td>%7 K</td></tr>"
                       "<tr><td>E = sqrt(Delta^2 + Delta0^2)</td><td>%8 K")
        .arg(where(q.level0, q.level0Well1), where(q.level1, q.level1Well1), note)
        .arg(w.barrier1, 0, 'g', 4).arg(w.barrier2, 0, 'g', 4)
        .arg(kelvin(q.quantumAsymmetry), 0, 'g', 3)
        .arg(kelvin(q.delta0), 0, 'g', 3)
        .arg(kelvin(q.twoLevelEnergy), 0, 'g', 3);
}

} // namespace

void DetailPanel::setTextScale(double scale) {
    textScale_ = std::clamp(scale, 0.5, 4.0);
    applyTextScale();
}

void DetailPanel::applyTextScale() {
    QFont base = QApplication::font();
    if (textScale_ != 1.0) base.setPointSizeF(base.pointSizeF() * textScale_);
    if (auto* numbers = findChild<QLabel*>("numbers")) numbers->setFont(base);
    QChart* c = chart_->chart();
    QFont title = base;
    title.setBold(true);
    c->setTitleFont(title);
    for (QAbstractAxis* axis : c->axes()) {
        axis->setLabelsFont(base);
        axis->setTitleFont(base);
    }
    chart_->setMinimumHeight(static_cast<int>(220 * std::min(textScale_, 1.6)));
}

void DetailPanel::setDwp(DwpPtr dwp, const QStringList& speciesNames, double boxLength, int attempts, int number) {
    number_ = number;
    dwp_ = std::move(dwp);
    QChart* c = chart_->chart();
    c->removeAllSeries();
    for (QAbstractAxis* a : c->axes()) {
        c->removeAxis(a);
        delete a;
    }
    marker_ = nullptr;
    if (!dwp_) {
        numbers_->setText(tr("Select a DWP in the table."));
        play(false);
        return;
    }
    const DoubleWell& w = dwp_->dwp;
    const double base = std::min(w.e1, w.e2);
    // The resolved profile the Schroedinger equation was solved on, with a margin of its
    // continuation past both minima, and the two lowest levels.
    const double sEnd = w.profileMinimum2 > 0 ? w.profileMinimum2 : 1.0;
    const double margin = 0.15 * sEnd;
    auto* line = new QLineSeries;
    line->setName(tr("V(s)"));
    line->setPen(QPen(QColor(70, 130, 200), 2));
    for (std::size_t k = 0; k < w.profile.s.size(); ++k)
        if (w.profile.s[k] >= -margin && w.profile.s[k] <= sEnd + margin) line->append(w.profile.s[k], w.profile.energy[k] - base);
    std::vector<QLineSeries*> levels;
    for (double e : {w.quantum.e0, w.quantum.e1}) {
        auto* level = new QLineSeries;
        level->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
        level->append(-margin, e - base);
        level->append(sEnd + margin, e - base);
        levels.push_back(level);
    }
    levels[0]->setName(tr("E0, E1"));
    auto* points = new QScatterSeries;
    points->setMarkerSize(11);
    points->setColor(QColor(235, 120, 40));
    points->append(0, w.e1 - base);
    points->append(sEnd, w.e2 - base);
    const double sSaddle = w.profileSaddle;
    auto* saddle = new QScatterSeries;
    saddle->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    saddle->setMarkerSize(11);
    saddle->setColor(QColor(220, 60, 50));
    saddle->append(sSaddle, w.eSaddle - base);
    marker_ = new QScatterSeries;
    marker_->setMarkerSize(14);
    marker_->setColor(QColor(40, 220, 90));
    marker_->append(0, w.e1 - base);
    for (auto* s : std::initializer_list<QXYSeries*>{line, levels[0], levels[1], points, saddle, marker_}) c->addSeries(s);
    auto* x = new QValueAxis;
    x->setRange(-margin, sEnd + margin);
    // Short titles: a narrow panel must not elide them (s: mass-weighted path length).
    x->setTitleText(QString::fromUtf8("s (\u03c3 \u221am_A)"));
    auto* y = new QValueAxis;
    y->setRange(-0.05 * w.barrier, std::max(w.eSaddle - base, w.quantum.e1 - base) * 1.15);
    y->setTitleText(QString::fromUtf8("E \u2212 E_min (\u03b5)"));
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);
    for (auto* s : c->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    // The table's "#", then what names the DWP in the session file (the numbers follow below).
    c->setTitle(number_ >= 0 ? tr("DWP #%1 (start %2, min %3)").arg(number_).arg(dwp_->start).arg(dwp_->minimum)
                             : tr("DWP start %1, min %2").arg(dwp_->start).arg(dwp_->minimum));
    if (textScale_ != 1.0) applyTextScale(); // the axes are new
    // The most displaced particles, from the sorted profile and the configurations.
    QString top;
    if (w.minimum1.size() == w.minimum2.size() && w.minimum1.size() > 0 && boxLength > 0) {
        const int n = static_cast<int>(w.minimum1.size() / 3);
        const Eigen::VectorXd dr = minimumImageDisplacement(w.minimum1, w.minimum2, boxLength);
        std::vector<std::pair<double, int>> moved;
        for (int i = 0; i < n; ++i) moved.emplace_back(dr.segment<3>(3 * i).norm(), i);
        std::partial_sort(moved.begin(), moved.begin() + std::min(5, n), moved.end(), std::greater<>());
        QStringList items;
        for (int k = 0; k < std::min(5, n); ++k) {
            const int i = moved[static_cast<std::size_t>(k)].second;
            const int sp = i < static_cast<int>(dwp_->species.size()) ? dwp_->species[static_cast<std::size_t>(i)] : -1;
            items << QString("#%1 %2 %3").arg(i).arg(sp >= 0 && sp < speciesNames.size() ? speciesNames[sp] : "?")
                         .arg(moved[static_cast<std::size_t>(k)].first, 0, 'f', 3);
        }
        top = items.join(", ");
    }
    const QString central = w.centralSpecies >= 0 && w.centralSpecies < speciesNames.size() ? speciesNames[w.centralSpecies] : "?";
    numbers_->setText(
        tr("<table>"
           "<tr><td>E1, E2, E_saddle</td><td>%1, %2, %3</td></tr>"
           "<tr><td>asymmetry / barrier</td><td>%4 / %5 eps</td></tr>"
           "<tr><td>E_qs = E1 - E0</td><td><b>%6 K</b> (%7 eps) %8</td></tr>"
           "<tr><td>%9</td></tr>"
           "<tr><td>d, d_mw, d_mw_rp</td><td>%10, %11, %12</td></tr>"
           "<tr><td>PR2, PR3, PR4</td><td>%13, %14, %15</td></tr>"
           "<tr><td>central particle</td><td><b>#%16 (%17)</b>, moves %18</td></tr>"
           "<tr><td>most displaced</td><td>%19</td></tr>"
           "<tr><td>found</td><td>%20</td></tr></table>")
            .arg(w.e1, 0, 'f', 5).arg(w.e2, 0, 'f', 5).arg(w.eSaddle, 0, 'f', 5)
            .arg(w.asymmetry, 0, 'g', 4).arg(w.barrier, 0, 'g', 4)
            .arg(kelvin(w.quantum.splitting), 0, 'g', 3).arg(w.quantum.splitting, 0, 'g', 3).arg(w.isTls ? tr("- a TLS") : QString())
            .arg(quantumRows(w))
            .arg(w.d, 0, 'f', 3).arg(w.dMassWeighted, 0, 'f', 3).arg(w.dMassWeightedReactionPath, 0, 'f', 3)
            .arg(w.pr2, 0, 'f', 2).arg(w.pr3, 0, 'f', 2).arg(w.pr4, 0, 'f', 2)
            .arg(w.centralParticle).arg(central).arg(w.centralDisplacement, 0, 'f', 3)
            .arg(top)
            .arg(attempts > 0 ? tr("in %1 of %2 attempts").arg(dwp_->findCount).arg(attempts)
                              : tr("in %1 attempts").arg(dwp_->findCount)));
    setPosition(0.0);
}

// ---------------------------------------------------------------------------------------------

DoubleWellDiagram::DoubleWellDiagram(QWidget* parent) : QWidget(parent) {
    setObjectName("doubleWellDiagram");
    setMinimumHeight(150);
}

void DoubleWellDiagram::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const double w = width(), h = height();
    // Schematic: V(x) with minima at x = -1 (E1) and +1 (E2) and the saddle at 0. With a DWP
    // selected, the depths follow its energies (the barrier is drawn to scale with the asymmetry).
    double e1 = 0.0, e2 = 0.3, es = 1.0, lv0 = 0.15, lv1 = 0.45;
    QString l1 = "E1", l2 = "E2", ls = "saddle", lq0 = "E_0", lq1 = "E_1";
    if (dwp_) {
        const DoubleWell& d = dwp_->dwp;
        const double base = std::min(d.e1, d.e2), top = std::max(d.eSaddle - base, 1e-12);
        e1 = (d.e1 - base) / top, e2 = (d.e2 - base) / top, es = 1.0;
        lv0 = (d.quantum.e0 - base) / top, lv1 = (d.quantum.e1 - base) / top;
        l1 = QString("E1 = %1").arg(d.e1, 0, 'f', 4);
        l2 = QString("E2 = %1").arg(d.e2, 0, 'f', 4);
        ls = QString("barrier %1 \u03b5").arg(d.barrier, 0, 'g', 3);
        lq0 = "E_0", lq1 = QString("E_1 (E_qs = %1 K)").arg(kelvin(d.quantum.splitting), 0, 'g', 3);
    }
    const double left = 0.08 * w, right = 0.92 * w, bottom = 0.88 * h, topY = 0.12 * h;
    auto X = [&](double x) { return left + (x + 1.6) / 3.2 * (right - left); };
    auto Y = [&](double e) { return bottom - std::clamp(e, -0.1, 1.5) / 1.5 * (bottom - topY); };
    // A smooth curve through the three stationary points (quartic pieces on each side).
    auto V = [&](double x) {
        const double m = x < 0 ? e1 : e2, a = std::abs(x);
        const double s = a <= 1.0 ? (1 - a * a) * (1 - a * a) : 0.0; // 1 at the saddle, 0 at the minimum
        return a <= 1.0 ? m + (es - m) * s : m + (a - 1) * (a - 1) * 2.0;
    };
    QPainterPath path;
    for (int k = 0; k <= 200; ++k) {
        const double x = -1.6 + 3.2 * k / 200.0;
        k == 0 ? path.moveTo(X(x), Y(V(x))) : path.lineTo(X(x), Y(V(x)));
    }
    p.setPen(QPen(QColor(40, 110, 200), 2.5));
    p.drawPath(path);
    // The two lowest levels (dashed), the minima and the saddle.
    p.setPen(QPen(QColor(120, 120, 120), 1.2, Qt::DashLine));
    for (double level : {lv0, lv1}) p.drawLine(QPointF(X(-1.5), Y(level)), QPointF(X(1.5), Y(level)));
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(40, 200, 90));
    p.drawEllipse(QPointF(X(-1), Y(e1)), 5, 5);
    p.setBrush(QColor(240, 140, 40));
    p.drawEllipse(QPointF(X(1), Y(e2)), 5, 5);
    p.setBrush(QColor(220, 60, 50));
    p.drawRect(QRectF(X(0) - 4, Y(es) - 4, 8, 8));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.9);
    p.setFont(f);
    p.setPen(palette().text().color());
    p.drawText(QPointF(X(-1.55), Y(e1) + 16), l1);
    p.drawText(QPointF(X(0.45), Y(e2) + 16), l2);
    p.drawText(QPointF(X(0) + 8, Y(es) - 2), ls);
    // Level labels: E_0 on the left, E_1 on the right, never on top of each other.
    const double y0 = Y(lv0) - 3, y1 = std::min(Y(lv1) - 3, y0 - 13);
    p.drawText(QPointF(X(-1.55), y0), lq0);
    const QFontMetricsF fm(f);
    p.drawText(QPointF(X(1.55) - fm.horizontalAdvance(lq1), y1), lq1);
}

TeachingPanel::TeachingPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    diagram_ = new DoubleWellDiagram;
    onScreen_ = new QLabel;
    onScreen_->setObjectName("onScreen");
    onScreen_->setWordWrap(true);
    onScreen_->setTextFormat(Qt::RichText);
    layout->addWidget(diagram_);
    layout->addWidget(onScreen_);
    setDwp(nullptr);
    auto* text = new QTextBrowser;
    text->setOpenExternalLinks(false);
    text->setHtml(tr(R"(
<h3>What you are looking at</h3>
<p><b>Particles.</b> A binary Lennard-Jones glass: large A particles (blue) and small B particles
(orange), 80:20, in a periodic box. Colour by displacement shows how far each particle moves in
the transition you selected: blue did not move, white moved half as far as the most, red moved
most (the colour bar gives |dr| in sigma).</p>
<h4>Units</h4>
<p>Energies are in <b>&epsilon;</b> (the A-A well depth), lengths in <b>&sigma;</b> (the A-A diameter),
masses in m_A. With the NiP mapping of Reinisch &amp; Heuer, 1 &epsilon; = 934 K, 1 &sigma; = 2.2 &Aring;,
m_A = 62 u: so 1 K = 0.00107 &epsilon;, and the TLS threshold E_qs &lt; 1 K is an energy a
thousand times smaller than a bond.</p>
<h4>Inherent structure (IS)</h4>
<p>Quench a liquid configuration to the nearest local minimum of the potential energy: that
minimum is its inherent structure. A glass at low temperature vibrates around one IS.</p>
<h4>Double-well potential (DWP)</h4>
<p>Two neighbouring minima joined by a single first-order saddle. The search kicks the IS with
random velocities (temperature T_search), runs a short MD, and minimizes again; a new nearby
minimum is connected to the IS by the lowest path over the saddle, which the Hessian must
confirm (exactly one negative curvature).</p>
<h4>Asymmetry and barrier</h4>
<p><b>Asymmetry</b> = |E2 - E1|, the energy difference of the two minima.
<b>Barrier</b> = E_saddle - min(E1, E2), how high the path climbs. The plot on the right shows the
energy along the path; the green dot follows the animation.</p>
<h4>Central particle</h4>
<p>The particle that moves most in the transition, filled and ringed in green, its number in the
caption (a particle you click gets an amber ring and is described in the Particle panel). In this glass it is almost always a small B particle (the paper: over 90 %), and the
motion is collective: several neighbours move a little with it (participation ratios PR2-PR4).</p>
<h4>Quantum levels, tunnelling and TLS</h4>
<p>At very low temperature the system tunnels between the two minima. TLScope follows the
minimum-energy path from the saddle down into both minima in fine steps (the energy profile on
the right, with the two lowest levels dashed) and solves the 1D Schroedinger equation along it.
<b>E_qs = E_1 - E_0</b>, the gap between the two lowest levels, decides: below about 1 K the DWP is
a <b>two-level system (TLS)</b>. These cause the anomalous heat capacity and thermal conductivity
of glasses below 1 K.</p>
<p>Look at <b>where the levels live</b>. When the lowest level sits in one well and the next in the
other, E_qs is the two-level energy E = sqrt(Delta^2 + Delta0^2): <b>Delta</b> is the quantum
asymmetry (the difference of the two wells' own ground levels, zero-point energies included)
and <b>Delta0</b> the tunnelling amplitude through the barrier. When both levels sit in the same
well, E_qs is only that well's vibration quantum - no tunnelling pair at all. Only nearly
symmetric DWPs with small distances and low barriers qualify, so TLS are rare - about one in
many thousand particles.</p>
<h4>Stable glasses and swap Monte Carlo</h4>
<p>A glass is a liquid that fell out of equilibrium while cooling: the slower it was cooled, the
lower the temperature at which it froze (its <b>fictive temperature T_f</b>) and the deeper and
more stable its inherent structure. MD can equilibrate liquids only down to about the
mode-coupling temperature T_MCT; real glasses are far more stable. <b>Swap Monte Carlo</b>
(Prepare glass tab) gets much further: besides small random moves it exchanges the diameters of
two particles (soft spheres) or the species of two particles (KA2), accepted with the Metropolis
rule. A swap lets a particle that is too big for its cage become a smaller one at once, so the
structure relaxes thousands of times faster than by motion alone, while every move keeps
detailed balance, so the glass is a true equilibrium state at T_f. The traces show it: the
energy per particle settles to a plateau, and F_s (how much of the starting structure is left)
must fall below 1/e during the run at T_f. Mocanu et al. and Khomenko et al. found that
tunnelling two-level systems become rarer as T_f falls: stable glasses have fewer soft spots.
In the view, soft spheres are coloured by diameter (small orange, large blue).</p>
<h4>The plots</h4>
<p><b>Histograms</b>: how many DWPs have each asymmetry, distance and barrier (the paper's Fig. 1;
click a bar to list its DWPs). <b>Barrier vs d</b>: higher barriers go with longer moves.
<b>Find counts</b>: how often the search found each DWP (Fig. 2: rarely found ones mean more are
missing). <b>Profiles</b>: how the displacement is shared among the most mobile particles
(Fig. 6). <b>IS energies</b>: the energies of the starting structures (are they equilibrated?).</p>
<p><i>Reinisch &amp; Heuer, PRB 2004/PRL 2005; Mocanu et al., J. Chem. Phys. 2023.</i></p>
)"));
    layout->addWidget(text, 1);
}

void TeachingPanel::setDwp(DwpPtr dwp) {
    diagram_->setDwp(dwp);
    if (!dwp) {
        onScreen_->setText(tr("<i>The diagram shows a double well with its two lowest quantum levels. Select a DWP "
                              "and it takes that DWP's numbers.</i>"));
        return;
    }
    const DoubleWell& d = dwp->dwp;
    const bool tunnelling = d.quantum.level0 != d.quantum.level1 && d.quantum.level0 != Localisation::Both &&
                            d.quantum.level1 != Localisation::Both;
    onScreen_->setText(
        tr("<b>On screen:</b> asymmetry |E2 &minus; E1| = %1 &epsilon; (%2 K), barrier %3 &epsilon; (%4 K). "
           "E_qs = E_1 &minus; E_0 = <b>%5 K</b>: %6")
            .arg(d.asymmetry, 0, 'g', 3).arg(kelvin(d.asymmetry), 0, 'g', 3)
            .arg(d.barrier, 0, 'g', 3).arg(kelvin(d.barrier), 0, 'g', 3)
            .arg(kelvin(d.quantum.splitting), 0, 'g', 3)
            .arg(tunnelling ? tr("the two levels sit in different wells - a tunnelling pair%1.")
                                  .arg(d.isTls ? tr(", and below the TLS threshold: a TLS") : QString())
                            : tr("both levels sit in one well, so E_qs is a vibration quantum of that well, not a tunnel "
                                 "splitting (no TLS).")));
}

QString TeachingPanel::onScreenText() const { return onScreen_->text(); }

} // namespace tlscope::ui

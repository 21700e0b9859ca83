#include "ui/MainWindow.h"
#include "ui/GifWriter.h"

#include "core/common/Error.h"
#include "core/io/ConfigurationFile.h"
#include "core/potential/PairKernel.h"
#include "core/io/ExtendedXyz.h"
#include "core/potential/PairPotential.h"
#include "core/tls/Displacement.h"
#include "ui/Panels.h"
#include "ui/PlotPanel.h"
#include "ui/report/PaperReport.h"
#include "ui/DisplayUnits.h"
#include "ui/CompareDialog.h"
#include "ui/ExplorePanel.h"
#include "ui/ExploreWorker.h"
#include "ui/MetabasinMap.h"
#include "ui/PreparePanel.h"
#include "ui/PrepareWorker.h"
#include "ui/SearchWorker.h"
#include "ui/VtkView.h"

#include <hdf5.h>
#include <vtkVersion.h>

#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QApplication>
#include <QDockWidget>
#include <QSpinBox>
#include <QFormLayout>
#include <QDialogButtonBox>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPointer>
#include <QPainter>
#include <QPushButton>
#include <QDateTime>
#include <QDir>
#include <QStandardPaths>
#include <QSettings>

#include <algorithm>
#include <cmath>
#include <QStatusBar>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QScreen>
#include <QScrollArea>
#include <QGuiApplication>
#include <QVBoxLayout>

#include <sstream>

namespace tlscope::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle("TLScope");
    setObjectName("MainWindow");
    resize(1500, 950);
    setAcceptDrops(true);
    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    view_ = new VtkView(central);
    scene_ = std::make_unique<ParticleScene>(view_->renderer());
    // Compile every shader right after the first frame, while nothing else happens, so that the
    // first DWP of a search does not stall the event loop.
    auto warm = std::make_shared<QMetaObject::Connection>();
    *warm = connect(view_, &VtkView::frameSwapped, this, [this, warm] {
        disconnect(*warm);
        scene_->prepareShaders([this] { view_->grabFramebuffer(); });
        view_->requestRender();
    });
    controller_ = new SearchController(this);
    table_ = new DwpTableModel(this);
    filter_ = new DwpFilter(this);
    filter_->setSourceModel(table_);
    buildViewBar();
    layout->addWidget(findChild<QWidget*>("viewBar"));
    layout->addWidget(view_, 1);
    setCentralWidget(central);
    statusInfo_ = new QLabel(this);
    statusBar()->addPermanentWidget(statusInfo_);
    buildDocks();
    buildMenus();

    snapshotTimer_ = new QTimer(this);
    snapshotTimer_->setObjectName("snapshotTimer");
    snapshotTimer_->setSingleShot(true);
    snapshotTimer_->setInterval(kSnapshotIntervalMs);
    connect(snapshotTimer_, &QTimer::timeout, this, &MainWindow::onSnapshot);
    followTimer_ = new QTimer(this);
    followTimer_->setObjectName("followTimer");
    followTimer_->setInterval(2000);
    connect(followTimer_, &QTimer::timeout, this, &MainWindow::followSession);

    connect(controller_, &SearchController::progress, run_, &RunPanel::setProgress);
    connect(controller_, &SearchController::logMessage, run_, &RunPanel::appendLog);
    connect(controller_, &SearchController::doubleWellFound, this, &MainWindow::onDoubleWell);
    connect(controller_, &SearchController::startingStructure, this, [this](std::shared_ptr<const StartingStructure> s) {
        if (s->ok && !s->species.empty()) plots_->addStartEnergy(s->energy / static_cast<double>(s->species.size()));
    });
    connect(controller_, &SearchController::snapshotAvailable, this, [this] {
        if (!snapshotTimer_->isActive()) snapshotTimer_->start(); // bounded rate, latest wins
    });
    connect(controller_, &SearchController::finished, this, &MainWindow::onSearchFinished);

    preparer_ = new PrepareController(this);
    prepareTimer_ = new QTimer(this);
    prepareTimer_->setSingleShot(true);
    prepareTimer_->setInterval(kSnapshotIntervalMs);
    connect(prepareTimer_, &QTimer::timeout, this, &MainWindow::onPrepareSnapshot);
    connect(preparer_, &PrepareController::progress, prepare_, &PreparePanel::setProgress);
    connect(preparer_, &PrepareController::snapshotAvailable, this, [this] {
        if (!prepareTimer_->isActive()) prepareTimer_->start();
    });
    connect(preparer_, &PrepareController::finished, this, [this](std::shared_ptr<const PreparedGlass> g, const QString& message) {
        prepare_->setState(false, false);
        if (!g) {
            error(tr("Prepare glass"), message);
            return;
        }
        prepared_ = g;
        prepare_->setResult(*g);
        if (!g->result.stopped)
            setExplorable(g->inherentStructure, g->model, {}, QString::number(g->parameters.finalTemperature), tr("the prepared glass"));
        if (!controller_->running()) {
            shownDwp_.reset();
            displacement_.resize(0);
            showConfiguration(g->result.stopped ? g->result.configuration : g->inherentStructure, g->model,
                              g->result.stopped ? tr("prepared glass (stopped)") : tr("prepared glass, inherent structure"));
        }
        statusBar()->showMessage(g->result.stopped ? tr("Preparation stopped") : tr("Glass prepared"), 5000);
    });
    connect(prepare_, &PreparePanel::startRequested, this, &MainWindow::startPreparation);
    connect(prepare_, &PreparePanel::pauseRequested, this, [this] {
        preparer_->pause();
        prepare_->setState(true, true);
    });
    connect(prepare_, &PreparePanel::resumeRequested, this, [this] {
        preparer_->resume();
        prepare_->setState(true, false);
    });
    connect(prepare_, &PreparePanel::stopRequested, preparer_, &PrepareController::stop);
    connect(prepare_, &PreparePanel::saveRequested, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save glass"), "glass.xyz",
                                                          tr("Extended XYZ (*.xyz);;LAMMPS data (*.data)"));
        if (path.isEmpty()) return;
        const QString e = savePreparedGlass(path);
        if (!e.isEmpty()) error(tr("Save glass"), e);
        else statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    });
    connect(prepare_, &PreparePanel::searchRequested, this, [this] {
        const QString e = searchPreparedGlass();
        if (!e.isEmpty()) error(tr("Search this glass"), e);
    });
    connect(view_, &VtkView::clicked, this, &MainWindow::picked);

    explorer_ = new ExploreController(this);
    exploreTimer_ = new QTimer(this);
    exploreTimer_->setSingleShot(true);
    exploreTimer_->setInterval(kSnapshotIntervalMs);
    connect(exploreTimer_, &QTimer::timeout, this, &MainWindow::onExploreTick);
    for (auto signal : {&ExploreController::pointsAvailable, &ExploreController::mapAvailable, &ExploreController::snapshotAvailable})
        connect(explorer_, signal, this, [this] {
            if (!exploreTimer_->isActive()) exploreTimer_->start(); // bounded rate, latest wins
        });
    connect(explorer_, &ExploreController::walkProgress, explore_, &ExplorePanel::setWalkProgress);
    connect(explorer_, &ExploreController::pairsProgress, explore_, &ExplorePanel::setPairsProgress);
    connect(explorer_, &ExploreController::message, this, [this](const QString& m) {
        run_->appendLog(m);
        statusBar()->showMessage(m, 8000);
    });
    connect(explorer_, &ExploreController::doubleWellFound, this, &MainWindow::onDoubleWell);
    connect(explorer_, &ExploreController::finished, this, [this](bool stopped, const QString& message) {
        onExploreTick(); // the last points and the final map
        explore_->setState(false);
        if (!message.isEmpty()) {
            explore_->setStatus(tr("failed: %1").arg(message));
            error(tr("Exploration failed"), message);
            return;
        }
        const QString text = stopped ? tr("stopped: %1 keeps what was done; Resume continues it").arg(sessionPath_)
                                     : tr("done: %1 DWPs (%2); written to %3").arg(table_->rowCount()).arg(explore_->statusText()).arg(sessionPath_);
        explore_->setStatus(text);
        run_->appendLog(tr("exploration %1").arg(text));
    });
    connect(explore_, &ExplorePanel::startRequested, this, [this] {
        if (const QString e = startExploration(false); !e.isEmpty()) error(tr("Explore"), e);
    });
    connect(explore_, &ExplorePanel::resumeRequested, this, [this] {
        if (const QString e = startExploration(true); !e.isEmpty()) error(tr("Resume exploration"), e);
    });
    connect(explore_, &ExplorePanel::stopRequested, explorer_, &ExploreController::stop);

    QSettings settings;
    restoreLayout();
    applyPreferences(preferences());
    if (settings.contains("run/parameters")) {
        try {
            Model model = Model::preset(settings.value("run/model").toString().toStdString());
            model.copies = std::max(1, settings.value("run/copies", 1).toInt());
            run_->setParameters(SearchParameters::parse(settings.value("run/parameters").toString().toStdString(), model,
                                                        "saved settings"));
            run_->setSessionPath(settings.value("run/session").toString());
        } catch (const std::exception& e) {
            run_->appendLog(tr("saved search parameters ignored: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    rebuildRecentMenu();
}

MainWindow::~MainWindow() = default;

QStringList MainWindow::speciesNames() const {
    QStringList names;
    for (const auto& s : model_.species) names << QString::fromStdString(s.name);
    if (names.isEmpty()) names << "A" << "B";
    return names;
}

namespace {

/// Per-particle IS energies of a session's finished starts (the "IS energies" plot).
std::vector<double> startEnergiesOf(const SessionData& s) {
    std::vector<double> out;
    for (const auto& st : s.starts)
        if (st.ok && !st.species.empty()) out.push_back(st.energy / static_cast<double>(st.species.size()));
    return out;
}
} // namespace

void MainWindow::buildViewBar() {
    // A tool bar, not a row layout: on a narrow screen the controls that do not fit go to its
    // extension menu (>>) instead of forcing the window wider than the screen.
    auto* bar = new QToolBar;
    bar->setObjectName("viewBar");
    bar->setMovable(false);
    bar->setFloatable(false);
    bar->setIconSize(QSize(16, 16));
    struct Row {
        QToolBar* bar;
        void addWidget(QWidget* w) { bar->addWidget(w); }
        void addStretch() {
            auto* spacer = new QWidget;
            spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
            bar->addWidget(spacer);
        }
    } row{bar};
    auto* h = &row;
    colourMode_ = new QComboBox;
    colourMode_->addItems({tr("colour: displacement"), tr("colour: species")});
    colourMode_->setToolTip(tr("colour particles by how far they move (selected DWP, or the running search from its IS) or by species"));
    arrows_ = new QCheckBox(tr("arrows"));
    arrows_->setToolTip(tr("displacement arrows"));
    arrowScale_ = new QDoubleSpinBox;
    arrowScale_->setRange(0.5, 50);
    arrowScale_->setValue(3);
    arrowScale_->setPrefix(QString::fromUtf8("\u00d7"));
    arrowScale_->setToolTip(tr("arrow length beyond the sphere, proportional to the displacement: the largest reaches factor/6 sigma"));
    minMove_ = new QDoubleSpinBox;
    minMove_->setRange(0, 5);
    minMove_->setDecimals(3);
    minMove_->setSingleStep(0.01);
    minMove_->setPrefix(tr("moved > "));
    minMove_->setToolTip(tr("show only particles that moved more than this (sigma); 0 shows all"));
    hideA_ = new QCheckBox(tr("hide A"));
    hideB_ = new QCheckBox(tr("hide B"));
    h->addWidget(colourMode_);
    h->addWidget(arrows_);
    h->addWidget(arrowScale_);
    h->addWidget(minMove_);
    h->addWidget(hideA_);
    h->addWidget(hideB_);
    h->addStretch();
    for (int axis = 0; axis < 3; ++axis) {
        auto* b = new QToolButton;
        b->setText(QString("%1").arg(QChar('x' + axis)));
        b->setToolTip(tr("look along the %1 axis").arg(QChar('x' + axis)));
        connect(b, &QToolButton::clicked, this, [this, axis] {
            scene_->viewAlongAxis(axis);
            view_->requestRender();
        });
        h->addWidget(b);
    }
    auto* reset = new QToolButton;
    reset->setText(tr("reset"));
    reset->setToolTip(tr("reset the camera (R)"));
    connect(reset, &QToolButton::clicked, this, [this] {
        scene_->resetCamera();
        view_->requestRender();
    });
    h->addWidget(reset);
    connect(colourMode_, &QComboBox::currentIndexChanged, this, &MainWindow::applyStyle);
    connect(arrows_, &QCheckBox::toggled, this, &MainWindow::applyStyle);
    connect(arrowScale_, &QDoubleSpinBox::valueChanged, this, &MainWindow::applyStyle);
    connect(minMove_, &QDoubleSpinBox::valueChanged, this, &MainWindow::applyStyle);
    connect(hideA_, &QCheckBox::toggled, this, &MainWindow::applyStyle);
    connect(hideB_, &QCheckBox::toggled, this, &MainWindow::applyStyle);
    bar->setParent(this);
}

QSize MainWindow::availableScreenSize() const {
    const QScreen* s = screen() ? screen() : QGuiApplication::primaryScreen();
    return s ? s->availableGeometry().size() : QSize(1600, 1000);
}

QString MainWindow::layoutKey() const {
    const QSize a = availableScreenSize();
    return QString("window/%1x%2").arg(a.width()).arg(a.height());
}

void MainWindow::applyDefaultLayout(QSize screenSize) {
    const QSize avail = screenSize.isValid() ? screenSize : availableScreenSize();
    // Below 1500 x 950 (a 1366 x 768 laptop, a 1280 x 720 projector) the table and the plots
    // share the bottom as tabs, and the window fills the screen.
    const bool compact = avail.width() < 1500 || avail.height() < 950;
    auto dock = [this](const char* name) { return findChild<QDockWidget*>(name); };
    QDockWidget *runDock = dock("runDock"), *teachDock = dock("teachDock"), *detailDock = dock("detailDock"),
                *tableDock = dock("tableDock"), *plotDock = dock("plotDock"), *particleDock = dock("particleDock"),
                *prepareDock = dock("prepareDock"), *exploreDock = dock("exploreDock"), *mapDock = dock("mapDock");
    for (QDockWidget* d : {runDock, teachDock, detailDock, tableDock, plotDock, particleDock, prepareDock, exploreDock, mapDock}) {
        d->setFloating(false);
        d->show();
    }
    addDockWidget(Qt::LeftDockWidgetArea, runDock);
    addDockWidget(Qt::LeftDockWidgetArea, teachDock);
    addDockWidget(Qt::LeftDockWidgetArea, prepareDock);
    addDockWidget(Qt::LeftDockWidgetArea, exploreDock);
    tabifyDockWidget(runDock, prepareDock);
    tabifyDockWidget(runDock, exploreDock);
    tabifyDockWidget(runDock, teachDock);
    runDock->raise();
    addDockWidget(Qt::RightDockWidgetArea, detailDock);
    addDockWidget(Qt::RightDockWidgetArea, particleDock);
    if (compact) { // shares the panel with the selected DWP: a pick raises it
        tabifyDockWidget(detailDock, particleDock);
        detailDock->raise();
    } else {
        splitDockWidget(detailDock, particleDock, Qt::Vertical);
        resizeDocks({detailDock, particleDock}, {avail.height() * 3 / 5, avail.height() / 5}, Qt::Vertical);
    }
    addDockWidget(Qt::BottomDockWidgetArea, tableDock);
    addDockWidget(Qt::BottomDockWidgetArea, plotDock);
    addDockWidget(Qt::BottomDockWidgetArea, mapDock);
    if (compact) {
        tabifyDockWidget(tableDock, plotDock);
        tabifyDockWidget(tableDock, mapDock);
        tableDock->raise();
    } else {
        splitDockWidget(tableDock, plotDock, Qt::Horizontal);
        tabifyDockWidget(plotDock, mapDock);
        plotDock->raise();
    }
    if (compact) {
        setGeometry(QRect(screen() ? screen()->availableGeometry().topLeft() : QPoint(0, 0), avail));
    } else {
        resize(1500, 950);
    }
    resizeDocks({runDock, detailDock}, {compact ? 280 : 330, compact ? 320 : 380}, Qt::Horizontal);
    resizeDocks({tableDock}, {compact ? std::max(180, avail.height() / 3) : 330}, Qt::Vertical);
}

MainWindow::Preferences MainWindow::preferences() const {
    QSettings s;
    Preferences p;
    p.sphereScale = std::clamp(s.value("preferences/sphereScale", 1.0).toDouble(), 0.3, 1.5);
    p.background = static_cast<Background>(std::clamp(s.value("preferences/background", 0).toInt(), 0, 2));
    p.colourBySpecies = s.value("preferences/colourBySpecies", false).toBool();
    p.arrows = s.value("preferences/arrows", false).toBool();
    return p;
}

void MainWindow::applyPreferences(const Preferences& p) {
    QSettings s;
    s.setValue("preferences/sphereScale", p.sphereScale);
    s.setValue("preferences/background", static_cast<int>(p.background));
    s.setValue("preferences/colourBySpecies", p.colourBySpecies);
    s.setValue("preferences/arrows", p.arrows);
    colourMode_->setCurrentIndex(p.colourBySpecies ? 1 : 0);
    arrows_->setChecked(p.arrows);
    SceneStyle st = scene_->style();
    st.sphereScale = p.sphereScale;
    st.background = p.background;
    scene_->setStyle(st);
    applyStyle();
}

void MainWindow::preferencesDialog() {
    const Preferences current = preferences();
    QDialog ask(this);
    ask.setWindowTitle(tr("Preferences"));
    auto* form = new QFormLayout(&ask);
    auto* size = new QDoubleSpinBox;
    size->setRange(0.3, 1.5);
    size->setSingleStep(0.1);
    size->setValue(current.sphereScale);
    size->setToolTip(tr("sphere radius as a multiple of 0.42 sigma (smaller spheres show the structure, larger ones the packing)"));
    auto* background = new QComboBox;
    background->addItems({tr("dark gradient"), tr("dark"), tr("white (print, bright projectors)")});
    background->setCurrentIndex(static_cast<int>(current.background));
    auto* colour = new QComboBox;
    colour->addItems({tr("displacement"), tr("species")});
    colour->setCurrentIndex(current.colourBySpecies ? 1 : 0);
    auto* arrows = new QCheckBox(tr("show displacement arrows"));
    arrows->setChecked(current.arrows);
    form->addRow(tr("Particle size"), size);
    form->addRow(tr("Background"), background);
    form->addRow(tr("Colour particles by"), colour);
    form->addRow(QString(), arrows);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &ask, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &ask, &QDialog::reject);
    if (ask.exec() != QDialog::Accepted) return;
    applyPreferences({size->value(), static_cast<Background>(background->currentIndex()), colour->currentIndex() == 1,
                      arrows->isChecked()});
}

void MainWindow::setPresentationMode(bool on) {
    if (on == presenting_) return;
    presenting_ = on;
    if (auto* action = findChild<QAction*>("presentationAction")) action->setChecked(on);
    SceneStyle st = scene_->style();
    if (on) {
        // Keep what the user had, show the 3D view and one plot (the energy profile) in large type.
        layoutBeforePresentation_ = saveState();
        fontBeforePresentation_ = font();
        for (const char* name : {"runDock", "teachDock", "tableDock", "plotDock", "particleDock"})
            if (auto* d = findChild<QDockWidget*>(name)) d->hide();
        if (auto* d = findChild<QDockWidget*>("detailDock")) {
            d->show();
            resizeDocks({d}, {width() * 2 / 5}, Qt::Horizontal);
        }
        QFont big = fontBeforePresentation_;
        big.setPointSizeF(big.pointSizeF() * 1.6);
        setFont(big);
        detail_->setTextScale(1.6);
        st.textScale = 1.8;
    } else {
        setFont(fontBeforePresentation_);
        detail_->setTextScale(1.0);
        restoreState(layoutBeforePresentation_);
        st.textScale = 1.0;
    }
    scene_->setStyle(st);
    view_->requestRender();
}

void MainWindow::restoreLayout() {
    // One remembered layout per screen size: a laptop and a projector each keep their own.
    QSettings settings;
    const QString key = layoutKey();
    const bool restored = settings.contains(key + "/state") && restoreGeometry(settings.value(key + "/geometry").toByteArray()) &&
                          restoreState(settings.value(key + "/state").toByteArray());
    if (!restored) applyDefaultLayout();
}

void MainWindow::saveLayout() {
    QSettings settings;
    const QString key = layoutKey();
    settings.setValue(key + "/geometry", saveGeometry());
    settings.setValue(key + "/state", saveState());
}

void MainWindow::applyStyle() {
    SceneStyle s = scene_->style();
    s.colour = colourMode_->currentIndex() == 0 ? ColourMode::Displacement : ColourMode::Species;
    s.arrows = arrows_->isChecked();
    s.arrowScale = arrowScale_->value();
    s.minDisplacement = minMove_->value();
    s.hiddenSpecies = {hideA_->isChecked(), hideB_->isChecked()};
    scene_->setStyle(s);
    view_->requestRender();
}

void MainWindow::buildDocks() {
    run_ = new RunPanel;
    auto* runDock = new QDockWidget(tr("Search"), this);
    runDock->setObjectName("runDock");
    runDock->setWidget(run_);
    addDockWidget(Qt::LeftDockWidgetArea, runDock);
    auto* teachDock = new QDockWidget(tr("Learn"), this);
    teachDock->setObjectName("teachDock");
    teach_ = new TeachingPanel;
    teachDock->setWidget(teach_);
    addDockWidget(Qt::LeftDockWidgetArea, teachDock);
    tabifyDockWidget(runDock, teachDock);
    // A panel that scrolls vertically on a short screen (forms and traces need ~800 px).
    auto scrolled = [](QWidget* panel) {
        auto* scroll = new QScrollArea;
        scroll->setWidget(panel);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        return scroll;
    };
    prepare_ = new PreparePanel;
    auto* prepareScroll = scrolled(prepare_);
    prepare_->setMinimumHeight(520);
    auto* prepareDock = new QDockWidget(tr("Prepare glass"), this);
    prepareDock->setObjectName("prepareDock");
    prepareDock->setWidget(prepareScroll);
    addDockWidget(Qt::LeftDockWidgetArea, prepareDock);
    tabifyDockWidget(runDock, prepareDock);
    explore_ = new ExplorePanel;
    auto* exploreScroll = scrolled(explore_);
    explore_->setMinimumHeight(560);
    auto* exploreDock = new QDockWidget(tr("Explore"), this);
    exploreDock->setObjectName("exploreDock");
    exploreDock->setWidget(exploreScroll);
    addDockWidget(Qt::LeftDockWidgetArea, exploreDock);
    tabifyDockWidget(runDock, exploreDock);
    runDock->raise();

    detail_ = new DetailPanel;
    auto* detailDock = new QDockWidget(tr("Selected DWP"), this);
    detailDock->setObjectName("detailDock");
    // Scrolls on a short screen (the profile and the numbers need ~600 px).
    detailDock->setWidget(scrolled(detail_));
    addDockWidget(Qt::RightDockWidgetArea, detailDock);

    // The particle inspector: what the user clicked in the 3D view.
    inspector_ = new QLabel(tr("Click a particle in the 3D view to see its species, displacement, energy and neighbours."));
    inspector_->setObjectName("inspector");
    inspector_->setWordWrap(true);
    inspector_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    inspector_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    inspector_->setMargin(6);
    auto* inspectorScroll = new QScrollArea;
    inspectorScroll->setWidget(inspector_);
    inspectorScroll->setWidgetResizable(true);
    inspectorScroll->setFrameShape(QFrame::NoFrame);
    auto* particleDock = new QDockWidget(tr("Particle"), this);
    particleDock->setObjectName("particleDock");
    particleDock->setWidget(inspectorScroll);
    addDockWidget(Qt::RightDockWidgetArea, particleDock);

    auto* tablePage = new QWidget;
    auto* tl = new QVBoxLayout(tablePage);
    tl->setContentsMargins(2, 2, 2, 2);
    auto* filters = new QHBoxLayout;
    auto* asym = new QComboBox;
    asym->addItems({tr("any asymmetry"), "asymmetry < 0.02", "asymmetry < 0.001"});
    asym->setToolTip(tr("show only nearly symmetric DWPs (the paper's thresholds)"));
    auto* tls = new QCheckBox(tr("TLS only"));
    tls->setToolTip(tr("show only DWPs whose splitting is below the TLS threshold"));
    auto* clearRange = new QPushButton(tr("Clear bin filter"));
    clearRange->setToolTip(tr("clicking a histogram bar shows only its DWPs; this shows all again"));
    filterInfo_ = new QLabel;
    followNewest_ = new QCheckBox(tr("show newest"));
    followNewest_->setChecked(true);
    followNewest_->setToolTip(tr("select each new DWP as it arrives; switch off to keep inspecting one"));
    filters->addWidget(followNewest_);
    filters->addWidget(asym);
    filters->addWidget(tls);
    filters->addWidget(clearRange);
    filters->addWidget(filterInfo_, 1);
    tl->addLayout(filters);
    tableView_ = new QTableView;
    tableView_->setModel(filter_);
    tableView_->setSortingEnabled(true);
    tableView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    tableView_->setSelectionMode(QAbstractItemView::SingleSelection);
    tableView_->verticalHeader()->hide();
    tableView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tableView_->sortByColumn(DwpTableModel::Index, Qt::AscendingOrder);
    tl->addWidget(tableView_);
    auto* tableDock = new QDockWidget(tr("Double-well potentials"), this);
    tableDock->setObjectName("tableDock");
    tableDock->setWidget(tablePage);
    addDockWidget(Qt::BottomDockWidgetArea, tableDock);

    plots_ = new PlotPanel;
    plots_->setCatalog(&table_->all());
    auto* plotDock = new QDockWidget(tr("Plots"), this);
    plotDock->setObjectName("plotDock");
    plotDock->setWidget(plots_);
    addDockWidget(Qt::BottomDockWidgetArea, plotDock);
    map_ = new MetabasinMap;
    map_->setObjectName("metabasinMap");
    auto* mapDock = new QDockWidget(tr("Metabasin map"), this);
    mapDock->setObjectName("mapDock");
    mapDock->setWidget(map_);
    addDockWidget(Qt::BottomDockWidgetArea, mapDock);
    tabifyDockWidget(plotDock, mapDock);
    plotDock->raise();
    connect(map_, &MetabasinMap::minimumClicked, this, &MainWindow::showExploredMinimum);
    connect(map_, &MetabasinMap::pairClicked, this, [this](int candidate) { selectExploredPair(candidate); });

    auto updateFilterInfo = [this] {
        filterInfo_->setText(tr("%1 of %2 shown: %3").arg(filter_->rowCount()).arg(table_->rowCount()).arg(filter_->describe()));
    };
    connect(asym, &QComboBox::currentIndexChanged, this, [this, updateFilterInfo](int i) {
        filter_->setMaxAsymmetry(i == 0 ? 0.0 : i == 1 ? 0.02 : 0.001);
        updateFilterInfo();
    });
    connect(tls, &QCheckBox::toggled, this, [this, updateFilterInfo](bool on) {
        filter_->setTlsOnly(on);
        updateFilterInfo();
    });
    connect(clearRange, &QPushButton::clicked, this, [this, updateFilterInfo] {
        filter_->clearRange();
        updateFilterInfo();
    });
    connect(plots_, &PlotPanel::binSelected, this, [this, updateFilterInfo](Quantity q, double lo, double hi) {
        filter_->setRange(q, lo, hi);
        updateFilterInfo();
    });
    // A row the user clicks stays selected: arriving DWPs no longer take over until the user
    // ticks "show newest" again.
    connect(tableView_, &QAbstractItemView::pressed, this, [this] { followNewest_->setChecked(false); });
    connect(filter_, &QAbstractItemModel::rowsInserted, this, updateFilterInfo);
    connect(filter_, &QAbstractItemModel::modelReset, this, updateFilterInfo);
    connect(tableView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& idx) {
        if (!idx.isValid()) return;
        const int row = filter_->mapToSource(idx).row();
        const DwpPtr dwp = table_->at(row);
        detail_->play(false);
        detail_->setDwp(dwp, speciesNames(), parameters_.model.boxLengthFor(parameters_.particles), parameters_.attempts, row);
        teach_->setDwp(dwp);
        plots_->setSelected(dwp);
        showDwp(dwp, 0.0);
    });
    connect(detail_, &DetailPanel::positionChanged, this, [this](double t) {
        if (detail_->dwp()) showDwp(detail_->dwp(), t);
    });

    connect(run_, &RunPanel::startRequested, this, [this] {
        // What the user starts is what the panel shows next time (the demo's preset is not kept).
        try {
            const SearchParameters p = run_->parameters();
            QSettings settings;
            settings.setValue("run/model", QString::fromStdString(p.model.name));
            settings.setValue("run/copies", p.model.copies);
            settings.setValue("run/parameters", QString::fromStdString(p.serialize()));
            settings.setValue("run/session", run_->sessionPath());
        } catch (const std::exception&) {
            // invalid values: startSearch() reports them
        }
        startSearch();
    });
    connect(run_, &RunPanel::pauseRequested, this, [this] {
        controller_->pause();
        run_->setState(true, true);
        run_->appendLog(tr("paused"));
    });
    connect(run_, &RunPanel::resumeRequested, this, [this] {
        controller_->resume();
        run_->setState(true, false);
        run_->appendLog(tr("resumed"));
    });
    connect(run_, &RunPanel::stopRequested, this, [this] {
        controller_->stop();
        run_->appendLog(tr("stopping..."));
    });
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New session"), QKeySequence::New, this, &MainWindow::newSession);
    file->addAction(tr("&Open..."), QKeySequence::Open, this, &MainWindow::openFileDialog);
    recentMenu_ = file->addMenu(tr("Open &recent"));
    file->addAction(tr("Open &demo glass"), this, &MainWindow::openDemo);
    file->addAction(tr("Save session &as..."), QKeySequence::SaveAs, this, &MainWindow::saveSessionAs);
    file->addSeparator();
    file->addAction(tr("Export DWP &table (CSV)..."), this, &MainWindow::exportTable);
    file->addAction(tr("Export selected &DWP (extended XYZ)..."), this, &MainWindow::exportDwp);
    file->addAction(tr("Export transition &movie (GIF)..."), this, &MainWindow::exportMovieDialog);
    file->addAction(tr("Save &screenshot..."), QKeySequence(tr("Ctrl+Shift+S")), this, &MainWindow::screenshotDialog);
    file->addAction(tr("&Compare explorations..."), this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Exploration sessions to compare"), {}, tr("TLScope sessions (*.tls.h5 *.h5)"));
        if (paths.isEmpty()) return;
        QString message;
        if (CompareDialog* d = compareExplorations(paths, &message)) d->show();
        else error(tr("Compare explorations"), message);
    });
    file->addAction(tr("&Paper report (Reinisch-Heuer)..."), this, [this] {
        // The sessions (the one shown first), then where the figures and report.md go.
        const QStringList paths = QFileDialog::getOpenFileNames(
            this, tr("Search sessions for the paper's report (e.g. N = 65 and N = 130)"),
            sessionPath_.isEmpty() ? QString() : QFileInfo(sessionPath_).absolutePath(), tr("TLScope sessions (*.tls.h5 *.h5)"));
        if (paths.isEmpty()) return;
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the figures and report.md"),
                                                              QFileInfo(paths.front()).absolutePath());
        if (dir.isEmpty()) return;
        QString message;
        if (writePaperReport(paths, dir, &message))
            QMessageBox::information(this, tr("Paper report"), message);
        else
            error(tr("Paper report"), message);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu* search = menuBar()->addMenu(tr("&Search"));
    search->addAction(tr("&Start"), QKeySequence(Qt::Key_F5), this, &MainWindow::startSearch);
    search->addAction(tr("&Demo search"), this, &MainWindow::startDemoSearch);
    search->addAction(tr("Sto&p"), QKeySequence(Qt::SHIFT | Qt::Key_F5), controller_, &SearchController::stop);
    search->addAction(tr("&Resume stopped search"), this, [this] {
        const QString message = resumeSearch();
        if (!message.isEmpty()) error(tr("Resume"), message);
    });
    search->addSeparator();
    search->addAction(tr("&Explore this glass"), QKeySequence(tr("Ctrl+E")), this, [this] {
        if (const QString e = startExploration(false); !e.isEmpty()) error(tr("Explore"), e);
    });
    search->addAction(tr("Explore the d&emo glass"), this, &MainWindow::startDemoExploration);
    search->addAction(tr("Stop e&xploration"), this, [this] {
        if (explorer_) explorer_->stop();
    });
    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addAction(tr("&Reset camera"), QKeySequence(tr("R")), this, [this] {
        scene_->resetCamera();
        view_->requestRender();
    });
    for (int axis = 0; axis < 3; ++axis)
        viewMenu->addAction(tr("Look along %1").arg(QChar('x' + axis)), QKeySequence(QString(QChar('X' + axis))), this, [this, axis] {
            scene_->viewAlongAxis(axis);
            view_->requestRender();
        });
    viewMenu->addAction(tr("Play / pause transition"), QKeySequence(Qt::Key_Space), this, [this] { detail_->play(!detail_->playing()); });
    viewMenu->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>()) viewMenu->addAction(d->toggleViewAction());
    viewMenu->addAction(tr("P&references..."), QKeySequence(tr("Ctrl+,")), this, &MainWindow::preferencesDialog);
    auto* presentation = viewMenu->addAction(tr("&Presentation mode"), QKeySequence(Qt::Key_F11), this,
                                             [this](bool on) { setPresentationMode(on); });
    presentation->setCheckable(true);
    presentation->setObjectName("presentationAction");
    presentation->setToolTip(tr("large text, the 3D view and the selected DWP's profile only: readable from the back of a room"));
    viewMenu->addAction(tr("Reset &layout"), this, [this] { applyDefaultLayout(); })
        ->setToolTip(tr("the default arrangement for this screen size (compact below 1500 x 950)"));
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Getting started"), QKeySequence::HelpContents, this, [this] {
        QMessageBox box(this);
        box.setWindowTitle(tr("Getting started"));
        box.setTextFormat(Qt::RichText);
        box.setText(gettingStartedText());
        box.exec();
    });
    help->addAction(tr("&Keyboard and mouse"), QKeySequence(tr("Ctrl+/")), this, [this] {
        QMessageBox box(this);
        box.setWindowTitle(tr("Keyboard and mouse"));
        box.setTextFormat(Qt::RichText);
        box.setText(shortcutsText());
        box.exec();
    });
    help->addSeparator();
    help->addAction(tr("&About TLScope"), this, &MainWindow::about);
}

QString MainWindow::shortcutsText() const {
    // Generated from the menus, so the list cannot go stale.
    QString rows;
    for (QAction* menu : menuBar()->actions()) {
        if (!menu->menu()) continue;
        for (QAction* a : menu->menu()->actions()) {
            if (a->shortcut().isEmpty()) continue;
            rows += QString("<tr><td><b>%1</b></td><td>%2 &rsaquo; %3</td></tr>")
                        .arg(a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(),
                             QString(menu->text()).remove('&').toHtmlEscaped(), QString(a->text()).remove('&').toHtmlEscaped());
        }
    }
    return tr("<h3>Keyboard</h3><table cellspacing='6'>%1</table>"
              "<h3>Mouse in the 3D view</h3><table cellspacing='6'>"
              "<tr><td><b>drag</b></td><td>rotate</td></tr>"
              "<tr><td><b>Shift + drag</b> or middle button</td><td>pan</td></tr>"
              "<tr><td><b>wheel</b> or right-button drag</td><td>zoom</td></tr>"
              "<tr><td><b>click</b></td><td>pick a particle (its number, species and displacement in the status bar)</td></tr>"
              "</table><h3>Table and plots</h3><p>Click a row to show its DWP; click a histogram bar to show only "
              "its DWPs (Clear bin filter shows all again).</p>")
        .arg(rows);
}

QString MainWindow::gettingStartedText() const {
    return tr("<h3>Getting started</h3><ol>"
              "<li><b>Search &rsaquo; Demo search</b> runs a short double-well search on 65-particle glasses: "
              "DWPs appear in the table within seconds.</li>"
              "<li>Click a DWP: the 3D view colours particles by how far they move (the central particle is ringed), "
              "the panel on the right shows its energy profile, levels and numbers; <b>Play</b> (Space) animates the "
              "transition.</li>"
              "<li>The <b>Plots</b> show the distributions of asymmetry, distance and barrier (the paper's Fig. 1), "
              "barrier against distance, find counts and the starting IS energies; the <b>Learn</b> tab explains "
              "what is on screen.</li>"
              "<li>For real runs set the parameters in the <b>Search</b> panel (or use <tt>tlscope-cli search</tt>) "
              "and give a session file: it is written as DWPs are found, survives crashes and reopens here.</li>"
              "</ol><p>Open sessions (*.tls.h5), extended XYZ and LAMMPS data/dump files with File &rsaquo; Open "
              "or by dropping them on the window. The README and <tt>docs/</tt> explain every quantity "
              "(docs/quantum.md), the validation against the paper (docs/validation.md) and the command line.</p>");
}

// ----- files ----------------------------------------------------------------------------------

bool MainWindow::writePaperReport(const QStringList& sessionPaths, const QString& directory, QString* message) {
    try {
        std::vector<std::string> paths;
        for (const QString& path : sessionPaths) paths.push_back(path.toStdString());
        const std::vector<ReportSession> sessions = loadReportSessions(paths);
        QApplication::setOverrideCursor(Qt::WaitCursor);
        struct Restore {
            ~Restore() { QApplication::restoreOverrideCursor(); }
        } restore;
        const ReportResult r = writeReport(sessions, directory.toStdString());
        if (message)
            *message = tr("Wrote %1 and %2 figures (PNG and SVG) in %3.")
                           .arg(QString::fromStdString(r.page)).arg(r.figures.size() / 2).arg(directory);
        return true;
    } catch (const std::exception& e) {
        if (message) *message = QString::fromUtf8(e.what());
        return false;
    }
}

void MainWindow::error(const QString& title, const QString& message) {
    statusBar()->showMessage(message, 10000);
    if (isVisible() && !QApplication::platformName().contains("offscreen")) QMessageBox::warning(this, title, message);
}

QString MainWindow::openConfiguration(const QString& path, const QString& modelName) {
    try {
        // No model given: the one the file names (prepare and TLScope write model=...), else the
        // current one.
        std::string name = modelName.toStdString();
        if (name.empty() && detectConfigurationFormat(path.toStdString()) == ConfigurationFormat::Xyz) {
            const XyzFrame f = readXyzFile(path.toStdString());
            const auto it = f.info.find("model");
            const auto presets = Model::presetNames();
            if (it != f.info.end() && std::find(presets.begin(), presets.end(), it->second) != presets.end()) name = it->second;
        }
        if (name.empty()) name = model_.name.empty() ? "ka-rh" : model_.name;
        const Model model = Model::fromNameOrFile(name);
        const std::string p = path.toStdString();
        const LoadedConfiguration loaded = readConfigurationFile(p, model);
        const Configuration& conf = loaded.conf;
        if (controller_->running()) return tr("stop the running search before opening a configuration");
        if (!confirmDiscard(tr("Open configuration"))) return tr("cancelled: the unsaved results stay open");
        resetDocument(); // the old session's DWPs do not belong to this structure
        displacement_ = {};
        showConfiguration(conf, model, QFileInfo(path).fileName());
        QString tf = "?";
        if (detectConfigurationFormat(p) == ConfigurationFormat::Xyz) {
            const XyzFrame f = readXyzFile(p);
            if (const auto it = f.info.find("t_f"); it != f.info.end()) tf = QString::fromStdString(it->second);
        }
        setExplorable(conf, model, path, tf, QFileInfo(path).fileName());
        addRecent(path);
        if (!loaded.warnings.empty()) statusBar()->showMessage(QString::fromStdString(loaded.warnings.front()), 15000);
        return {};
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
}

QString MainWindow::openSession(const QString& path) {
    if (controller_->running()) return tr("stop the running search before opening a session");
    if (!confirmDiscard(tr("Open session"))) return tr("cancelled: the unsaved results stay open");
    // An explicit user action: a wait cursor while the file is read (large sessions take a
    // moment); later updates of a growing file are read on a helper thread.
    QApplication::setOverrideCursor(Qt::WaitCursor);
    struct RestoreCursor {
        ~RestoreCursor() { QApplication::restoreOverrideCursor(); }
    } restore;
    try {
        const SessionData s = readSession(path.toStdString());
        resetDocument();
        showSessionData(s);
        sessionPath_ = path;
        setWindowTitle(tr("TLScope — %1").arg(QFileInfo(path).fileName()));
        // Follow only a file a search is still writing; an incomplete file nobody writes is a
        // stopped or killed run.
        const bool live = !s.complete() && sessionBeingWritten(path.toStdString());
        run_->appendLog(tr("opened %1: %2 of %3 starts finished, %4 DWPs%5")
                            .arg(path).arg(s.starts.size()).arg(s.parameters.starts).arg(s.doubleWells.size())
                            .arg(s.complete() ? QString()
                                 : live   ? tr(" - a search is writing it: following the file while it grows")
                                          : tr(" - incomplete (stopped or killed): continue it with tlscope-cli search --resume --out %1").arg(path)));
        if (live) followTimer_->start();
        else followTimer_->stop();
        if (s.exploration) {
            map_->setData(std::make_shared<const MetabasinData>(MetabasinData::fromSession(s)));
            explore_->showWalk(s.exploration->walk, map_->data()->timeStep, s.parameters.particles);
            explore_->setSessionPath(path);
            if (!s.exploration->walk.minima.empty()) {
                Configuration g;
                g.boxLength = s.parameters.model.boxLengthFor(s.parameters.particles);
                g.positions = s.exploration->walk.minima.front().positions;
                if (!s.starts.empty()) g.species = s.starts.front().species, g.diameters = s.starts.front().diameters;
                else if (!s.doubleWells.empty()) g.species = s.doubleWells.front().species, g.diameters = s.doubleWells.front().diameters;
                if (static_cast<int>(g.species.size()) * 3 == g.positions.size())
                    setExplorable(g, s.parameters.model, QString::fromStdString(s.parameters.inputFile), "?", tr("the glass of %1").arg(QFileInfo(path).fileName()));
            }
        }
        if (!s.doubleWells.empty()) selectDwp(0);
        else if (!s.starts.empty()) {
            Configuration c;
            c.boxLength = s.starts.front().boxLength;
            c.species = s.starts.front().species;
            c.diameters = s.starts.front().diameters;
            c.positions = s.starts.front().positions;
            showConfiguration(c, model_, QFileInfo(path).fileName());
        }
        addRecent(path);
        return {};
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
}

void MainWindow::followSession() {
    if (followBusy_ || sessionPath_.isEmpty()) return;
    followBusy_ = true;
    const QString path = sessionPath_;
    // Read on a helper thread; the GUI thread never waits for the disk.
    QPointer<MainWindow> self(this);
    QThread* t = QThread::create([self, path] {
        std::shared_ptr<SessionData> s;
        QString message;
        try {
            s = std::make_shared<SessionData>(readSession(path.toStdString()));
        } catch (const std::exception& e) {
            message = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(qApp, [self, s, message, path] {
            if (!self) return;
            self->followBusy_ = false;
            if (path != self->sessionPath_) return;
            if (!s) {
                self->run_->appendLog(tr("following %1 failed: %2").arg(path, message));
                return;
            }
            if (s->starts.size() != self->plots_->startEnergies().size()) self->plots_->setStartEnergies(startEnergiesOf(*s));
            const std::size_t known = self->table_->all().size();
            for (std::size_t k = known; k < s->doubleWells.size(); ++k)
                self->onDoubleWell(std::make_shared<const DwpRecord>(s->doubleWells[k]));
            if (s->exploration && !s->exploration->walk.minima.empty()) { // a CLI exploration: its verdicts on the map
                const MetabasinData* shown = self->map_->data();
                if (!shown || shown->energy.size() != s->exploration->walk.minima.size() || known != s->doubleWells.size() ||
                    shown->pairs.size() != s->exploration->pairs.size()) {
                    self->map_->setData(std::make_shared<const MetabasinData>(MetabasinData::fromSession(*s)));
                    if (!shown || shown->energy.size() != s->exploration->walk.minima.size())
                        self->explore_->showWalk(s->exploration->walk, self->map_->data()->timeStep, s->parameters.particles);
                }
            }
            if (s->complete()) {
                self->followTimer_->stop();
                self->run_->appendLog(tr("%1 is complete (%2 DWPs)").arg(path).arg(s->doubleWells.size()));
            }
        });
    });
    connect(t, &QThread::finished, t, &QObject::deleteLater);
    t->start();
}

void MainWindow::openDemo() {
    QFile f(":/demo/ka-rh-65.xyz");
    if (!f.open(QIODevice::ReadOnly)) {
        error(tr("TLScope"), tr("The demo glass is missing from the resources."));
        return;
    }
    std::istringstream in(f.readAll().toStdString());
    XyzFrame frame;
    int line = 0;
    readXyzFrame(in, "demo glass", line, frame);
    const Model model = Model::preset("ka-rh");
    displacement_ = {};
    shownDwp_ = nullptr;
    const Configuration demo = frame.toConfiguration(model, "demo glass");
    showConfiguration(demo, model, tr("demo glass"));
    setExplorable(demo, model, {}, "?", tr("the demo glass (KA-RH, N = 65)"));
}

void MainWindow::startDemoSearch() {
    openDemo();
    SearchParameters p;
    p.particles = 65;
    p.starts = 40;
    p.attempts = 200;
    p.equilibrationTime = 20;
    p.seed = 7;
    run_->setParameters(p);
    run_->setSessionPath({});
    startSearch();
}

void MainWindow::showConfiguration(const Configuration& conf, const Model& model, const QString& title) {
    model_ = model;
    displayUnits() = model_.units;
    conf_ = conf;
    scene_->setConfiguration(conf, model, displacement_, shownDwp_ ? shownDwp_->dwp.centralParticle : -1);
    PairPotential potential(model, conf);
    const double e = potential.energy(conf.positions);
    if (!std::isfinite(e)) {
        // Overlapping particles (or worse): say so instead of printing "E = nan".
        statusInfo_->setText(tr("N = %1   E is not finite: two particles overlap - this configuration cannot be used")
                                 .arg(conf.size()));
        run_->appendLog(tr("warning: %1 has a non-finite energy (two particles on top of each other?)").arg(title));
        if (!title.isEmpty()) setWindowTitle(tr("TLScope — %1").arg(title));
        view_->requestRender();
        return;
    }
    statusInfo_->setText(tr("N = %1   L = %2   E = %3   E/N = %4   model %5")
                             .arg(conf.size())
                             .arg(conf.boxLength, 0, 'f', 4)
                             .arg(e, 0, 'f', 6)
                             .arg(e / conf.size(), 0, 'f', 6)
                             .arg(QString::fromStdString(model.name)));
    if (!title.isEmpty()) setWindowTitle(tr("TLScope — %1").arg(title));
    view_->requestRender();
}

void MainWindow::showDwp(DwpPtr dwp, double t) {
    if (!dwp || dwp->dwp.minimum1.size() == 0) return;
    const DoubleWell& w = dwp->dwp;
    Configuration c;
    c.boxLength = parameters_.model.boxLengthFor(parameters_.particles);
    c.species = dwp->species;
    c.diameters = dwp->diameters;
    // Along the stored path: interpolate between neighbouring images.
    if (w.pathImages.size() >= 2) {
        const double x = t * (static_cast<double>(w.pathImages.size()) - 1);
        const std::size_t k = std::min(static_cast<std::size_t>(x), w.pathImages.size() - 2);
        const double f = x - static_cast<double>(k);
        c.positions = w.pathImages[k] + f * (w.pathImages[k + 1] - w.pathImages[k]);
    } else {
        c.positions = t < 0.5 ? w.minimum1 : w.minimum2;
    }
    if (c.boxLength <= 0 || static_cast<int>(c.species.size()) * 3 != c.positions.size()) return;
    // Every frame relative to minimum 1: a particle crossing the boundary moves on continuously.
    c.positions = alignedTo(w.minimum1, c.positions, c.boxLength);
    shownDwp_ = dwp;
    // The centre-of-mass shift removed (PHYSICS.md §5): minimizers and MD conserve different
    // centres of mass, and a uniform shift coloured every particle alike.
    displacement_ = comCorrectedDisplacement(w.minimum1, w.minimum2, c.boxLength, relativeMasses(parameters_.model, c.species), parameters_.model.copies);
    model_ = parameters_.model;
    displayUnits() = model_.units;
    conf_ = c;
    scene_->setConfiguration(c, model_, displacement_, w.centralParticle, /*wrap=*/false);
    statusInfo_->setText(tr("DWP start %1 / minimum %2   asymmetry %3   barrier %4   central #%5   path %6 %")
                             .arg(dwp->start).arg(dwp->minimum).arg(w.asymmetry, 0, 'g', 3).arg(w.barrier, 0, 'g', 3)
                             .arg(w.centralParticle).arg(std::lround(100 * t)));
    view_->requestRender();
}

void MainWindow::selectDwp(int catalogRow) {
    const QModelIndex src = table_->index(catalogRow, 0);
    const QModelIndex idx = filter_->mapFromSource(src);
    if (idx.isValid()) tableView_->setCurrentIndex(idx);
    else {
        const DwpPtr dwp = table_->at(catalogRow);
        detail_->setDwp(dwp, speciesNames(), parameters_.model.boxLengthFor(parameters_.particles), parameters_.attempts, catalogRow);
        teach_->setDwp(dwp);
        plots_->setSelected(dwp);
        showDwp(dwp, 0.0);
    }
}

void MainWindow::showSessionData(const SessionData& s) {
    parameters_ = s.parameters;
    model_ = s.parameters.model;
    displayUnits() = model_.units;
    table_->setSpeciesNames(speciesNames());
    std::vector<DwpPtr> rows;
    for (const auto& r : s.doubleWells) rows.push_back(std::make_shared<const DwpRecord>(r));
    table_->setAll(std::move(rows));
    plots_->setStartEnergies(startEnergiesOf(s));
    plots_->refreshLater();
    run_->setParameters(s.parameters);
}

void MainWindow::resetDocument() {
    // Everything that belongs to the previous document goes: its DWPs, the selection and the
    // detail panel, a histogram-bin filter (it hid the new DWPs), the run's progress, following.
    followTimer_->stop();
    sessionPath_.clear();
    autosave_ = false;
    filter_->clearRange();
    scene_->setPicked(-1);
    lastPicked_ = -1;
    inspector_->setText(tr("Click a particle in the 3D view to see its species, displacement, energy and neighbours."));
    table_->clear();
    shownDwp_ = nullptr;
    detail_->setDwp(nullptr, {});
    teach_->setDwp(nullptr);
    plots_->setStartEnergies({});
    plots_->setSelected(nullptr);
    plots_->refreshLater();
    run_->resetProgress();
    followNewest_->setChecked(true);
    map_->clear();
}

void MainWindow::newSession() {
    if (controller_->running()) {
        error(tr("New session"), tr("Stop the running search first."));
        return;
    }
    if (!confirmDiscard(tr("New session"))) return;
    resetDocument();
    openDemo();
}

void MainWindow::openPath(const QString& path) {
    const bool session = path.endsWith(".h5", Qt::CaseInsensitive) || path.endsWith(".hdf5", Qt::CaseInsensitive);
    const QString message = session ? openSession(path) : openConfiguration(path);
    if (!message.isEmpty()) error(session ? tr("Cannot open session") : tr("Cannot open configuration"), message);
}

void MainWindow::openFileDialog() {
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open"), settings.value("files/lastDir").toString(),
        tr("TLScope sessions and configurations (*.tls.h5 *.h5 *.xyz *.extxyz *.data *.dump *.lammpstrj);;Sessions (*.tls.h5 *.h5);;"
           "Extended XYZ (*.xyz *.extxyz);;LAMMPS data and dump files (*.data *.lmp *.dump *.lammpstrj);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue("files/lastDir", QFileInfo(path).absolutePath());
    openPath(path);
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value("files/recent").toStringList();
    recent.removeAll(QFileInfo(path).absoluteFilePath());
    recent.prepend(QFileInfo(path).absoluteFilePath());
    while (recent.size() > 10) recent.removeLast();
    settings.setValue("files/recent", recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    if (!recentMenu_) return;
    recentMenu_->clear();
    const QStringList recent = QSettings().value("files/recent").toStringList();
    for (const QString& p : recent) recentMenu_->addAction(p, this, [this, p] { openPath(p); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::saveSessionAs() {
    if (sessionPath_.isEmpty()) {
        error(tr("Save session"), tr("Nothing to save yet: start a search or open a session."));
        return;
    }
    if (controller_->running()) {
        error(tr("Save session"), tr("Wait for the search to finish (or stop it) before saving its results."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Save session as"), autosave_ ? "search.tls.h5" : "copy.tls.h5",
                                                      tr("TLScope session (*.tls.h5)"));
    if (path.isEmpty()) return;
    const QString message = saveSessionTo(path);
    if (!message.isEmpty()) error(tr("Save session"), message);
}

QString MainWindow::saveSessionTo(const QString& path) {
    if (sessionPath_.isEmpty()) return tr("nothing to save");
    if (controller_->running()) return tr("the search is still running");
    if (QFileInfo(path).absoluteFilePath() == QFileInfo(sessionPath_).absoluteFilePath()) return {};
    const QString tmp = path + ".tmp";
    QFile::remove(tmp);
    if (!QFile::copy(sessionPath_, tmp) || (QFile::exists(path) && !QFile::remove(path)) || !QFile::rename(tmp, path)) {
        QFile::remove(tmp);
        return tr("Could not write '%1'.").arg(path);
    }
    if (autosave_) {
        // The results now have a name: continue with that file and drop the autosave.
        QFile::remove(sessionPath_);
        sessionPath_ = path;
        autosave_ = false;
        setWindowTitle(tr("TLScope — %1").arg(QFileInfo(path).fileName()));
    }
    addRecent(path);
    statusBar()->showMessage(tr("saved %1").arg(path), 5000);
    return {};
}

bool MainWindow::hasUnsavedResults() const { return autosave_ && !table_->all().empty(); }

QString MainWindow::leaveUnsavedInAutosave() {
    if (!hasUnsavedResults()) return {};
    autosave_ = false;
    return sessionPath_;
}

bool MainWindow::confirmDiscard(const QString& action) {
    if (!hasUnsavedResults() || !isVisible()) return true;
    QMessageBox box(this);
    box.setWindowTitle(action);
    box.setIcon(QMessageBox::Warning);
    box.setText(tr("The %1 DWPs of the last search are not saved.").arg(table_->all().size()));
    box.setInformativeText(tr("Save them as a session file before going on?"));
    box.setStandardButtons(QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
    case QMessageBox::Save:
        saveSessionAs();
        return !autosave_; // saved unless the user cancelled the file dialog
    case QMessageBox::Discard:
        autosave_ = false;
        return true;
    default:
        return false;
    }
}

QString MainWindow::resumeSearch() {
    if (controller_->running()) return tr("a search is running");
    if (sessionPath_.isEmpty()) return tr("open the session of a stopped search first");
    const QString path = sessionPath_;
    const bool wasAutosave = autosave_;
    SessionData earlier;
    QString message;
    if (!controller_->resumeFrom(path, &earlier, &message)) return message;
    resetDocument();
    autosave_ = wasAutosave;
    sessionPath_ = path;
    showSessionData(earlier);
    run_->setState(true, false);
    run_->appendLog(tr("resuming %1: %2 of %3 starts were finished").arg(path).arg(earlier.starts.size()).arg(earlier.parameters.starts));
    return {};
}

void MainWindow::exportTable() {
    if (table_->all().empty()) {
        error(tr("Export table"), tr("There are no DWPs to export yet."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export DWP table"), "dwps.csv", tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    SessionData s;
    s.parameters = parameters_;
    for (const auto& r : table_->all()) s.doubleWells.push_back(*r), s.doubleWellStartFinished.push_back(true);
    try {
        writeDoubleWellCsv(s, path.toStdString());
        statusBar()->showMessage(tr("wrote %1").arg(path), 5000);
    } catch (const std::exception& e) {
        error(tr("Export table"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::exportDwp() {
    if (!shownDwp_) {
        error(tr("Export DWP"), tr("Select a DWP in the table first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export DWP"), "dwp.xyz", tr("Extended XYZ (*.xyz)"));
    if (path.isEmpty()) return;
    SessionData s;
    s.parameters = parameters_;
    s.doubleWells.push_back(*shownDwp_);
    s.doubleWellStartFinished.push_back(true);
    try {
        writeDoubleWellXyz(s, 0, path.toStdString());
        statusBar()->showMessage(tr("wrote %1").arg(path), 5000);
    } catch (const std::exception& e) {
        error(tr("Export DWP"), QString::fromUtf8(e.what()));
    }
}

bool MainWindow::exportMovie(const QString& path, int frames, bool rock, int width, QString* message) {
    const DwpPtr dwp = shownDwp_;
    if (!dwp) {
        if (message) *message = tr("select a DWP in the table first");
        return false;
    }
    if (frames < 2 || frames > 1000 || width < 0 || width > 4000) {
        if (message) *message = tr("a movie needs 2 to 1000 frames and a width up to 4000 pixels");
        return false;
    }
    // The resolved path from minimum 1 over the saddle to minimum 2 (and back when rocking),
    // rendered frame by frame as the view shows it, every image unwrapped relative to minimum 1.
    GifWriter gif(40);
    const double speedUp = rock ? 2.0 : 1.0;
    for (int f = 0; f < frames; ++f) {
        const double u = rock ? speedUp * f / frames : double(f) / (frames - 1);
        const double t = u <= 1.0 ? u : 2.0 - u;
        showDwp(dwp, t);
        QImage frame = view_->grabFramebuffer();
        if (frame.isNull()) {
            if (message) *message = tr("the 3D view is not on screen");
            showDwp(dwp, 0.0);
            return false;
        }
        if (width > 0 && frame.width() != width) frame = frame.scaledToWidth(width, Qt::SmoothTransformation);
        gif.addFrame(frame);
    }
    showDwp(dwp, 0.0);
    QString error;
    if (!gif.write(path, &error)) {
        if (message) *message = error;
        return false;
    }
    return true;
}

void MainWindow::exportMovieDialog() {
    if (!shownDwp_) {
        error(tr("Export movie"), tr("Select a DWP in the table first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export transition movie"), "transition.gif",
                                                      tr("Animated GIF (*.gif)"));
    if (path.isEmpty()) return;
    QDialog ask(this);
    ask.setWindowTitle(tr("Movie"));
    auto* form = new QFormLayout(&ask);
    auto* frames = new QSpinBox;
    frames->setRange(2, 1000);
    frames->setValue(48);
    frames->setToolTip(tr("frames at 25 per second"));
    auto* mode = new QComboBox;
    mode->addItems({tr("rock (there and back)"), tr("one way")});
    auto* width = new QSpinBox;
    width->setRange(0, 4000);
    width->setValue(0);
    width->setSpecialValueText(tr("as the view"));
    width->setSuffix(" px");
    form->addRow(tr("Frames"), frames);
    form->addRow(tr("Motion"), mode);
    form->addRow(tr("Width"), width);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &ask, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &ask, &QDialog::reject);
    if (ask.exec() != QDialog::Accepted) return;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    QString message;
    const bool ok = exportMovie(path, frames->value(), mode->currentIndex() == 0, width->value(), &message);
    QApplication::restoreOverrideCursor();
    if (ok) statusBar()->showMessage(tr("movie saved to %1 (plays in browsers and slides)").arg(path), 8000);
    else error(tr("Export movie"), message);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    const auto urls = e->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) openPath(urls.first().toLocalFile());
}

// ----- search ---------------------------------------------------------------------------------

void MainWindow::startSearch() {
    if (controller_->running()) return;
    SearchParameters p;
    try {
        p = run_->parameters();
    } catch (const std::exception& e) {
        error(tr("Search"), QString::fromUtf8(e.what()));
        return;
    }
    startSearchWith(p);
}

void MainWindow::startPreparation() {
    if (preparer_->running()) return;
    QString message;
    try {
        const Model m = prepare_->model();
        const int n = prepare_->particles();
        const SwapPreparationParameters p = prepare_->parameters();
        prepare_->reset();
        if (!preparer_->start(m, n, p, prepare_->seed(), &message)) {
            error(tr("Prepare glass"), message);
            return;
        }
        prepared_.reset();
        prepare_->setState(true, false);
        if (auto* d = findChild<QDockWidget*>("prepareDock")) d->raise();
    } catch (const std::exception& e) {
        error(tr("Prepare glass"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::startDemoPreparation() {
    prepare_->setModel("soft-spheres");
    prepare_->setParticles(500);
    prepare_->setFinalTemperature(0.1);
    prepare_->setSweeps(500, 3000);
    startPreparation();
}

void MainWindow::onPrepareSnapshot() {
    const auto c = preparer_->takeSnapshot();
    if (!c || controller_->running() || !preparer_->running()) return; // a running search keeps the view
    shownDwp_.reset();
    displacement_.resize(0);
    showConfiguration(*c, prepare_->model(), tr("preparing a glass"));
}

QString MainWindow::savePreparedGlass(const QString& path) {
    if (!prepared_) return tr("no glass has been prepared");
    const PreparedGlass& g = *prepared_;
    try {
        XyzWriteOptions w;
        w.energy = g.result.energy;
        w.info["model"] = g.model.name;
        w.info["T_f"] = QString::number(g.parameters.finalTemperature).toStdString();
        w.info["prepared"] = "swap-mc";
        w.info["sweeps"] = std::to_string(g.parameters.coolingSweeps) + "+" + std::to_string(g.parameters.sweeps);
        w.info["seed"] = std::to_string(g.seed);
        if (g.quench.converged()) w.info["is_energy_per_particle"] = QString::number(g.quench.energy / g.particles, 'f', 10).toStdString();
        writeConfigurationFile(path.toStdString(), g.result.configuration, g.model, w);
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

QString MainWindow::searchPreparedGlass(const QString& path) {
    if (!prepared_ || prepared_->result.stopped) return tr("prepare a glass first");
    if (controller_->running()) return tr("a search is already running");
    QString file = path;
    if (file.isEmpty()) {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/autosave";
        QDir().mkpath(dir);
        file = dir + QString("/glass-%1.xyz").arg(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz"));
    }
    if (const QString e = savePreparedGlass(file); !e.isEmpty()) return e;
    SearchParameters p;
    try {
        p = run_->parameters();
    } catch (const std::exception&) {
        p = SearchParameters{};
    }
    p.model = prepared_->model;
    p.particles = prepared_->particles;
    p.starts = 1;
    p.inputFile = file.toStdString();
    run_->setParameters(p);
    if (auto* d = findChild<QDockWidget*>("runDock")) d->raise();
    startSearchWith(p);
    return {};
}

void MainWindow::startSearchWith(const SearchParameters& p) {
    if (controller_->running()) return;
    if (!confirmDiscard(tr("Start a search"))) return;
    QString path = run_->sessionPath();
    const bool autosave = path.isEmpty();
    if (autosave) {
        // Without a file name the results still go to disk, so they can be saved at any time.
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/autosave";
        QDir().mkpath(dir);
        path = dir + QString("/search-%1.tls.h5").arg(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz"));
    }
    if (!path.isEmpty() && !autosave && QFile::exists(path) &&
        (!isVisible() || QMessageBox::question(this, tr("Search"), tr("'%1' exists. Replace it?").arg(path)) != QMessageBox::Yes))
        return;
    followTimer_->stop();
    QString message;
    if (!controller_->start(p, path, &message)) {
        error(tr("Search"), message);
        return;
    }
    resetDocument();
    autosave_ = autosave;
    parameters_ = p;
    model_ = p.model;
    displayUnits() = model_.units;
    table_->setSpeciesNames(speciesNames());
    sessionPath_ = path;
    run_->setState(true, false);
    run_->appendLog(tr("search started: N = %1, %2 starts x %3 attempts, T_search %4, N_search %5, seed %6")
                        .arg(p.particles).arg(p.starts).arg(p.attempts).arg(p.tSearch).arg(p.nSearch).arg(p.seed));
}

void MainWindow::onDoubleWell(DwpPtr dwp) {
    const bool first = table_->all().empty();
    table_->append(dwp);
    plots_->refreshLater();
    // The newest DWP goes to the 3D view unless the user is inspecting another one.
    if (first || (followNewest_->isChecked() && !detail_->playing())) selectDwp(table_->rowCount() - 1);
}

void MainWindow::onSnapshot() {
    const auto snap = controller_->takeSnapshot();
    if (!snap || shownDwp_) return; // a selected DWP stays on screen
    Configuration c;
    c.boxLength = snap->boxLength;
    c.species = snap->species;
    c.diameters = snap->diameters;
    c.positions = snap->positions;
    displacement_ = comCorrectedDisplacement(snap->reference, snap->positions, snap->boxLength, relativeMasses(model_, snap->species), model_.copies);
    conf_ = c;
    scene_->setConfiguration(c, model_, displacement_, -1);
    statusInfo_->setText(tr("search: start %1, attempt %2 (colour: displacement from the starting IS)")
                             .arg(snap->start).arg(snap->attempt));
    view_->requestRender();
}

void MainWindow::onSearchFinished(bool complete, const QString& message) {
    run_->setState(false, false);
    if (!message.isEmpty()) {
        run_->appendLog(tr("search failed: %1").arg(message));
        error(tr("Search failed"), message);
    } else {
        run_->appendLog(complete ? tr("search complete: %1 DWPs").arg(table_->rowCount())
                                 : tr("search stopped: %1 DWPs%2").arg(table_->rowCount())
                                       .arg(sessionPath_.isEmpty() ? QString() : tr("; continue with tlscope-cli search --out %1 --resume").arg(sessionPath_)));
    }
    plots_->refreshLater();
}

// ----- exploration ----------------------------------------------------------------------------

void MainWindow::setExplorable(const Configuration& conf, const Model& model, const QString& path, const QString& tf, const QString& source) {
    explorable_ = Explorable{conf, model, path, tf.isEmpty() ? QString("?") : tf, source};
    explore_->setGlassText(tr("Explores %1: N = %2, model %3%4.")
                               .arg(source)
                               .arg(conf.size())
                               .arg(QString::fromStdString(model.name))
                               .arg(tf != "?" && !tf.isEmpty() ? tr(", T_f %1").arg(tf) : QString()));
    if (!explorer_ || !explorer_->running()) explore_->setModelDefaults(model);
}

bool MainWindow::busy(QString* why) const {
    if (controller_->running()) *why = tr("a search is running; stop it first");
    else if (explorer_->running()) *why = tr("an exploration is running; stop it first");
    else if (preparer_->running()) *why = tr("a glass is being prepared; wait for it or stop it first");
    else return false;
    return true;
}

QString MainWindow::startExploration(bool resume) {
    QString why;
    if (busy(&why)) return why;
    QString path = explore_->sessionPath();
    Configuration glass;
    Model model;
    QString input, tf = "?";
    ExploreParameters p;
    try {
        if (resume) {
            // Continue the panel's (or the open) session with its own settings and glass.
            if (path.isEmpty()) path = sessionPath_;
            if (path.isEmpty() || !QFile::exists(path)) return tr("no exploration session to resume: open one or name it in the Explore panel");
            const SessionData s = readSession(path.toStdString(), {false, false});
            if (!s.exploration) return tr("%1 is not an exploration session").arg(path);
            if (s.complete()) return tr("%1 is complete; open it to see its results").arg(path);
            model = s.parameters.model;
            p = ExploreParameters::parse(s.exploration->parameters, model);
            input = QString::fromStdString(s.parameters.inputFile);
            if (input.isEmpty() || !QFile::exists(input)) {
                if (!explorable_) return tr("the glass of %1 (%2) is not available; open it first").arg(path, input);
                glass = explorable_->conf; // the fingerprint check refuses another glass
            } else {
                glass = readConfigurationFile(input.toStdString(), model).conf;
            }
        } else {
            if (!explorable_) return tr("no glass to explore: prepare one, open a configuration or load the demo");
            if (!confirmDiscard(tr("Explore"))) return {};
            glass = explorable_->conf;
            model = explorable_->model;
            input = explorable_->path;
            tf = explorable_->tf;
            p = explore_->parameters(model);
            p.glassFictiveTemperature = tf.toStdString();
            if (path.isEmpty()) {
                const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/autosave";
                QDir().mkpath(dir);
                path = dir + QString("/explore-%1.tls.h5").arg(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz"));
            } else if (QFile::exists(path) &&
                       (!isVisible() || QMessageBox::question(this, tr("Explore"), tr("'%1' exists. Replace it?").arg(path)) != QMessageBox::Yes)) {
                return isVisible() ? QString() : tr("%1 exists").arg(path);
            }
        }
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    QString message;
    if (!explorer_->start(glass, p, path, input, resume, &message)) return message;
    const bool autosave = explore_->sessionPath().isEmpty() && !resume;
    resetDocument();
    autosave_ = autosave;
    SearchParameters sp;
    sp.model = model;
    sp.particles = glass.size();
    sp.starts = 1;
    sp.attempts = static_cast<int>(p.walk.steps / p.walk.quenchEvery);
    sp.seed = p.walk.seed;
    parameters_ = sp;
    model_ = model;
    displayUnits() = model_.units;
    table_->setSpeciesNames(speciesNames());
    sessionPath_ = path;
    explore_->reset();
    explore_->setState(true);
    explore_->setStatus(tr("quenching the glass"));
    if (auto* d = findChild<QDockWidget*>("exploreDock")) d->raise();
    if (auto* d = findChild<QDockWidget*>("mapDock")) d->raise();
    displacement_.resize(0);
    shownDwp_.reset();
    run_->appendLog(tr("exploration %1: N = %2, T = %3, a quench every %4 steps, %5 quenches, seed %6 -> %7")
                        .arg(resume ? tr("resumed") : tr("started")).arg(glass.size()).arg(p.walk.temperature)
                        .arg(p.walk.quenchEvery).arg(p.walk.steps / p.walk.quenchEvery).arg(p.walk.seed).arg(path));
    return {};
}

void MainWindow::startDemoExploration() {
    if (controller_->running() || explorer_->running()) return;
    openDemo();
    explore_->setWalk(0.3, 20, 100, 1); // ~20 IS and ~12 DWPs in about ten seconds
    explore_->setSessionPath({});
    if (const QString e = startExploration(false); !e.isEmpty()) error(tr("Explore"), e);
}

void MainWindow::onExploreTick() {
    const int n = parameters_.particles;
    explore_->addPoints(explorer_->takePoints(), n);
    if (auto m = explorer_->takeMap()) map_->setData(std::move(m));
    const auto [current, reference] = explorer_->takeSnapshot();
    if (!current || !reference || shownDwp_ || !explorable_ || !explorer_->running()) return;
    // The IS of the latest quench, coloured by its displacement from the glass's IS.
    Configuration c;
    c.boxLength = explorable_->conf.boxLength;
    c.species = explorable_->conf.species;
    c.diameters = explorable_->conf.diameters;
    if (static_cast<int>(c.species.size()) * 3 != current->size()) return;
    c.positions = alignedTo(*reference, *current, c.boxLength);
    displacement_ = comCorrectedDisplacement(*reference, *current, c.boxLength, relativeMasses(model_, c.species), model_.copies);
    conf_ = c;
    scene_->setConfiguration(c, model_, displacement_, -1, /*wrap=*/false);
    const MetabasinData* d = map_->data();
    statusInfo_->setText(tr("exploration: IS %1 of %2 (colour: displacement from the glass's IS)")
                             .arg(d ? d->current : -1).arg(d ? d->energy.size() : 0));
    view_->requestRender();
}

void MainWindow::showExploredMinimum(int is) {
    const MetabasinData* d = map_->data();
    if (!d || is < 0 || is >= static_cast<int>(d->positions.size()) || !explorable_) return;
    Configuration c;
    c.boxLength = parameters_.model.boxLengthFor(parameters_.particles);
    c.species = explorable_->conf.species;
    c.diameters = explorable_->conf.diameters;
    const Eigen::VectorXd& x = *d->positions[static_cast<std::size_t>(is)];
    const Eigen::VectorXd& x0 = *d->positions.front();
    if (static_cast<int>(c.species.size()) * 3 != x.size() || c.boxLength <= 0) return;
    c.positions = alignedTo(x0, x, c.boxLength);
    shownDwp_.reset();
    followNewest_->setChecked(false); // the user is inspecting: arriving DWPs do not take over
    displacement_ = comCorrectedDisplacement(x0, x, c.boxLength, relativeMasses(model_, c.species), model_.copies);
    conf_ = c;
    // The particle that moved most since the glass, highlighted like a DWP's central particle.
    Eigen::Index top = -1;
    if (is > 0 && displacement_.size() == x.size()) {
        Eigen::VectorXd norms(x.size() / 3);
        for (Eigen::Index i = 0; i < norms.size(); ++i) norms[i] = displacement_.segment<3>(3 * i).norm();
        norms.maxCoeff(&top);
    }
    scene_->setConfiguration(c, model_, displacement_, static_cast<int>(top), /*wrap=*/false);
    const double de = d->energy[static_cast<std::size_t>(is)] - d->energy.front();
    statusInfo_->setText(tr("explored IS %1: E - E_glass = %2 eps, visited %3 times%4 (colour: displacement from the glass's IS)")
                             .arg(is).arg(de, 0, 'g', 5).arg(d->visits[static_cast<std::size_t>(is)])
                             .arg(top >= 0 ? tr(", most displaced particle #%1").arg(top) : QString()));
    view_->requestRender();
}

bool MainWindow::selectExploredPair(int candidate) {
    const auto& all = table_->all();
    for (std::size_t k = 0; k < all.size(); ++k)
        if (all[k]->minimum == candidate) {
            followNewest_->setChecked(false);
            selectDwp(static_cast<int>(k));
            return true;
        }
    if (const MetabasinData* d = map_->data())
        for (const PairMark& m : d->pairs)
            if (m.candidate == candidate)
                statusBar()->showMessage(m.analysed ? tr("IS %1 - IS %2: rejected: %3").arg(m.first).arg(m.second).arg(QString::fromStdString(m.reason))
                                                    : tr("IS %1 - IS %2: not analysed yet").arg(m.first).arg(m.second),
                                         10000);
    return false;
}

CompareDialog* MainWindow::compareExplorations(const QStringList& paths, QString* message) {
    auto* d = new CompareDialog(this);
    d->setAttribute(Qt::WA_DeleteOnClose);
    const QString e = d->load(paths);
    if (!e.isEmpty()) {
        if (message) *message = e;
        delete d;
        return nullptr;
    }
    return d;
}

// ----- view -----------------------------------------------------------------------------------

void MainWindow::picked(double x, double y) {
    const int i = scene_->pick(x, y);
    lastPicked_ = i;
    scene_->setPicked(i);
    view_->requestRender();
    if (i < 0) {
        lastPickText_.clear();
        statusBar()->clearMessage();
        return;
    }
    const QStringList names = speciesNames();
    auto speciesName = [&](int s) { return s >= 0 && s < names.size() ? names[s] : QString("?"); };
    const int sp = conf_.species[static_cast<std::size_t>(i)];
    PairPotential pot(model_, conf_);
    const double e = pot.particleEnergies(conf_.positions)[i];
    const bool haveDisplacement = displacement_.size() == conf_.positions.size();
    const Eigen::Vector3d d = haveDisplacement ? Eigen::Vector3d(displacement_.segment<3>(3 * i)) : Eigen::Vector3d::Zero();
    lastPickText_ = tr("particle #%1  species %2  displacement %3 sigma  energy %4 eps").arg(i).arg(speciesName(sp))
                        .arg(d.norm(), 0, 'f', 4).arg(e, 0, 'f', 5);
    statusBar()->showMessage(lastPickText_);
    // Neighbours: within 1.5 sigma_ab (the first shell of a KA liquid ends near there).
    std::vector<std::pair<double, int>> shell;
    const double L = conf_.boxLength, invL = 1.0 / L;
    for (int j = 0; j < conf_.size(); ++j) {
        if (j == i) continue;
        double r2 = 0.0;
        for (int k = 0; k < 3; ++k) {
            const double dx = minimumImage(conf_.positions[3 * i + k] - conf_.positions[3 * j + k], L, invL);
            r2 += dx * dx;
        }
        const double r = std::sqrt(r2);
        if (r < 1.5 * model_.pair(sp, conf_.species[static_cast<std::size_t>(j)]).sigma) shell.emplace_back(r, j);
    }
    std::sort(shell.begin(), shell.end());
    std::map<int, int> bySpecies;
    for (const auto& [r, j] : shell) ++bySpecies[conf_.species[static_cast<std::size_t>(j)]];
    QStringList counts, nearest;
    for (const auto& [s, n] : bySpecies) counts << QString("%1 %2").arg(n).arg(speciesName(s));
    for (std::size_t k = 0; k < shell.size() && k < 6; ++k)
        nearest << QString("#%1 (%2) %3").arg(shell[k].second).arg(speciesName(conf_.species[static_cast<std::size_t>(shell[k].second)]))
                       .arg(shell[k].first, 0, 'f', 3);
    const QString of = shownDwp_ ? tr("from minimum 1 to minimum 2 of the selected DWP") : tr("from the starting structure");
    inspector_->setText(tr("<b>particle #%1</b> (%2), amber ring<br>"
                           "displacement %3: (%4, %5, %6) &sigma;, |dr| = <b>%7 &sigma;</b><br>"
                           "energy (half of each of its pairs): %8 &epsilon;<br>"
                           "neighbours within 1.5 &sigma;<sub>ab</sub>: %9 (%10)<br>nearest: %11")
                            .arg(i).arg(speciesName(sp)).arg(haveDisplacement ? of : tr("(none shown)"))
                            .arg(d[0], 0, 'f', 4).arg(d[1], 0, 'f', 4).arg(d[2], 0, 'f', 4).arg(d.norm(), 0, 'f', 4)
                            .arg(e, 0, 'f', 5).arg(shell.size()).arg(counts.join(", ")).arg(nearest.join(", ")));
    if (auto* dock = findChild<QDockWidget*>("particleDock")) {
        dock->show();
        dock->raise();
    }
}

bool MainWindow::saveScreenshot(const QString& path, QString* message) {
    plots_->flushPending(); // the picture shows the plots of every DWP in the table
    QPixmap pixmap = grab();
    // The 3D view is a native OpenGL window that QWidget::grab() cannot see: paint its picture in.
    const QImage view = view_->grabFramebuffer();
    if (!pixmap.isNull() && !view.isNull()) {
        QPainter p(&pixmap);
        p.drawImage(QRect(view_->mapTo(this, QPoint(0, 0)), view_->size()), view);
    }
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        if (message) *message = tr("could not write screenshot '%1'").arg(path);
        return false;
    }
    return true;
}

bool MainWindow::saveViewImage(const QString& path, int scale, QString* message) {
    const QImage image = view_->grabFramebuffer(std::clamp(scale, 1, 4));
    if (image.isNull() || !image.save(path, "PNG")) {
        if (message) *message = tr("could not write image '%1'").arg(path);
        return false;
    }
    return true;
}

void MainWindow::screenshotDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save screenshot"), "tlscope.png", tr("PNG image (*.png)"));
    if (path.isEmpty()) return;
    bool ok = false;
    const QStringList choices{tr("whole window"), tr("3D view, 1x"), tr("3D view, 2x"), tr("3D view, 4x")};
    const int choice = static_cast<int>(choices.indexOf(QInputDialog::getItem(this, tr("Screenshot"), tr("What to save"), choices, 0, false, &ok)));
    if (!ok || choice < 0) return;
    QString message;
    const int scales[] = {0, 1, 2, 4};
    const bool saved = choice == 0 ? saveScreenshot(path, &message) : saveViewImage(path, scales[choice], &message);
    if (!saved) error(tr("Screenshot"), message);
}

void MainWindow::about() {
    unsigned h5major = 0, h5minor = 0, h5release = 0;
    H5get_libversion(&h5major, &h5minor, &h5release);
    QMessageBox::about(this, tr("About TLScope"),
                       tr("<h3>TLScope %1</h3><p>Find and inspect two-level systems in simulated glasses.</p>"
                          "<p>Qt %2 &middot; VTK %3 &middot; Eigen %4.%5.%6 &middot; HDF5 %7.%8.%9</p>"
                          "<p>Force kernel: %10</p>")
                           .arg(TLSCOPE_VERSION, qVersion(), vtkVersion::GetVTKVersion())
                           .arg(EIGEN_WORLD_VERSION).arg(EIGEN_MAJOR_VERSION).arg(EIGEN_MINOR_VERSION)
                           .arg(h5major).arg(h5minor).arg(h5release)
                           .arg(QString::fromStdString(kernel::name(kernel::activePath()))));
}

void MainWindow::closeEvent(QCloseEvent* e) {
    if (!confirmDiscard(tr("Quit"))) {
        e->ignore();
        return;
    }
    // A running search stops within one attempt, an exploration within one quench or pair; their
    // session files stay consistent (and resumable).
    controller_->stop();
    explorer_->stop();
    preparer_->stop();
    controller_->wait();
    explorer_->wait();
    preparer_->wait();
    saveLayout();
    e->accept();
}

} // namespace tlscope::ui

#include "ui/MainWindow.h"

#include "core/common/Error.h"
#include "core/io/ExtendedXyz.h"
#include "core/potential/PairPotential.h"
#include "ui/ParticleScene.h"
#include "ui/VtkView.h"

#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

#include <sstream>

namespace tlscope::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle("TLScope");
    resize(1280, 860);
    view_ = new VtkView(this);
    setCentralWidget(view_);
    scene_ = std::make_unique<ParticleScene>(view_->renderer());
    statusInfo_ = new QLabel(this);
    statusBar()->addPermanentWidget(statusInfo_);
    buildMenus();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open configuration..."), QKeySequence::Open, this, &MainWindow::openFileDialog);
    file->addAction(tr("Open &demo glass"), this, &MainWindow::openDemo);
    file->addSeparator();
    file->addAction(tr("Save &screenshot..."), QKeySequence(tr("Ctrl+Shift+S")), this,
                    &MainWindow::screenshotDialog);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addAction(tr("&Reset camera"), QKeySequence(tr("R")), this, [this] {
        scene_->resetCamera();
        view_->requestRender();
    });
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About TLScope"), this, &MainWindow::about);
}

QString MainWindow::openConfiguration(const QString& path, const QString& modelName) {
    try {
        const Model model = Model::fromNameOrFile(modelName.toStdString());
        const std::string p = path.toStdString();
        const Configuration conf = readXyzFile(p).toConfiguration(model, p);
        showConfiguration(conf, model, QFileInfo(path).fileName());
        return {};
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
}

void MainWindow::openDemo() {
    QFile f(":/demo/ka-rh-65.xyz");
    if (!f.open(QIODevice::ReadOnly)) {
        QMessageBox::critical(this, tr("TLScope"), tr("The demo glass is missing from the resources."));
        return;
    }
    std::istringstream in(f.readAll().toStdString());
    XyzFrame frame;
    int line = 0;
    readXyzFrame(in, "demo glass", line, frame);
    const Model model = Model::preset("ka-rh");
    showConfiguration(frame.toConfiguration(model, "demo glass"), model, tr("demo glass"));
}

void MainWindow::showConfiguration(const Configuration& conf, const Model& model,
                                   const QString& title) {
    model_ = model;
    conf_ = conf;
    scene_->setConfiguration(conf, model);
    PairPotential potential(model, conf);
    const double e = potential.energy(conf.positions);
    statusInfo_->setText(tr("N = %1   L = %2   E = %3   E/N = %4   model %5")
                             .arg(conf.size())
                             .arg(conf.boxLength, 0, 'f', 4)
                             .arg(e, 0, 'f', 6)
                             .arg(e / conf.size(), 0, 'f', 6)
                             .arg(QString::fromStdString(model.name)));
    setWindowTitle(tr("TLScope — %1").arg(title));
    view_->requestRender();
}

bool MainWindow::saveScreenshot(const QString& path, QString* error) {
    const QPixmap pixmap = grab();
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        if (error) *error = tr("could not write screenshot '%1'").arg(path);
        return false;
    }
    return true;
}

void MainWindow::openFileDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open configuration"), {},
                                                      tr("Extended XYZ (*.xyz *.extxyz);;All files (*)"));
    if (path.isEmpty()) return;
    const QString error = openConfiguration(path);
    if (!error.isEmpty()) QMessageBox::warning(this, tr("Cannot open configuration"), error);
}

void MainWindow::screenshotDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save screenshot"), "tlscope.png",
                                                      tr("PNG image (*.png)"));
    if (path.isEmpty()) return;
    QString error;
    if (!saveScreenshot(path, &error)) QMessageBox::warning(this, tr("Screenshot"), error);
}

void MainWindow::about() {
    QMessageBox::about(this, tr("About TLScope"),
                       tr("<h3>TLScope %1</h3><p>Find and inspect two-level systems in simulated "
                          "glasses.</p><p>Qt %2, VTK 9, Eigen %3.%4.%5</p>")
                           .arg(TLSCOPE_VERSION, qVersion())
                           .arg(EIGEN_WORLD_VERSION)
                           .arg(EIGEN_MAJOR_VERSION)
                           .arg(EIGEN_MINOR_VERSION));
}

} // namespace tlscope::ui

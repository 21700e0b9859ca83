#pragma once
// The TLScope main window.
#include "core/model/Model.h"
#include "core/system/Configuration.h"

#include <QMainWindow>

#include <memory>

class QLabel;

namespace tlscope::ui {

class VtkView;
class ParticleScene;

/// Hosts the 3D view of a glass; opens configurations and saves screenshots.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Loads an extended XYZ file; on failure shows nothing and returns the message.
    QString openConfiguration(const QString& path, const QString& modelName = "ka-rh");
    /// Loads the demo glass shipped in the resources.
    void openDemo();
    void showConfiguration(const Configuration& conf, const Model& model, const QString& title);
    /// Saves a PNG of the whole window at its current size; returns false with a message.
    bool saveScreenshot(const QString& path, QString* error = nullptr);
    VtkView* view() const { return view_; }

private:
    void buildMenus();
    void openFileDialog();
    void screenshotDialog();
    void about();

    VtkView* view_ = nullptr;
    std::unique_ptr<ParticleScene> scene_;
    QLabel* statusInfo_ = nullptr;
    Model model_;
    Configuration conf_;
};

} // namespace tlscope::ui

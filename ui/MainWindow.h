#pragma once
// The TLScope main window: 3D view, run panel, DWP table, plots, detail and teaching panels.
#include "core/io/SessionFile.h"
#include "core/model/Model.h"
#include "core/system/Configuration.h"
#include "ui/DwpTable.h"
#include "ui/ParticleScene.h"

#include <QFont>
#include <QMainWindow>

#include <map>
#include <memory>
#include <optional>

class QLabel;
class QTableView;
class QTimer;
class QComboBox;
class QCheckBox;
class QDoubleSpinBox;
class QMenu;

namespace tlscope::ui {

class VtkView;
class SearchController;
class PlotPanel;
class RunPanel;
class DetailPanel;
class TeachingPanel;
class PreparePanel;
class PrepareController;
struct PreparedGlass;
class ExplorePanel;
class ExploreController;
class MetabasinMap;
struct MetabasinData;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;
    /// File > Paper report: the Reinisch-Heuer figures and report.md of these search sessions
    /// (ui/report/PaperReport.h) in `directory`; false with the reason in `message`.
    bool writePaperReport(const QStringList& sessionPaths, const QString& directory, QString* message);

    /// The default arrangement for the screen the window is on: docks side by side from
    /// 1500 x 950, a compact one below (table and plots as tabs, the window filling the screen).
    void applyDefaultLayout(QSize screen = {}); ///< screen: the available size (tests); default: the real one
    /// Remembers the current geometry and dock layout for this screen size.
    void saveLayout();
    /// "window/<width>x<height>": the settings key of this screen size's layout.
    QString layoutKey() const;
    QSize availableScreenSize() const;
    /// Preferences (View > Preferences), kept in the settings and applied at start.
    struct Preferences {
        double sphereScale = 1.0;  ///< sphere radius x 0.42 sigma_ss
        Background background = Background::DarkGradient;
        bool colourBySpecies = false;
        bool arrows = false;
        bool operator==(const Preferences&) const = default;
    };
    Preferences preferences() const;
    /// Applies and remembers them.
    void applyPreferences(const Preferences& p);
    /// Presentation mode: large text, only the 3D view and the selected DWP's profile (F11);
    /// leaving it restores the layout and fonts.
    void setPresentationMode(bool on);
    bool presentationMode() const { return presenting_; }
    /// Help texts: every shortcut of the menus (generated) and the mouse controls; a first tour.
    QString shortcutsText() const;
    QString gettingStartedText() const;
    /// The selected DWP's transition as an animated GIF: `frames` along the resolved path (there
    /// and back when `rock`), `width` pixels wide (0: the view's size). False with a message.
    bool exportMovie(const QString& path, int frames, bool rock, int width, QString* message = nullptr);

    /// Loads a configuration file; on failure shows nothing and returns the message. Without a
    /// model name: the model the file names (model=...), else the current one.
    QString openConfiguration(const QString& path, const QString& modelName = {});
    /// Opens a session file (also one still being written, which then updates live).
    QString openSession(const QString& path);
    /// Loads the demo glass shipped in the resources.
    void openDemo();
    /// Starts a search on a small system that shows its first DWP within seconds.
    void startDemoSearch();
    void showConfiguration(const Configuration& conf, const Model& model, const QString& title);
    /// Saves a PNG of the whole window at its current size; returns false with a message.
    bool saveScreenshot(const QString& path, QString* error = nullptr);
    /// Saves the 3D view alone at `scale` times its size.
    bool saveViewImage(const QString& path, int scale = 1, QString* error = nullptr);
    void selectDwp(int catalogRow);
    /// File > Open: a session or an extended XYZ configuration.
    void openFileDialog();
    /// Starts a search with the run panel's parameters (Search > Start, F5).
    void startSearch();
    /// Starts a search with these parameters (the run panel shows them).
    void startSearchWith(const SearchParameters& p);
    /// Prepares a glass by swap Monte Carlo with the Prepare panel's settings (live in the view).
    void startPreparation();
    /// A short soft-sphere preparation (N = 500), for the demo and screenshots.
    void startDemoPreparation();
    /// Writes the prepared glass (extended XYZ with diameters, or LAMMPS data for *.data).
    QString savePreparedGlass(const QString& path);
    /// A DWP search from the prepared glass (saved to `path`, or to an autosave file).
    QString searchPreparedGlass(const QString& path = {});
    /// Explores the glass in the view (the Explore panel's settings; `resume`: continue the
    /// panel's or the open session's exploration). Returns an error message or "".
    QString startExploration(bool resume = false);
    /// The demo glass explored for a few seconds (demo, screenshots).
    void startDemoExploration();
    /// Shows inherent structure `is` of the exploration on the map, coloured by displacement from the glass.
    void showExploredMinimum(int is);
    /// Selects the DWP of candidate pair `candidate` of the exploration (map edge click); false if none.
    bool selectExploredPair(int candidate);
    /// File > Compare explorations, without the file dialog.
    class CompareDialog* compareExplorations(const QStringList& paths, QString* message = nullptr);
    ExplorePanel* explorePanel() const { return explore_; }
    ExploreController* explorer() const { return explorer_; }
    MetabasinMap* metabasinMap() const { return map_; }
    PreparePanel* preparePanel() const { return prepare_; }
    PrepareController* preparer() const { return preparer_; }
    std::shared_ptr<const PreparedGlass> preparedGlass() const { return prepared_; }
    /// True when the current results live only in an autosave file (a search started without a
    /// session file) and have not been saved under a name.
    bool hasUnsavedResults() const;
    /// For scripted exits (--quit-after): closing will not ask about unsaved results; returns
    /// the autosave file that keeps them ("" if nothing was unsaved).
    QString leaveUnsavedInAutosave();
    /// Continues the current session's stopped or killed search (Search > Resume).
    QString resumeSearch();
    /// Copies the current session to `path` (Save session as without the dialog).
    QString saveSessionTo(const QString& path);

    VtkView* view() const { return view_; }
    /// The configuration the 3D view shows now.
    const Configuration& shownConfiguration() const { return conf_; }
    ParticleScene* scene() const { return scene_.get(); }
    SearchController* controller() const { return controller_; }
    DwpTableModel* table() const { return table_; }
    DwpFilter* filter() const { return filter_; }
    PlotPanel* plots() const { return plots_; }
    RunPanel* runPanel() const { return run_; }
    DetailPanel* detail() const { return detail_; }
    /// What the last click in the 3D view picked (-1: nothing), as shown in the status bar.
    int lastPicked() const { return lastPicked_; }
    QString lastPickText() const { return lastPickText_; }
    /// Renders at most every `ms` milliseconds during a search.
    static constexpr int kSnapshotIntervalMs = 100;

protected:
    void closeEvent(QCloseEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    /// Forgets everything of the current document (New, Open, Start).
    void resetDocument();
    /// Shows a session's parameters, DWPs and starting structures (Open, Resume).
    void showSessionData(const SessionData& s);
    /// Before unsaved results are replaced or closed: Save / Discard / Cancel. True to go on.
    bool confirmDiscard(const QString& action);
    bool autosave_ = false; ///< sessionPath_ is an autosave file the user has not saved
    void buildMenus();
    void buildDocks();
    void buildViewBar();
    void restoreLayout();
    void onDoubleWell(DwpPtr dwp);
    void onSnapshot();
    void onSearchFinished(bool complete, const QString& error);
    void showDwp(DwpPtr dwp, double t);
    void applyStyle();
    void picked(double x, double y);
    void openPath(const QString& path);
    void saveSessionAs();
    void exportTable();
    void preferencesDialog();
    void exportMovieDialog();
    void exportDwp();
    void screenshotDialog();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void followSession();
    void newSession();
    void about();
    void error(const QString& title, const QString& message);
    QStringList speciesNames() const;

    VtkView* view_ = nullptr;
    std::unique_ptr<ParticleScene> scene_;
    SearchController* controller_ = nullptr;
    DwpTableModel* table_ = nullptr;
    DwpFilter* filter_ = nullptr;
    QTableView* tableView_ = nullptr;
    PlotPanel* plots_ = nullptr;
    RunPanel* run_ = nullptr;
    DetailPanel* detail_ = nullptr;
    QLabel* statusInfo_ = nullptr;
    QLabel* filterInfo_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QComboBox* colourMode_ = nullptr;
    QCheckBox *arrows_ = nullptr, *hideA_ = nullptr, *hideB_ = nullptr, *followNewest_ = nullptr;
    QDoubleSpinBox *arrowScale_ = nullptr, *minMove_ = nullptr;
    QTimer* snapshotTimer_ = nullptr;
    QTimer* followTimer_ = nullptr;
    Model model_;
    Configuration conf_;
    Eigen::VectorXd displacement_;
    DwpPtr shownDwp_;
    SearchParameters parameters_;
    QString sessionPath_;   ///< the file shown (written by our search or followed)
    bool followBusy_ = false;
    int lastPicked_ = -1;
    QString lastPickText_;
    QLabel* inspector_ = nullptr;
    TeachingPanel* teach_ = nullptr;
    PreparePanel* prepare_ = nullptr;
    PrepareController* preparer_ = nullptr;
    std::shared_ptr<const PreparedGlass> prepared_;
    QTimer* prepareTimer_ = nullptr;
    void onPrepareSnapshot();
    /// The glass an exploration starts from: the last one opened, loaded or prepared.
    struct Explorable {
        Configuration conf;
        Model model;
        QString path;      ///< its file ("" for a prepared glass not saved yet)
        QString tf;        ///< its T_f ("?" unknown)
        QString source;
    };
    std::optional<Explorable> explorable_;
    void setExplorable(const Configuration& conf, const Model& model, const QString& path, const QString& tf, const QString& source);
    ExplorePanel* explore_ = nullptr;
    ExploreController* explorer_ = nullptr;
    MetabasinMap* map_ = nullptr;
    QTimer* exploreTimer_ = nullptr;
    void onExploreTick();
    bool busy(QString* why) const;
    bool presenting_ = false;
    QByteArray layoutBeforePresentation_;
    QFont fontBeforePresentation_;
};

} // namespace tlscope::ui

#include "ui/report/PaperReport.h"

#include "core/common/Error.h"
#include "core/io/SafeWrite.h"
#include "core/model/Units.h"

#include <QChart>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QImage>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QSvgGenerator>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <memory>
#include <sstream>

namespace tlscope::ui {

bool saveChart(QChart* chart, const QString& path, QSize size, QString* error) {
    // A chart needs a scene to be drawn; one that is not shown gets a private scene.
    std::unique_ptr<QGraphicsScene> scene;
    if (!chart->scene()) {
        scene = std::make_unique<QGraphicsScene>();
        scene->addItem(chart);
    }
    // Drawn at the requested size at the scene's origin; a chart shown in a view gets its
    // geometry back afterwards.
    const QRectF before = chart->geometry();
    chart->setGeometry(QRectF(QPointF(0, 0), QSizeF(size)));
    const QRectF area(QPointF(0, 0), QSizeF(size));
    bool ok = false;
    if (path.endsWith(".svg", Qt::CaseInsensitive)) {
        QSvgGenerator g;
        g.setFileName(path);
        g.setSize(size);
        g.setViewBox(QRect(QPoint(0, 0), size));
        g.setTitle(chart->title());
        QPainter p;
        if (p.begin(&g)) {
            chart->scene()->render(&p, area, area);
            ok = p.end() && QFileInfo(path).size() > 0;
        }
    } else {
        QImage image(size * 2, QImage::Format_ARGB32);
        image.fill(Qt::white);
        image.setDevicePixelRatio(2);
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing);
        chart->scene()->render(&p, area, area);
        p.end();
        ok = image.save(path, "PNG");
    }
    if (scene) scene->removeItem(chart); // the caller keeps the chart
    else chart->setGeometry(before);
    if (!ok && error) *error = QString("cannot write %1").arg(path);
    return ok;
}

namespace {

const QColor kColours[] = {QColor(31, 119, 180), QColor(214, 39, 40), QColor(44, 160, 44), QColor(148, 103, 189),
                           QColor(255, 127, 14), QColor(23, 190, 207)};

QColor colour(std::size_t k) { return kColours[k % (sizeof kColours / sizeof kColours[0])]; }

/// A chart with a title and two value axes, owned by the caller.
struct Plot {
    std::unique_ptr<QChart> chart = std::make_unique<QChart>();
    QValueAxis* x = new QValueAxis;
    QValueAxis* y = new QValueAxis;
    double xmin = HUGE_VAL, xmax = -HUGE_VAL, ymin = 0.0, ymax = -HUGE_VAL;
    Plot(const QString& title, const QString& xTitle, const QString& yTitle) {
        chart->setTitle(title);
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        x->setTitleText(xTitle);
        y->setTitleText(yTitle);
        chart->legend()->setAlignment(Qt::AlignBottom);
        chart->setBackgroundBrush(Qt::white);
    }
    void attach(QAbstractSeries* s) {
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    /// A line with markers; `errors` (same length, may be empty) as vertical bars.
    void add(const QString& name, const std::vector<QPointF>& points, const std::vector<double>& errors, QColor c,
             Qt::PenStyle style = Qt::SolidLine) {
        if (points.empty()) return;
        auto* line = new QLineSeries;
        line->setName(name);
        QPen pen(c, 2);
        pen.setStyle(style);
        line->setPen(pen);
        auto* dots = new QScatterSeries;
        dots->setColor(c);
        dots->setBorderColor(c);
        dots->setMarkerSize(7);
        for (std::size_t k = 0; k < points.size(); ++k) {
            line->append(points[k]), dots->append(points[k]);
            const double e = k < errors.size() ? errors[k] : 0.0;
            xmin = std::min(xmin, points[k].x()), xmax = std::max(xmax, points[k].x());
            ymin = std::min(ymin, points[k].y() - e), ymax = std::max(ymax, points[k].y() + e);
            if (e > 0) {
                auto* bar = new QLineSeries;
                bar->setPen(QPen(c, 1.5));
                bar->append(points[k].x(), points[k].y() - e);
                bar->append(points[k].x(), points[k].y() + e);
                attach(bar);
                chart->legend()->markers(bar).front()->setVisible(false);
            }
        }
        attach(line);
        attach(dots);
        chart->legend()->markers(dots).front()->setVisible(false);
    }
    QChart* finish() {
        if (!(xmax >= xmin)) { // nothing to draw: say so instead of empty axes
            chart->setTitle(chart->title() + " — no data in this catalog");
            x->setRange(0, 1);
            y->setRange(0, 1);
            return chart.get();
        }
        // Many curves: the legend in a column on the right, where their names fit.
        int named = 0;
        for (QAbstractSeries* series : chart->series()) named += series->name().isEmpty() ? 0 : 1;
        if (named > 4) chart->legend()->setAlignment(Qt::AlignRight);
        {
            const double pad = xmax > xmin ? 0.05 * (xmax - xmin) : 0.5;
            x->setRange(xmin - pad, xmax + pad);
        }
        if (ymax > ymin) y->setRange(ymin, ymin + 1.08 * (ymax - ymin));
        x->applyNiceNumbers();
        y->applyNiceNumbers();
        return chart.get();
    }
};

/// The fraction of a histogram's entries in each bin, at the bin centres (empty bins kept).
std::vector<QPointF> fractions(const Histogram& h) {
    long total = 0;
    for (long c : h.counts) total += c;
    std::vector<QPointF> out;
    if (total == 0) return out;
    for (std::size_t k = 0; k < h.counts.size(); ++k) out.emplace_back(h.binCentre(k), static_cast<double>(h.counts[k]) / total);
    return out;
}
std::vector<double> fractionErrors(const Histogram& h) {
    long total = 0;
    for (long c : h.counts) total += c;
    std::vector<double> out;
    for (long c : h.counts) out.push_back(total ? std::sqrt(static_cast<double>(c)) / total : 0.0);
    return out;
}

std::string fixed(double x, int digits) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(digits) << x;
    return s.str();
}
std::string pm(double x, double e, int digits) { return fixed(x, digits) + " ± " + fixed(e, digits); }

/// Table I with standard errors, from the session's DWPs (PR1 = 1 / mean(d_max^2 / sum d^2),
/// its error by propagation).
struct PrWithErrors {
    long count = 0;
    double value[4] = {0, 0, 0, 0}, error[4] = {0, 0, 0, 0};
};
PrWithErrors participation(const SessionData& s, int species) {
    double sum[4] = {0, 0, 0, 0}, sum2[4] = {0, 0, 0, 0};
    PrWithErrors r;
    for (std::size_t k = 0; k < s.doubleWells.size(); ++k) {
        if (!s.doubleWellStartFinished[k]) continue;
        const DoubleWell& w = s.doubleWells[k].dwp;
        if (species >= 0 && w.centralSpecies != species) continue;
        if (!(w.pr2 > 0)) continue;
        const double v[4] = {1.0 / w.pr2, w.pr2, w.pr3, w.pr4};
        for (int j = 0; j < 4; ++j) sum[j] += v[j], sum2[j] += v[j] * v[j];
        ++r.count;
    }
    if (r.count == 0) return r;
    const double n = static_cast<double>(r.count);
    for (int j = 0; j < 4; ++j) {
        const double mean = sum[j] / n;
        const double sem = r.count > 1 ? std::sqrt(std::max(0.0, (sum2[j] - n * mean * mean) / (n - 1)) / n) : 0.0;
        if (j == 0) {
            r.value[0] = mean > 0 ? 1.0 / mean : 0.0;
            r.error[0] = mean > 0 ? sem / (mean * mean) : 0.0;
        } else {
            r.value[j] = mean, r.error[j] = sem;
        }
    }
    return r;
}

} // namespace

std::string reportMarkdown(const std::vector<ReportSession>& sessions, const std::vector<CatalogAnalysis>& analyses) {
    std::ostringstream o;
    o << "# The Reinisch–Heuer analyses\n\n"
      << "Written by `tlscope-cli report` (TLScope " << TLSCOPE_VERSION << "). Errors are one standard error: "
      << "Poisson for counts, binomial for fractions of DWPs, the spread over starts for the fraction of attempts "
      << "back in the start, the spread over DWPs for means. The paper's values are for "
      << "N = 65 (6 522 DWPs; J. Reinisch and A. Heuer, Phys. Rev. B 66, 064201 (2002), PHYSICS.md §7).\n\n";
    o << "## Sessions\n\n| | file | N | seed | starts | attempts | DWPs | rejected pairs |\n|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (std::size_t k = 0; k < sessions.size(); ++k) {
        const SessionData& s = sessions[k].session;
        const CatalogAnalysis& a = analyses[k];
        std::string files, seeds;
        for (std::size_t f = 0; f < sessions[k].files.size(); ++f) {
            files += (f ? " + `" : "`") + std::filesystem::path(sessions[k].files[f]).filename().string() + "`";
            seeds += (f ? ", " : "") + std::to_string(sessions[k].seeds[f]);
        }
        if (files.empty()) files = "`" + std::filesystem::path(s.path).filename().string() + "`", seeds = std::to_string(s.parameters.seed);
        o << "| " << sessions[k].label << " | " << files << " | " << s.parameters.model.systemSize(a.particles, " × ")
          << " | " << seeds << " | " << a.startsFinished << (s.complete() ? "" : " (incomplete run)") << " | "
          << a.attempts << " | " << a.doubleWells << " | " << a.rejected << " |\n";
    }
    o << "\n## Numbers beside the paper's\n\n| quantity | paper (N = 65) |";
    for (const ReportSession& r : sessions) o << " " << r.label << " |";
    o << "\n|---|---|";
    for (std::size_t k = 0; k < sessions.size(); ++k) o << "---|";
    o << "\n";
    auto row = [&](const std::string& what, const std::string& paper, auto value) {
        o << "| " << what << " | " << paper << " |";
        for (std::size_t k = 0; k < sessions.size(); ++k) o << " " << value(sessions[k].session, analyses[k]) << " |";
        o << "\n";
    };
    auto perStart = [](const CatalogAnalysis& a, double count) {
        return a.startsFinished ? pm(count / a.startsFinished, std::sqrt(count) / a.startsFinished, 3) : std::string("–");
    };
    auto onePer = [](const CatalogAnalysis& a, long count) {
        if (count == 0) return std::string("none");
        const double per = static_cast<double>(a.startsFinished) * a.particles / static_cast<double>(count);
        return "1 per " + fixed(per, 0) + " ± " + fixed(per / std::sqrt(static_cast<double>(count)), 0) + " particles (" +
               std::to_string(count) + ")";
    };
    row("DWPs per starting minimum", "0.65", [&](const SessionData&, const CatalogAnalysis& a) { return perStart(a, static_cast<double>(a.doubleWells)); });
    row("DWPs per particle (×1000)", "10.0 (≈30 % fewer at N = 130: the algorithm)", [&](const SessionData&, const CatalogAnalysis& a) {
        if (!a.startsFinished || !a.particles) return std::string("–");
        const double n = static_cast<double>(a.doubleWells), d = static_cast<double>(a.startsFinished) * a.particles;
        return pm(1000 * n / d, 1000 * std::sqrt(n) / d, 2);
    });
    // The paper's finite-size test: DWPs per particle against the smallest ordinary system.
    int reference = -1;
    for (std::size_t k = 0; k < sessions.size(); ++k)
        if (analyses[k].copies == 1 && analyses[k].doubleWells > 0 && analyses[k].startsFinished > 0 &&
            (reference < 0 || analyses[k].particles < analyses[static_cast<std::size_t>(reference)].particles))
            reference = static_cast<int>(k);
    if (sessions.size() > 1 && reference >= 0) {
        const CatalogAnalysis& r = analyses[static_cast<std::size_t>(reference)];
        const double perParticleRef = static_cast<double>(r.doubleWells) / (static_cast<double>(r.startsFinished) * r.particles);
        row("DWPs per particle relative to " + sessions[static_cast<std::size_t>(reference)].label,
            "0.72 at N = 130 (0.94 / (2 × 0.65)); ≈ 0.7 at 2 × 65", [&](const SessionData&, const CatalogAnalysis& a) {
                if (&a == &r) return std::string("1 (reference)");
                if (!a.startsFinished || !a.doubleWells) return std::string("–");
                const double ratio = static_cast<double>(a.doubleWells) / (static_cast<double>(a.startsFinished) * a.particles) / perParticleRef;
                return pm(ratio, ratio * std::sqrt(1.0 / a.doubleWells + 1.0 / r.doubleWells), 3);
            });
    }
    row("attempts that fall back into the starting IS", "–", [&](const SessionData&, const CatalogAnalysis& a) {
        if (!a.attempts) return std::string("–");
        return pm(100 * a.returnFraction, 100 * a.returnFractionError, 1) + " %"; // error: spread over starts
    });
    // The paper's explanation of the 2 x 65 drop (composite transitions ignored), evaluated on
    // each catalog's own find counts and return fractions (CatalogAnalysis::twoCopiesRetention).
    row("2 copies of this system keep (composite transitions lost)", "≈ 70 % (its 2 × 65 drop)",
        [&](const SessionData&, const CatalogAnalysis& a) {
            if (a.copies != 1 || !a.doubleWells) return std::string("–");
            return pm(100 * a.twoCopiesRetention, 100 * a.twoCopiesRetentionError, 1) + " %";
        });
    row("central particle is B", "> 90 %", [&](const SessionData&, const CatalogAnalysis& a) {
        if (!a.doubleWells) return std::string("–");
        const double f = a.centralBFraction, n = static_cast<double>(a.doubleWells);
        return pm(100 * f, 100 * std::sqrt(f * (1 - f) / n), 1) + " %";
    });
    row("Fig. 1: peak of d (asymmetry < 0.02)", "≈ 0.3", [&](const SessionData&, const CatalogAnalysis& a) {
        return a.asymBelow002 ? fixed(a.fig1.peakCentre(), 3) + " (bins of " + fixed(a.fig1.width, 2) + ")" : std::string("–");
    });
    row("DWPs with asymmetry < 0.02", "1 per ≈ 1 000 particles", [&](const SessionData&, const CatalogAnalysis& a) { return onePer(a, a.asymBelow002); });
    row("DWPs with asymmetry < 0.001", "1 per ≈ 12 000 particles", [&](const SessionData&, const CatalogAnalysis& a) { return onePer(a, a.asymBelow0001); });
    row("TLS (E_qs below the threshold)", "–", [&](const SessionData&, const CatalogAnalysis& a) {
        return std::to_string(a.tls) + " (E_qs < " + fixed(a.tlsThresholdKelvin, 2) + " K)";
    });
    row("TLS density [J^-1 m^-3]", "–", [&](const SessionData&, const CatalogAnalysis& a) {
        if (!a.tls) return std::string("0");
        std::ostringstream t;
        t << std::scientific << std::setprecision(2) << a.tlsDensity << " ± " << a.tlsDensity / std::sqrt(static_cast<double>(a.tls));
        return t.str();
    });
    row("same central B particle (starts with two B-DWPs)", "17 ± 2 % (random 1/13 = 7.7 %)", [&](const SessionData&, const CatalogAnalysis& a) {
        if (!a.sameCentralCandidates) return std::string("–");
        return pm(100 * a.sameCentralFraction, 100 * a.sameCentralError, 1) + " % of " + std::to_string(a.sameCentralCandidates) +
               " (random " + fixed(100 * a.sameCentralRandom, 1) + " %)";
    });
    row("distance of distinct central particles vs random pairs", "as random", [&](const SessionData&, const CatalogAnalysis& a) {
        if (!a.spatialPairs) return std::string("–");
        return pm(a.centralDistance.mean, a.centralDistance.error, 3) + " vs " + fixed(a.randomDistance, 3) + " (difference " +
               pm(a.centralMinusRandom.mean, a.centralMinusRandom.error, 3) + ", " + std::to_string(a.spatialPairs) + (a.spatialPairs == 1 ? " pair)" : " pairs)");
    });
    row("starting IS energy (total)", "−304 … −287", [&](const SessionData& s, const CatalogAnalysis& a) {
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (std::size_t k = 0; k < s.starts.size(); ++k)
            if (s.summaries[k].ok) lo = std::min(lo, s.starts[k].energy), hi = std::max(hi, s.starts[k].energy);
        if (lo > hi) return std::string("–");
        return fixed(lo, 1) + " … " + fixed(hi, 1) + " (mean " + pm(a.startEnergyMean * a.particles, a.startEnergyMeanError * a.particles, 1) + ")";
    });
    row("Fig. 4: DWPs per start, highest / lowest energy bin", "≤ 2 (d_mw_rp < 0.8)", [&](const SessionData&, const CatalogAnalysis& a) {
        // Bins with enough starts to mean something: at least 5 and 2 % of all.
        const int enough = std::max(5, a.startsFinished / 50);
        double lo = HUGE_VAL, hi = 0.0;
        for (const StartEnergyBin& b : a.byStartEnergy)
            if (b.starts >= enough) {
                const double v = static_cast<double>(b.doubleWellsBelow.back()) / b.starts;
                lo = std::min(lo, v), hi = std::max(hi, v);
            }
        if (lo == 0.0) return std::string("a bin of ") + std::to_string(enough) + "+ starts has none";
        return lo < HUGE_VAL ? fixed(hi / lo, 2) + " (bins of ≥ " + std::to_string(enough) + " starts)" : std::string("–");
    });

    o << "\n## Table I: participation ratios\n\n| central particle | PR1 | PR2 | PR3 | PR4 | DWPs |\n|---|---:|---:|---:|---:|---:|\n"
      << "| paper, all | 2.14 | 3.29 | 9.50 | 7.65 | |\n| paper, B | 2.04 | 3.01 | 8.97 | 6.95 | |\n| paper, A | 4.95 | 6.72 | 16.11 | 16.43 | |\n";
    for (std::size_t k = 0; k < sessions.size(); ++k)
        for (const auto& [name, species] : {std::pair<const char*, int>{"all", -1}, {"B", 1}, {"A", 0}}) {
            const PrWithErrors p = participation(sessions[k].session, species);
            o << "| " << sessions[k].label << ", " << name << " |";
            for (int j = 0; j < 4; ++j) o << " " << (p.count ? pm(p.value[j], p.error[j], 2) : std::string("–")) << " |";
            o << " " << p.count << " |\n";
        }
    o << "\n## Figures\n\nEach as PNG and SVG beside this page.\n\n"
      << "![Fig. 1](fig1.png)\n\n*Fig. 1: d of the DWPs with asymmetry < 0.02 (fraction per bin; paper: peak near 0.3).*\n\n"
      << "![Fig. 2](fig2.png)\n\n*Fig. 2: how often each DWP's minimum was found in the M attempts.*\n\n"
      << "![Fig. 3](fig3.png)\n\n*Fig. 3: asymmetry, d_mw_rp and barrier (mean ± error) against the starting IS energy "
         "(paper: weak dependence).*\n\n"
      << "![Fig. 4](fig4.png)\n\n*Fig. 4: DWPs per starting minimum against its energy, for d_mw_rp below 0.2, 0.4, "
         "0.6 and 0.8 (paper: changes by at most a factor of 2).*\n\n"
      << "![Fig. 6](fig6.png)\n\n*Fig. 6: mean sorted displacement profile, central A and central B.*\n\n"
      << "![Fig. 7](fig7.png)\n\n*Fig. 7: participation ratio PR2 against d (paper: rises with d).*\n\n"
      << "![IS energies](is-energy.png)\n\n*The starting inherent structures' energies per particle.*\n";
    return o.str();
}

std::vector<ReportSession> loadReportSessions(const std::vector<std::string>& paths, const std::vector<std::string>& labels) {
    if (labels.size() > paths.size())
        throw InputError("report: " + std::to_string(labels.size()) + " labels for " + std::to_string(paths.size()) + " sessions");
    std::vector<ReportSession> sessions;
    for (const std::string& path : paths) {
        ReportSession r;
        r.session = readSession(path, {false, false});
        r.label = "N = " + r.session.parameters.model.systemSize(r.session.parameters.particles, " × ");
        r.files = {path};
        r.seeds = {r.session.parameters.seed};
        sessions.push_back(std::move(r));
    }
    // Sessions of the same N are told apart by their file names.
    std::vector<bool> shared(sessions.size(), false);
    for (std::size_t k = 0; k < sessions.size(); ++k)
        for (std::size_t j = 0; j < sessions.size(); ++j)
            if (j != k && sessions[j].label == sessions[k].label) shared[k] = true;
    for (std::size_t k = 0; k < sessions.size(); ++k) {
        if (k < labels.size()) sessions[k].label = labels[k];
        else if (shared[k]) sessions[k].label = std::filesystem::path(paths[k]).filename().string();
    }
    // One label given to several sessions: one pooled catalog, where the label first appears.
    std::vector<ReportSession> pooled;
    for (std::size_t k = 0; k < sessions.size(); ++k) {
        if (sessions[k].files.empty()) continue; // already pooled into an earlier one
        std::vector<SessionData> same{std::move(sessions[k].session)};
        ReportSession r{sessions[k].label, {}, sessions[k].files, sessions[k].seeds};
        for (std::size_t j = k + 1; j < sessions.size(); ++j)
            if (sessions[j].label == r.label) {
                same.push_back(std::move(sessions[j].session));
                r.files.push_back(sessions[j].files.front());
                r.seeds.push_back(sessions[j].seeds.front());
                sessions[j].files.clear();
            }
        r.session = same.size() == 1 ? std::move(same.front()) : poolSessions(same);
        pooled.push_back(std::move(r));
    }
    return pooled;
}

ReportResult writeReport(const std::vector<ReportSession>& sessions, const std::string& directory) {
    if (sessions.empty()) throw InputError("report: no sessions given");
    for (const ReportSession& r : sessions)
        if (r.session.exploration)
            throw InputError("report: " + r.session.path + " is an exploration; the paper's report is for search sessions "
                             "(explorations: analyze --compare)");
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    if (ec || !std::filesystem::is_directory(directory))
        throw InputError("report: cannot create the directory " + directory + (ec ? ": " + ec.message() : std::string()));
    std::vector<CatalogAnalysis> analyses;
    for (const ReportSession& r : sessions) analyses.push_back(analyzeCatalog(r.session));

    ReportResult result;
    auto save = [&](Plot& plot, const std::string& stem) {
        QChart* chart = plot.finish();
        for (const char* ext : {".png", ".svg"}) {
            const std::string path = (std::filesystem::path(directory) / (stem + ext)).string();
            QString error;
            if (!saveChart(chart, QString::fromStdString(path), QSize(900, 560), &error)) throw InputError("report: " + error.toStdString());
            result.figures.push_back(path);
        }
    };
    const auto label = [&](std::size_t k) { return QString::fromStdString(sessions[k].label); };
    {
        Plot p("Fig. 1: distance of the DWPs with asymmetry < 0.02", "d (σ)", "fraction per bin");
        for (std::size_t k = 0; k < sessions.size(); ++k) p.add(label(k), fractions(analyses[k].fig1), fractionErrors(analyses[k].fig1), colour(k));
        save(p, "fig1");
    }
    {
        Plot p("Fig. 2: how often a DWP's minimum is found", "found in how many of the M attempts", "fraction of DWPs");
        for (std::size_t k = 0; k < sessions.size(); ++k) {
            Histogram h = analyses[k].fig2Dwp;
            while (h.counts.size() > 1 && h.counts.back() == 0) h.counts.pop_back();
            p.add(label(k), fractions(h), fractionErrors(h), colour(k));
        }
        save(p, "fig2");
    }
    {
        Plot p("Fig. 3: DWP parameters against the starting IS energy", "starting IS energy per particle (ε)", "ε or σ");
        const char* names[3] = {"asymmetry", "d_mw_rp", "barrier"};
        const Qt::PenStyle styles[3] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine};
        for (std::size_t k = 0; k < sessions.size(); ++k)
            for (int q = 0; q < 3; ++q) {
                std::vector<QPointF> pts;
                std::vector<double> err;
                for (const StartEnergyBin& b : analyses[k].byStartEnergy) {
                    const MeanError& m = q == 0 ? b.asymmetry : q == 1 ? b.distance : b.barrier;
                    if (m.count == 0) continue;
                    pts.emplace_back(0.5 * (b.low + b.high), m.mean);
                    err.push_back(m.error);
                }
                p.add(label(k) + ", " + names[q], pts, err, colour(3 * k + static_cast<std::size_t>(q)), styles[q]);
            }
        save(p, "fig3");
    }
    {
        Plot p("Fig. 4: DWPs per starting minimum against its energy", "starting IS energy per particle (ε)", "DWPs per start");
        for (std::size_t k = 0; k < sessions.size(); ++k) {
            const CatalogAnalysis& a = analyses[k];
            for (std::size_t c = 0; c < a.fig4Distances.size(); ++c) {
                std::vector<QPointF> pts;
                std::vector<double> err;
                for (const StartEnergyBin& b : a.byStartEnergy) {
                    if (b.starts == 0) continue;
                    pts.emplace_back(0.5 * (b.low + b.high), static_cast<double>(b.doubleWellsBelow[c]) / b.starts);
                    err.push_back(std::sqrt(static_cast<double>(b.doubleWellsBelow[c])) / b.starts);
                }
                p.add(label(k) + QString(", d_mw_rp below %1").arg(a.fig4Distances[c]), pts, err,
                      colour(a.fig4Distances.size() * k + c), k % 2 ? Qt::DashLine : Qt::SolidLine);
            }
        }
        save(p, "fig4");
    }
    {
        Plot p("Fig. 6: sorted displacement profile", "rank k of the particle", "mean displacement d_(k) (σ)");
        for (std::size_t k = 0; k < sessions.size(); ++k) {
            for (int species = 0; species < 2; ++species) {
                const std::vector<double>& v = species ? analyses[k].fig6B : analyses[k].fig6A;
                const long count = species ? analyses[k].centralB.count : analyses[k].centralA.count;
                if (count == 0) continue;
                std::vector<QPointF> pts;
                for (std::size_t j = 0; j < v.size(); ++j) pts.emplace_back(static_cast<double>(j + 1), v[j]);
                p.add(label(k) + (species ? ": central B" : ": central A"), pts, {}, colour(2 * k + static_cast<std::size_t>(species)),
                      species ? Qt::SolidLine : Qt::DashLine);
            }
        }
        save(p, "fig6");
    }
    {
        Plot p("Fig. 7: participation ratio against distance", "d (σ, not mass-weighted)", "PR2 = Σ d_i² / d_max²");
        for (std::size_t k = 0; k < sessions.size(); ++k) {
            std::vector<QPointF> pts;
            std::vector<double> err;
            for (const DistanceBin& b : analyses[k].fig7) {
                pts.emplace_back(0.5 * (b.low + b.high), b.participation.mean);
                err.push_back(b.participation.error);
            }
            p.add(label(k), pts, err, colour(k));
        }
        save(p, "fig7");
    }
    {
        Plot p("Starting inherent structures", "IS energy per particle (ε)", "fraction per bin");
        for (std::size_t k = 0; k < sessions.size(); ++k) {
            // The occupied part of the histogram only.
            Histogram h = analyses[k].startEnergy;
            std::size_t first = 0, last = h.counts.size();
            while (first < last && h.counts[first] == 0) ++first;
            while (last > first && h.counts[last - 1] == 0) --last;
            h.low += static_cast<double>(first) * h.width;
            h.counts = std::vector<long>(h.counts.begin() + static_cast<long>(first), h.counts.begin() + static_cast<long>(last));
            p.add(label(k), fractions(h), fractionErrors(h), colour(k));
        }
        save(p, "is-energy");
    }
    result.page = (std::filesystem::path(directory) / "report.md").string();
    const std::string text = reportMarkdown(sessions, analyses);
    writeFileSafely(result.page, [&](std::ostream& out) { out << text; });
    return result;
}

} // namespace tlscope::ui

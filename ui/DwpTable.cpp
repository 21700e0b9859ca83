#include "ui/DwpTable.h"
#include "ui/DisplayUnits.h"

#include "core/model/Units.h"

namespace tlscope::ui {

QString levelsText(const QuantumLevels& q) {
    auto one = [](Localisation where) {
        return where == Localisation::Well1 ? QStringLiteral("1") : where == Localisation::Well2 ? QStringLiteral("2") : QStringLiteral("both");
    };
    return one(q.level0) + QStringLiteral(" / ") + one(q.level1);
}

double quantityValue(const DwpRecord& r, Quantity q) {
    const DoubleWell& w = r.dwp;
    switch (q) {
    case Quantity::Asymmetry: return w.asymmetry;
    case Quantity::Barrier: return w.barrier;
    case Quantity::D: return w.d;
    case Quantity::DMw: return w.dMassWeighted;
    case Quantity::DMwRp: return w.dMassWeightedReactionPath;
    case Quantity::SplittingKelvin: return kelvin(w.quantum.splitting);
    case Quantity::Pr4: return w.pr4;
    case Quantity::FindCount: return r.findCount;
    }
    return 0.0;
}

QString quantityName(Quantity q) {
    switch (q) {
    case Quantity::Asymmetry: return QObject::tr("asymmetry");
    case Quantity::Barrier: return QObject::tr("barrier");
    case Quantity::D: return QObject::tr("d");
    case Quantity::DMw: return QObject::tr("d_mw");
    case Quantity::DMwRp: return QObject::tr("d_mw_rp");
    case Quantity::SplittingKelvin: return QObject::tr("E_qs (K)");
    case Quantity::Pr4: return QObject::tr("PR4");
    case Quantity::FindCount: return QObject::tr("find count");
    }
    return {};
}

QString quantityAxisTitle(Quantity q) {
    switch (q) {
    case Quantity::Asymmetry: return QObject::tr("asymmetry |E2 \u2212 E1| (\u03b5)");
    case Quantity::Barrier: return QObject::tr("barrier (\u03b5)");
    case Quantity::D: return QObject::tr("d (\u03c3)");
    case Quantity::DMw: return QObject::tr("d_mw (\u03c3 \u221am_A)");
    case Quantity::DMwRp: return QObject::tr("d_mw_rp (\u03c3 \u221am_A)");
    case Quantity::SplittingKelvin: return QObject::tr("E_qs (K)");
    case Quantity::Pr4: return QObject::tr("PR4 (particles)");
    case Quantity::FindCount: return QObject::tr("find count");
    }
    return {};
}

DwpTableModel::DwpTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int DwpTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int DwpTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DwpTableModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal) return {};
    static const char* names[] = {"#", "start", "min", "asymmetry", "barrier", "d", "d_mw_rp", "E_qs (K)", "levels 0/1", "Δ0 (K)", "TLS", "central", "PR4", "found"};
    static const char* tips[] = {
        "row in the catalog (the detail panel's DWP #)", "starting inherent structure",
        "the kept minimum of that start (start and min name the DWP in the session file)",
        "|E2 - E1| in eps_AA", "E_saddle - min(E1, E2) in eps_AA",
        "distance between the minima (sigma)", "mass-weighted reaction-path distance, the d_max filter",
        "E_qs = E1 - E0: the gap between the two lowest levels of the 1D Schroedinger equation along the resolved path",
        "where the two lowest levels live: well 1 (the starting minimum), well 2, or both (delocalised). "
        "When both sit in one well, E_qs is that well's vibration quantum, not a tunnel splitting",
        "tunnelling amplitude Delta0 (WKB between the two wells' ground states)",
        "E_qs below the TLS threshold", "the particle that moves most, and its species",
        "participation ratio (sum d^2)^2 / sum d^4", "how many of the M attempts found this minimum"};
    if (role == Qt::DisplayRole && section >= 0 && section < ColumnCount) return names[section];
    if (role == Qt::ToolTipRole && section >= 0 && section < ColumnCount) return tips[section];
    return {};
}

QVariant DwpTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const DwpRecord& r = *rows_[static_cast<std::size_t>(index.row())];
    const DoubleWell& w = r.dwp;
    if (role == Qt::UserRole) { // raw values for sorting
        switch (index.column()) {
        case Index: return index.row();
        case Start: return r.start;
        case Minimum: return r.minimum;
        case Asymmetry: return w.asymmetry;
        case Barrier: return w.barrier;
        case D: return w.d;
        case DMwRp: return w.dMassWeightedReactionPath;
        case Splitting: return w.quantum.splitting;
        case Levels: return static_cast<int>(w.quantum.level0) * 10 + static_cast<int>(w.quantum.level1);
        case Delta0: return w.quantum.delta0;
        case Tls: return w.isTls ? 1 : 0;
        case Central: return w.centralSpecies * 100000 + w.centralParticle;
        case Pr4: return w.pr4;
        case Found: return r.findCount;
        }
    }
    if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Index: return index.row();
    case Start: return r.start;
    case Minimum: return r.minimum;
    case Asymmetry: return QString::number(w.asymmetry, 'g', 4);
    case Barrier: return QString::number(w.barrier, 'g', 4);
    case D: return QString::number(w.d, 'f', 3);
    case DMwRp: return QString::number(w.dMassWeightedReactionPath, 'f', 3);
    case Splitting: return QString::number(kelvin(w.quantum.splitting), 'g', 3);
    case Levels: return levelsText(w.quantum);
    case Delta0: return QString::number(kelvin(w.quantum.delta0), 'g', 3);
    case Tls: return w.isTls ? QStringLiteral("yes") : QString();
    case Central:
        return QString("%1 %2").arg(w.centralParticle).arg(w.centralSpecies >= 0 && w.centralSpecies < species_.size() ? species_[w.centralSpecies] : "?");
    case Pr4: return QString::number(w.pr4, 'f', 2);
    case Found: return r.findCount;
    }
    return {};
}

void DwpTableModel::append(DwpPtr dwp) {
    const int row = rowCount();
    beginInsertRows({}, row, row);
    rows_.push_back(std::move(dwp));
    endInsertRows();
}

void DwpTableModel::setAll(std::vector<DwpPtr> dwps) {
    beginResetModel();
    rows_ = std::move(dwps);
    endResetModel();
}

void DwpTableModel::clear() { setAll({}); }

DwpFilter::DwpFilter(QObject* parent) : QSortFilterProxyModel(parent) { setSortRole(Qt::UserRole); }

void DwpFilter::setMaxAsymmetry(double a) {
    maxAsym_ = a;
    invalidateFilter();
}

void DwpFilter::setTlsOnly(bool on) {
    tlsOnly_ = on;
    invalidateFilter();
}

void DwpFilter::setRange(Quantity q, double low, double high) {
    rangeSet_ = true;
    rangeQuantity_ = q, low_ = low, high_ = high;
    invalidateFilter();
}

void DwpFilter::clearRange() {
    rangeSet_ = false;
    invalidateFilter();
}

QString DwpFilter::describe() const {
    QStringList parts;
    if (maxAsym_ > 0) parts << tr("asymmetry < %1").arg(maxAsym_);
    if (tlsOnly_) parts << tr("TLS only");
    if (rangeSet_) parts << tr("%1 in [%2, %3)").arg(quantityName(rangeQuantity_)).arg(low_, 0, 'g', 3).arg(high_, 0, 'g', 3);
    return parts.isEmpty() ? tr("all DWPs") : parts.join(", ");
}

bool DwpFilter::filterAcceptsRow(int row, const QModelIndex&) const {
    auto* m = static_cast<const DwpTableModel*>(sourceModel());
    const DwpPtr r = m->at(row);
    if (!r) return false;
    if (maxAsym_ > 0 && !(r->dwp.asymmetry < maxAsym_)) return false;
    if (tlsOnly_ && !r->dwp.isTls) return false;
    if (rangeSet_) {
        const double v = quantityValue(*r, rangeQuantity_);
        if (v < low_ || v >= high_) return false;
    }
    return true;
}

bool DwpFilter::lessThan(const QModelIndex& a, const QModelIndex& b) const {
    return sourceModel()->data(a, Qt::UserRole).toDouble() < sourceModel()->data(b, Qt::UserRole).toDouble();
}

} // namespace tlscope::ui

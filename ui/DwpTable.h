#pragma once
// The DWP catalog as a Qt table model, with a filter proxy (asymmetry, TLS only, a value range
// chosen by clicking a histogram bin).
#include "core/search/Search.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <memory>
#include <vector>

namespace tlscope::ui {

using DwpPtr = std::shared_ptr<const DwpRecord>;

/// Quantities shown in the table, the plots and the filters.
enum class Quantity { Asymmetry, Barrier, D, DMw, DMwRp, SplittingKelvin, Pr4, FindCount }; ///< SplittingKelvin: E_qs in K
double quantityValue(const DwpRecord& r, Quantity q);
/// "1 / 2", "2 / 2", "both / both": the wells the two lowest levels live in.
QString levelsText(const QuantumLevels& q);
QString quantityName(Quantity q);
/// The axis title of a quantity, with its unit.
QString quantityAxisTitle(Quantity q);

class DwpTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Index, Start, Minimum, Asymmetry, Barrier, D, DMwRp, Splitting, Levels, Delta0, Tls, Central, Pr4, Found, ColumnCount };
    explicit DwpTableModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

    void append(DwpPtr dwp);
    void setAll(std::vector<DwpPtr> dwps);
    void clear();
    const std::vector<DwpPtr>& all() const { return rows_; }
    DwpPtr at(int row) const { return row >= 0 && row < static_cast<int>(rows_.size()) ? rows_[static_cast<std::size_t>(row)] : nullptr; }
    void setSpeciesNames(QStringList names) { species_ = std::move(names); }

private:
    std::vector<DwpPtr> rows_;
    QStringList species_{"A", "B"};
};

class DwpFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit DwpFilter(QObject* parent = nullptr);
    void setMaxAsymmetry(double a);   ///< <= 0: no limit
    void setTlsOnly(bool on);
    void setRange(Quantity q, double low, double high); ///< from a histogram bin
    void clearRange();
    bool hasRange() const { return rangeSet_; }
    QString describe() const;

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override;
    bool lessThan(const QModelIndex& a, const QModelIndex& b) const override;

private:
    double maxAsym_ = 0.0;
    bool tlsOnly_ = false;
    bool rangeSet_ = false;
    Quantity rangeQuantity_ = Quantity::Asymmetry;
    double low_ = 0.0, high_ = 0.0;
};

} // namespace tlscope::ui

#pragma once
// The map of an explored metabasin: every distinct inherent structure as a node, placed by the
// order in which the walk found it (left to right) and by its energy above the glass's IS
// (vertically), every observed transition as an edge; the analysed pairs are marked (DWP blue,
// TLS red, rejected dotted). Click a node to show that IS, an edge to show its DWP.
#include "ui/ExploreWorker.h"

#include <QWidget>

#include <memory>

namespace tlscope::ui {

class MetabasinMap : public QWidget {
    Q_OBJECT
public:
    explicit MetabasinMap(QWidget* parent = nullptr);
    void setData(std::shared_ptr<const MetabasinData> data);
    void clear();
    const MetabasinData* data() const { return data_.get(); }
    /// Where node `is` is drawn (widget coordinates; tests click there).
    QPointF nodePosition(int is) const;
    /// The midpoint of the edge of candidate pair `candidate` (tests).
    QPointF pairPosition(int candidate) const;
    /// The node or pair under a point: {-1, -1} for nothing, {is, -1} for a node, {-1, k} for pair k.
    std::pair<int, int> hit(QPointF p) const;
    /// The map as an image (PNG or SVG by the file name); false with a message.
    bool exportImage(const QString& path, QString* error = nullptr);
    QSize sizeHint() const override { return {520, 320}; }

signals:
    void minimumClicked(int is);
    void pairClicked(int candidate);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void contextMenuEvent(QContextMenuEvent* e) override;

private:
    void draw(QPainter& p, QSizeF size) const;
    QRectF plotRect(QSizeF size) const;
    QPointF at(int is, QSizeF size) const;
    double nodeRadius(int is) const;
    std::shared_ptr<const MetabasinData> data_;
    double eMin_ = 0.0, eMax_ = 1.0; ///< energies above the glass's IS shown
    int hover_ = -1;
};

} // namespace tlscope::ui

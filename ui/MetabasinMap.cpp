#include "ui/MetabasinMap.h"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSvgGenerator>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace tlscope::ui {

namespace {
const QColor kEdge(150, 150, 150), kDwp(40, 110, 220), kTls(220, 40, 40), kRejected(215, 140, 50), kGlass(230, 170, 30),
    kNode(80, 80, 80), kCurrent(0, 170, 90);

double distanceToSegment(QPointF p, QPointF a, QPointF b) {
    const QPointF ab = b - a;
    const double len2 = ab.x() * ab.x() + ab.y() * ab.y();
    double t = len2 > 0 ? ((p.x() - a.x()) * ab.x() + (p.y() - a.y()) * ab.y()) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const QPointF q = a + t * ab - p;
    return std::sqrt(q.x() * q.x() + q.y() * q.y());
}
} // namespace

MetabasinMap::MetabasinMap(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(240, 160);
    setToolTip(tr("The explored metabasin: each dot an inherent structure (left to right in the order the walk found them, "
                  "up by energy above the glass's IS), each line an observed transition. Blue: a DWP, red: a TLS, dotted: "
                  "analysed and rejected. Click a dot to see that IS, a coloured line to see its DWP."));
}

void MetabasinMap::setData(std::shared_ptr<const MetabasinData> data) {
    data_ = std::move(data);
    eMin_ = 0.0, eMax_ = 1e-3;
    if (data_ && !data_->energy.empty()) {
        const double e0 = data_->energy.front();
        for (double e : data_->energy) eMin_ = std::min(eMin_, e - e0), eMax_ = std::max(eMax_, e - e0);
        const double pad = 0.05 * (eMax_ - eMin_);
        eMin_ -= pad, eMax_ += pad;
    }
    update();
}

void MetabasinMap::clear() { setData(nullptr); }

QRectF MetabasinMap::plotRect(QSizeF size) const { return QRectF(62, 22, std::max(10.0, size.width() - 74), std::max(10.0, size.height() - 52)); }

QPointF MetabasinMap::at(int is, QSizeF size) const {
    const QRectF r = plotRect(size);
    const int n = data_ ? static_cast<int>(data_->energy.size()) : 1;
    const double x = n <= 1 ? 0.5 : double(is) / double(n - 1);
    const double e = data_ ? data_->energy[static_cast<std::size_t>(is)] - data_->energy.front() : 0.0;
    const double y = (e - eMin_) / (eMax_ - eMin_);
    return {r.left() + x * r.width(), r.bottom() - y * r.height()};
}

QPointF MetabasinMap::nodePosition(int is) const { return at(is, size()); }

QPointF MetabasinMap::pairPosition(int candidate) const {
    if (!data_) return {};
    for (const PairMark& m : data_->pairs)
        if (m.candidate == candidate) return 0.5 * (at(m.first, size()) + at(m.second, size()));
    return {};
}

double MetabasinMap::nodeRadius(int is) const {
    const int v = data_ ? data_->visits[static_cast<std::size_t>(is)] : 1;
    return 2.5 + 1.2 * std::log2(1.0 + std::max(0, v));
}

std::pair<int, int> MetabasinMap::hit(QPointF p) const {
    if (!data_) return {-1, -1};
    const QSizeF s = size();
    int best = -1;
    double bestD = 1e9;
    for (int k = 0; k < static_cast<int>(data_->energy.size()); ++k) {
        const QPointF q = at(k, s) - p;
        const double d = std::sqrt(q.x() * q.x() + q.y() * q.y());
        if (d <= nodeRadius(k) + 3 && d < bestD) best = k, bestD = d;
    }
    if (best >= 0) return {best, -1};
    // Pairs: DWPs first (they are what one clicks for), then the others.
    for (int pass = 0; pass < 2; ++pass)
        for (const PairMark& m : data_->pairs) {
            if ((pass == 0) != m.accepted) continue;
            if (distanceToSegment(p, at(m.first, s), at(m.second, s)) < 4.0) return {-1, m.candidate};
        }
    return {-1, -1};
}

void MetabasinMap::draw(QPainter& p, QSizeF size) const {
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(QRectF(QPointF(0, 0), size), palette().base());
    const QRectF r = plotRect(size);
    p.setPen(palette().text().color());
    QFont f = font();
    p.setFont(f);
    if (!data_ || data_->energy.empty()) {
        p.drawText(QRectF(QPointF(0, 0), size), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Explore a glass (Explore tab) or open an exploration session to see its metabasin here."));
        return;
    }
    const MetabasinData& d = *data_;
    // Axes: energy above the glass's IS, discovery order.
    p.setPen(QPen(palette().mid().color(), 1));
    p.drawRect(r);
    const double span = eMax_ - eMin_;
    const double step = std::pow(10.0, std::floor(std::log10(span / 4)));
    const double tick = span / step > 20 ? 5 * step : span / step > 8 ? 2 * step : step;
    p.setPen(palette().text().color());
    for (double e = std::ceil(eMin_ / tick) * tick; e <= eMax_; e += tick) {
        const double y = r.bottom() - (e - eMin_) / span * r.height();
        p.setPen(QPen(palette().mid().color(), 1, Qt::DotLine));
        p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y));
        p.setPen(palette().text().color());
        p.drawText(QRectF(0, y - 8, r.left() - 4, 16), Qt::AlignRight | Qt::AlignVCenter, QString::number(e, 'g', 3));
    }
    p.save();
    p.translate(12, r.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-r.height() / 2, -10, r.height(), 20), Qt::AlignCenter, tr("E_IS - E_glass (eps)"));
    p.restore();
    p.drawText(QRectF(r.left(), r.bottom() + 4, r.width(), 18), Qt::AlignCenter,
               tr("inherent structures in the order found (%1 IS, %2 transitions)").arg(d.energy.size()).arg(d.transitions.size()));
    // Transitions (undirected, width by count), then the analysed pairs on top.
    std::map<std::pair<int, int>, int> undirected;
    for (const auto& [key, count] : d.transitions) undirected[{std::min(key.first, key.second), std::max(key.first, key.second)}] += count;
    for (const auto& [key, count] : undirected) {
        p.setPen(QPen(kEdge, 0.6 + 0.5 * std::log2(1.0 + count)));
        p.drawLine(at(key.first, size), at(key.second, size));
    }
    for (const PairMark& m : d.pairs) {
        if (!m.analysed) continue;
        if (!m.accepted) {
            p.setPen(QPen(kRejected, 1.6, Qt::DashLine));
        } else {
            p.setPen(QPen(m.tls ? kTls : kDwp, m.tls ? 3.0 : 2.0));
        }
        p.drawLine(at(m.first, size), at(m.second, size));
    }
    for (int k = static_cast<int>(d.energy.size()) - 1; k >= 0; --k) {
        const QPointF c = at(k, size);
        const double rad = nodeRadius(k);
        p.setPen(QPen(palette().base().color(), 0.8));
        p.setBrush(k == 0 ? kGlass : kNode);
        p.drawEllipse(c, rad, rad);
        if (k == d.current || k == hover_) {
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(k == d.current ? kCurrent : palette().highlight().color(), 2));
            p.drawEllipse(c, rad + 3, rad + 3);
        }
    }
    // Legend.
    const double lx = r.left() + 6, ly = r.top() - 16;
    auto key = [&](double x, const QColor& c, Qt::PenStyle style, const QString& text) {
        p.setPen(QPen(c, 2, style));
        p.drawLine(QPointF(x, ly + 7), QPointF(x + 16, ly + 7));
        p.setPen(palette().text().color());
        p.drawText(QRectF(x + 20, ly, 110, 14), Qt::AlignLeft | Qt::AlignVCenter, text);
        return x + 24 + p.fontMetrics().horizontalAdvance(text);
    };
    double x = key(lx, kEdge, Qt::SolidLine, tr("transition"));
    x = key(x, kDwp, Qt::SolidLine, tr("DWP"));
    x = key(x, kTls, Qt::SolidLine, tr("TLS"));
    key(x, kRejected, Qt::DashLine, tr("rejected"));
}

void MetabasinMap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    draw(p, size());
}

void MetabasinMap::mousePressEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return;
    const auto [is, pair] = hit(e->position());
    if (is >= 0) emit minimumClicked(is);
    else if (pair >= 0) emit pairClicked(pair);
}

void MetabasinMap::mouseMoveEvent(QMouseEvent* e) {
    const auto [is, pair] = hit(e->position());
    const int before = hover_;
    hover_ = is;
    if (before != hover_) update();
    if (!data_) return;
    QString text;
    if (is >= 0) {
        const double de = data_->energy[static_cast<std::size_t>(is)] - data_->energy.front();
        text = tr("IS %1%2\nE - E_glass = %3 eps\nvisited %4 times, first at t = %5")
                   .arg(is)
                   .arg(is == 0 ? tr(" (the glass)") : QString())
                   .arg(de, 0, 'g', 5)
                   .arg(data_->visits[static_cast<std::size_t>(is)])
                   .arg(double(data_->firstStep[static_cast<std::size_t>(is)]) * data_->timeStep, 0, 'g', 5);
    } else if (pair >= 0) {
        for (const PairMark& m : data_->pairs)
            if (m.candidate == pair) {
                text = tr("IS %1 - IS %2: ").arg(m.first).arg(m.second);
                if (!m.analysed) text += tr("not analysed yet");
                else if (!m.accepted) text += tr("rejected: %1").arg(QString::fromStdString(m.reason));
                else
                    text += tr("%1\nE_qs = %2 eps, asymmetry %3, barrier %4\nclick to show it")
                                .arg(m.tls ? tr("TLS") : tr("DWP"))
                                .arg(m.eqs, 0, 'g', 3)
                                .arg(m.asymmetry, 0, 'g', 3)
                                .arg(m.barrier, 0, 'g', 3);
                break;
            }
    }
    if (text.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(e->globalPosition().toPoint(), text, this);
}

bool MetabasinMap::exportImage(const QString& path, QString* error) {
    const QSizeF s(900, 520);
    if (path.endsWith(".svg", Qt::CaseInsensitive)) {
        QSvgGenerator g;
        g.setFileName(path);
        g.setSize(s.toSize());
        g.setViewBox(QRectF(QPointF(0, 0), s));
        g.setTitle(tr("TLScope metabasin map"));
        QPainter p;
        if (!p.begin(&g)) {
            if (error) *error = tr("cannot write %1").arg(path);
            return false;
        }
        draw(p, s);
        return p.end();
    }
    QImage img(s.toSize() * 2, QImage::Format_ARGB32);
    img.setDevicePixelRatio(2);
    QPainter p(&img);
    draw(p, s);
    p.end();
    if (!img.save(path)) {
        if (error) *error = tr("cannot write %1 (a .png or .svg name in a writable folder?)").arg(path);
        return false;
    }
    return true;
}

void MetabasinMap::contextMenuEvent(QContextMenuEvent* e) {
    QMenu m(this);
    m.addAction(tr("Save image..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the metabasin map"), "metabasin.png", tr("Images (*.png *.svg)"));
        QString message;
        if (!path.isEmpty() && !exportImage(path, &message)) QToolTip::showText(QCursor::pos(), message, this);
    });
    m.exec(e->globalPos());
}

} // namespace tlscope::ui

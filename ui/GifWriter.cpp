#include "ui/GifWriter.h"

#include "core/io/SafeWrite.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace tlscope::ui {

namespace {

struct Colour {
    std::uint8_t r, g, b;
};

/// Median cut: at most 256 colours for the sampled pixels.
std::vector<Colour> medianCut(std::vector<Colour> pixels) {
    struct Box {
        std::size_t begin, end;
    };
    std::vector<Box> boxes{{0, pixels.size()}};
    auto channel = [](const Colour& c, int k) { return k == 0 ? c.r : k == 1 ? c.g : c.b; };
    auto widest = [&](const Box& b, int& which) {
        int best = -1;
        for (int k = 0; k < 3; ++k) {
            std::uint8_t lo = 255, hi = 0;
            for (std::size_t i = b.begin; i < b.end; ++i) lo = std::min(lo, channel(pixels[i], k)), hi = std::max(hi, channel(pixels[i], k));
            if (hi - lo > best) best = hi - lo, which = k;
        }
        return best;
    };
    while (boxes.size() < 256) {
        // Split the box with the widest colour range (and more than one pixel).
        int bestRange = 0, bestChannel = 0;
        std::size_t bestBox = boxes.size();
        for (std::size_t k = 0; k < boxes.size(); ++k) {
            if (boxes[k].end - boxes[k].begin < 2) continue;
            int c = 0;
            const int range = widest(boxes[k], c);
            if (range > bestRange) bestRange = range, bestChannel = c, bestBox = k;
        }
        if (bestBox == boxes.size()) break; // every box is one colour
        Box& b = boxes[bestBox];
        const std::size_t mid = b.begin + (b.end - b.begin) / 2;
        std::nth_element(pixels.begin() + static_cast<std::ptrdiff_t>(b.begin), pixels.begin() + static_cast<std::ptrdiff_t>(mid),
                         pixels.begin() + static_cast<std::ptrdiff_t>(b.end),
                         [&](const Colour& x, const Colour& y) { return channel(x, bestChannel) < channel(y, bestChannel); });
        const Box upper{mid, b.end};
        b.end = mid;
        boxes.push_back(upper);
    }
    std::vector<Colour> palette;
    for (const Box& b : boxes) {
        if (b.end == b.begin) continue;
        std::uint64_t s[3] = {0, 0, 0};
        for (std::size_t i = b.begin; i < b.end; ++i) s[0] += pixels[i].r, s[1] += pixels[i].g, s[2] += pixels[i].b;
        const auto n = b.end - b.begin;
        palette.push_back({static_cast<std::uint8_t>((s[0] + n / 2) / n), static_cast<std::uint8_t>((s[1] + n / 2) / n),
                           static_cast<std::uint8_t>((s[2] + n / 2) / n)});
    }
    if (palette.empty()) palette.push_back({0, 0, 0});
    return palette;
}

/// Nearest palette entry of every colour, looked up on a 5-bit-per-channel grid.
class PaletteMap {
public:
    explicit PaletteMap(const std::vector<Colour>& p) : palette_(p), cache_(32768, -1) {}
    std::uint8_t index(QRgb c) {
        const int key = ((qRed(c) >> 3) << 10) | ((qGreen(c) >> 3) << 5) | (qBlue(c) >> 3);
        int& slot = cache_[static_cast<std::size_t>(key)];
        if (slot < 0) {
            const int r = (qRed(c) & 0xF8) | 4, g = (qGreen(c) & 0xF8) | 4, b = (qBlue(c) & 0xF8) | 4;
            int best = 0, bestD = 1 << 30;
            for (std::size_t k = 0; k < palette_.size(); ++k) {
                const int dr = r - palette_[k].r, dg = g - palette_[k].g, db = b - palette_[k].b;
                const int d = dr * dr + dg * dg + db * db;
                if (d < bestD) bestD = d, best = static_cast<int>(k);
            }
            slot = best;
        }
        return static_cast<std::uint8_t>(slot);
    }

private:
    const std::vector<Colour>& palette_;
    std::vector<int> cache_;
};

/// GIF's variable-length LZW (codes written least significant bit first, in sub-blocks).
class LzwWriter {
public:
    explicit LzwWriter(QByteArray& out) : out_(out) {}
    void encode(const std::vector<std::uint8_t>& indices) {
        constexpr int minCodeSize = 8, clearCode = 256;
        out_.append(static_cast<char>(minCodeSize));
        std::vector<std::array<std::uint16_t, 256>> tree(4096);
        auto reset = [&] {
            for (auto& node : tree) node.fill(0);
        };
        reset();
        int codeSize = minCodeSize + 1, maxCode = clearCode + 1;
        write(clearCode, codeSize);
        int current = -1;
        for (std::uint8_t value : indices) {
            if (current < 0) {
                current = value;
            } else if (tree[static_cast<std::size_t>(current)][value]) {
                current = tree[static_cast<std::size_t>(current)][value];
            } else {
                write(current, codeSize);
                tree[static_cast<std::size_t>(current)][value] = static_cast<std::uint16_t>(++maxCode);
                if (maxCode >= (1 << codeSize)) ++codeSize;
                if (maxCode == 4095) { // the table is full: start over
                    write(clearCode, codeSize);
                    reset();
                    codeSize = minCodeSize + 1;
                    maxCode = clearCode + 1;
                }
                current = value;
            }
        }
        if (current >= 0) write(current, codeSize);
        write(clearCode, codeSize);
        write(clearCode + 1, minCodeSize + 1); // end of information
        flush();
        out_.append('\0'); // block terminator
    }

private:
    void write(int code, int size) {
        bits_ |= static_cast<std::uint32_t>(code) << count_;
        count_ += size;
        while (count_ >= 8) {
            put(static_cast<std::uint8_t>(bits_ & 0xFF));
            bits_ >>= 8;
            count_ -= 8;
        }
    }
    void put(std::uint8_t byte) {
        block_[blockSize_++] = byte;
        if (blockSize_ == 255) emitBlock();
    }
    void flush() {
        if (count_ > 0) put(static_cast<std::uint8_t>(bits_ & 0xFF));
        bits_ = 0, count_ = 0;
        emitBlock();
    }
    void emitBlock() {
        if (blockSize_ == 0) return;
        out_.append(static_cast<char>(blockSize_));
        out_.append(reinterpret_cast<const char*>(block_.data()), blockSize_);
        blockSize_ = 0;
    }
    QByteArray& out_;
    std::uint32_t bits_ = 0;
    int count_ = 0;
    std::array<std::uint8_t, 255> block_{};
    int blockSize_ = 0;
};

void put16(QByteArray& out, int v) {
    out.append(static_cast<char>(v & 0xFF));
    out.append(static_cast<char>((v >> 8) & 0xFF));
}

} // namespace

void GifWriter::addFrame(const QImage& frame) {
    QImage f = frame.convertToFormat(QImage::Format_RGB32);
    if (!frames_.empty() && f.size() != frames_.front().size())
        throw std::invalid_argument("GIF frames must all have the same size");
    if (f.width() > 65535 || f.height() > 65535) throw std::invalid_argument("GIF frames are at most 65535 pixels wide");
    frames_.push_back(std::move(f));
}

QByteArray GifWriter::encode() const {
    QByteArray out;
    if (frames_.empty()) return out;
    const int w = frames_.front().width(), h = frames_.front().height();
    // One palette for every frame: ~200 000 pixels sampled evenly from all of them.
    const std::size_t total = static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * frames_.size();
    const std::size_t stride = std::max<std::size_t>(1, total / 200000);
    std::vector<Colour> sample;
    std::size_t k = 0;
    for (const QImage& f : frames_)
        for (int y = 0; y < h; ++y) {
            const auto* line = reinterpret_cast<const QRgb*>(f.constScanLine(y));
            for (int x = 0; x < w; ++x, ++k)
                if (k % stride == 0)
                    sample.push_back({static_cast<std::uint8_t>(qRed(line[x])), static_cast<std::uint8_t>(qGreen(line[x])),
                                      static_cast<std::uint8_t>(qBlue(line[x]))});
        }
    std::vector<Colour> palette = medianCut(std::move(sample));
    palette.resize(256, Colour{0, 0, 0});
    PaletteMap map(palette);

    out.append("GIF89a");
    put16(out, w);
    put16(out, h);
    out.append(static_cast<char>(0xF7)); // global colour table of 256 entries, 8 bits per channel
    out.append('\0');                    // background colour
    out.append('\0');                    // pixel aspect
    for (const Colour& c : palette) out.append(static_cast<char>(c.r)).append(static_cast<char>(c.g)).append(static_cast<char>(c.b));
    // Loop forever (the Netscape application extension every browser honours).
    out.append("\x21\xFF\x0BNETSCAPE2.0\x03\x01", 16);
    put16(out, 0);
    out.append('\0');
    const int delay = std::max(2, (delayMs_ + 5) / 10); // centiseconds (browsers treat < 2 as 10)
    std::vector<std::uint8_t> indices(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    for (const QImage& f : frames_) {
        out.append("\x21\xF9\x04\x04", 4); // graphic control: keep the frame, no transparency
        put16(out, delay);
        out.append('\0').append('\0');
        out.append(static_cast<char>(0x2C)); // image descriptor
        put16(out, 0);
        put16(out, 0);
        put16(out, w);
        put16(out, h);
        out.append('\0'); // no local colour table, not interlaced
        std::size_t i = 0;
        for (int y = 0; y < h; ++y) {
            const auto* line = reinterpret_cast<const QRgb*>(f.constScanLine(y));
            for (int x = 0; x < w; ++x) indices[i++] = map.index(line[x]);
        }
        LzwWriter(out).encode(indices);
    }
    out.append(static_cast<char>(0x3B)); // trailer
    return out;
}

bool GifWriter::write(const QString& path, QString* error) const {
    if (frames_.empty()) {
        if (error) *error = QStringLiteral("no frames to write");
        return false;
    }
    try {
        const QByteArray data = encode();
        writeFileSafely(path.toStdString(), [&](std::ostream& o) { o.write(data.constData(), data.size()); });
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
}

} // namespace tlscope::ui

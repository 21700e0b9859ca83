#pragma once
// Animated GIF output (GIF89a, looping): the movie of a transition plays in every browser and in
// slides without a codec. One palette of 256 colours for the whole animation (median cut over
// pixels sampled from every frame), LZW-compressed frames.
#include <QImage>
#include <QString>

#include <vector>

namespace tlscope::ui {

class GifWriter {
public:
    /// `delayMs`: time each frame is shown (GIF counts in 10 ms steps).
    explicit GifWriter(int delayMs = 40) : delayMs_(delayMs) {}
    /// Frames must all have the size of the first.
    void addFrame(const QImage& frame);
    int frameCount() const { return static_cast<int>(frames_.size()); }
    /// Writes the animation (safely: a temporary, then renamed). Returns false with a message.
    bool write(const QString& path, QString* error = nullptr) const;
    /// The encoded file, for tests and callers that write elsewhere.
    QByteArray encode() const;

private:
    int delayMs_;
    std::vector<QImage> frames_;
};

} // namespace tlscope::ui

#pragma once
// A QR code drawn crisp: whole device pixels per module, dark on white with the 4-module quiet zone
// the standard asks for, whatever the window's palette (a dark-theme inverted code scans badly on
// many phones).

#include <QImage>
#include <QWidget>

namespace qp {

class QrCodeWidget : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kQuietZone = 4;

    explicit QrCodeWidget(QWidget *parent = nullptr);

    // Empty text, or text too long for a QR code, shows nothing.
    void setText(const QString &text);
    QString text() const { return m_text; }
    // Modules per side without the quiet zone; 0 when there is no code.
    int moduleCount() const { return m_size; }

    // The code as an image of `modulePixels` pixels per module, quiet zone included.
    QImage toImage(int modulePixels) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int w) const override { return w; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
    int m_size = 0;
    QList<bool> m_modules; // row-major, true = dark
};

} // namespace qp

#include "login/qrcodewidget.h"

#include <QPainter>
#include <qrcodegen.hpp>

namespace qp {

QrCodeWidget::QrCodeWidget(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    setAccessibleName(tr("QR code of the login page"));
}

void QrCodeWidget::setText(const QString &text)
{
    m_text = text;
    m_size = 0;
    m_modules.clear();
    if (!text.isEmpty()) {
        try {
            // MEDIUM: a screen has room for the larger code, and a phone held at an angle to a
            // glossy screen benefits from the extra correction.
            const auto qr = qrcodegen::QrCode::encodeText(text.toUtf8().constData(),
                                                          qrcodegen::QrCode::Ecc::MEDIUM);
            m_size = qr.getSize();
            m_modules.reserve(m_size * m_size);
            for (int y = 0; y < m_size; ++y)
                for (int x = 0; x < m_size; ++x)
                    m_modules.append(qr.getModule(x, y));
        } catch (const std::exception &) { // qrcodegen::data_too_long
            m_size = 0;
            m_modules.clear();
        }
    }
    setToolTip(text);
    updateGeometry();
    update();
}

QImage QrCodeWidget::toImage(int modulePixels) const
{
    if (m_size == 0 || modulePixels <= 0)
        return {};
    const int side = (m_size + 2 * kQuietZone) * modulePixels;
    QImage img(side, side, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    for (int y = 0; y < m_size; ++y)
        for (int x = 0; x < m_size; ++x)
            if (m_modules.at(y * m_size + x))
                p.fillRect((x + kQuietZone) * modulePixels, (y + kQuietZone) * modulePixels,
                           modulePixels, modulePixels, Qt::black);
    return img;
}

QSize QrCodeWidget::sizeHint() const
{
    const int modules = (m_size > 0 ? m_size : 41) + 2 * kQuietZone;
    return {modules * 5, modules * 5};
}

QSize QrCodeWidget::minimumSizeHint() const
{
    const int modules = (m_size > 0 ? m_size : 41) + 2 * kQuietZone;
    return {modules * 3, modules * 3};
}

void QrCodeWidget::paintEvent(QPaintEvent *)
{
    if (m_size == 0)
        return;
    // Whole device pixels per module: a module that straddles pixels blurs into grey, which
    // phones read worse than a slightly smaller code.
    const qreal dpr = devicePixelRatioF();
    const int available = int(std::min(width(), height()) * dpr);
    const int modulePixels = std::max(1, available / (m_size + 2 * kQuietZone));
    QImage img = toImage(modulePixels);
    img.setDevicePixelRatio(dpr);
    // Top left, so the code's white square lines up with the text beside and above it.
    QPainter p(this);
    p.drawImage(QPointF(0, 0), img);
}

} // namespace qp

#pragma once
// Decodes QR codes in an image with zbar, for the login window tests. Built only where CMake found
// zbar (QP_HAVE_ZBAR); elsewhere decodeQr() finds nothing and the tests skip with kNoZbar.

#include <QImage>
#include <QStringList>

#ifdef QP_HAVE_ZBAR
#include <zbar.h>
#endif

namespace qp::test {

inline constexpr const char *kNoZbar =
    "zbar is not installed (Debian: libzbar-dev, scripts/setup-deps.sh --test): the QR code is "
    "not decoded";

inline bool haveZbar()
{
#ifdef QP_HAVE_ZBAR
    return true;
#else
    return false;
#endif
}

// Every QR code zbar finds in the image, as text.
inline QStringList decodeQr(const QImage &image)
{
    QStringList found;
#ifdef QP_HAVE_ZBAR
    using namespace zbar; // zbar.h puts its C API in a namespace when compiled as C++
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    QByteArray raw;
    raw.reserve(gray.width() * gray.height());
    for (int y = 0; y < gray.height(); ++y) // rows may be padded in the QImage
        raw.append(reinterpret_cast<const char *>(gray.constScanLine(y)), gray.width());
    zbar_image_scanner_t *scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_t *zimage = zbar_image_create();
    zbar_image_set_format(zimage, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(zimage, unsigned(gray.width()), unsigned(gray.height()));
    zbar_image_set_data(zimage, raw.constData(), unsigned(raw.size()), nullptr);
    if (zbar_scan_image(scanner, zimage) > 0) {
        for (const zbar_symbol_t *s = zbar_image_first_symbol(zimage); s; s = zbar_symbol_next(s))
            if (zbar_symbol_get_type(s) == ZBAR_QRCODE)
                found << QString::fromUtf8(zbar_symbol_get_data(s));
    }
    zbar_image_destroy(zimage);
    zbar_image_scanner_destroy(scanner);
#else
    Q_UNUSED(image);
#endif
    return found;
}

} // namespace qp::test

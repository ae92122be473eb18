#include "platform/portable.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace qp::portable {

QString dataDir()
{
    if (!QCoreApplication::instance())
        return {};
    const QDir exeDir(QCoreApplication::applicationDirPath());
    if (!QFileInfo(exeDir.filePath(QStringLiteral(".portable"))).isFile())
        return {};
    return exeDir.filePath(QStringLiteral("data"));
}

} // namespace qp::portable

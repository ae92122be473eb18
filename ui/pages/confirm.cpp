#include "confirm.h"

#include <QMessageBox>

namespace qp {

bool confirmWithMessageBox(QWidget *parent, const QString &title, const QString &text)
{
    return QMessageBox::question(parent, title, text, QMessageBox::Yes | QMessageBox::No,
                                 QMessageBox::No) == QMessageBox::Yes;
}

} // namespace qp

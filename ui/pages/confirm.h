#pragma once
// Asking the user to confirm a destructive action. A function so tests (offscreen, no one to
// click) can answer without a modal loop, and so every page asks the same way.

#include <QString>
#include <functional>

class QWidget;

namespace qp {

using Confirmer = std::function<bool(QWidget *parent, const QString &title, const QString &text)>;
// A QMessageBox with Yes/No, No by default.
bool confirmWithMessageBox(QWidget *parent, const QString &title, const QString &text);

} // namespace qp

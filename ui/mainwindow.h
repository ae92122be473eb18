#pragma once
// The desktop window: where to point clients, which upstream is active, and the live request log.
// The full tray UI (QR login, accounts, usage charts, keys, settings) builds on this window.

#include <QMainWindow>

class QPlainTextEdit;
class QLabel;

namespace qp {
class Runtime;
struct LogEntry;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(Runtime &runtime, QWidget *parent = nullptr);

private:
    void appendLog(const LogEntry &e);
    Runtime &m_runtime;
    QPlainTextEdit *m_log;
    QLabel *m_status;
};

} // namespace qp

#pragma once
// The desktop window: where to point clients, which upstream is active, and the live request log.
// The full tray UI (QR login, accounts, usage charts, keys, settings) builds on this window.

#include "engine.h"

#include <QMainWindow>

class QPlainTextEdit;
class QLabel;

namespace qp {
struct LogEntry;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(Engine &engine, QWidget *parent = nullptr);

private:
    void showState(Engine::State state);
    void appendLog(const LogEntry &e);
    Engine &m_engine;
    QPlainTextEdit *m_log;
    QLabel *m_status;
};

} // namespace qp

#include "mainwindow.h"

#include "logging/logging.h"
#include "runtime.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace qp {

MainWindow::MainWindow(Runtime &runtime, QWidget *parent) : QMainWindow(parent), m_runtime(runtime)
{
    setWindowTitle(tr("Qwen Proxy"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_status = new QLabel(central);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setText(tr("OpenAI base URL: %1\nAnthropic base URL: %2\nUpstream: %3")
                          .arg(runtime.openAIBaseUrl(), runtime.anthropicBaseUrl(),
                               runtime.upstreamDescription()));
    layout->addWidget(m_status);
    layout->addWidget(new QLabel(tr("Requests"), central));
    m_log = new QPlainTextEdit(central);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    layout->addWidget(m_log);
    setCentralWidget(central);
    resize(720, 420);
    for (const LogEntry &e : LogHub::instance().recent(200))
        appendLog(e);
    connect(&LogHub::instance(), &LogHub::entryAdded, this, &MainWindow::appendLog,
            Qt::QueuedConnection);
}

void MainWindow::appendLog(const LogEntry &e)
{
    m_log->appendPlainText(e.time.toLocalTime().toString(QStringLiteral("HH:mm:ss ")) + e.message);
}

} // namespace qp

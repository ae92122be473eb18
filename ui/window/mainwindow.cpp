#include "mainwindow.h"

#include "engine.h"
#include "logging/logging.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace qp {

MainWindow::MainWindow(Engine &engine, QWidget *parent) : QMainWindow(parent), m_engine(engine)
{
    setWindowTitle(tr("Qwen Proxy"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_status = new QLabel(central);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    showState(engine.state());
    connect(&engine, &Engine::stateChanged, this, &MainWindow::showState);
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

void MainWindow::showState(Engine::State state)
{
    switch (state) {
    case Engine::State::Idle:
    case Engine::State::Starting:
        m_status->setText(tr("Starting…"));
        break;
    case Engine::State::UnlockingSecrets:
        m_status->setText(tr("Unlocking the keychain…"));
        break;
    case Engine::State::Serving: {
        const Engine::Endpoints ep = m_engine.endpoints();
        m_status->setText(tr("OpenAI base URL: %1\nAnthropic base URL: %2\nUpstream: %3")
                              .arg(ep.openAIBaseUrl, ep.anthropicBaseUrl, ep.upstream));
        break;
    }
    case Engine::State::Failed:
        m_status->setText(tr("The server could not start: %1").arg(m_engine.errorMessage()));
        break;
    case Engine::State::Stopping:
    case Engine::State::Stopped:
        m_status->setText(tr("Stopped"));
        break;
    }
}

void MainWindow::appendLog(const LogEntry &e)
{
    m_log->appendPlainText(e.time.toLocalTime().toString(QStringLiteral("HH:mm:ss ")) + e.message);
}

} // namespace qp

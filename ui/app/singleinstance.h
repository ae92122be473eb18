#pragma once
// One tray app per user. The first instance listens on a local socket named after the user
// (QLocalServer: a Unix socket on Linux and macOS, a named pipe on Windows); a second launch
// connects, hands over what it was asked to do ("raise" the window, or "quit" for
// `qwen-proxy-tray --quit`) and exits.

#include <QObject>
#include <QString>

class QLocalServer;

namespace qp {

class SingleInstance : public QObject
{
    Q_OBJECT
public:
    // `key` names the socket; the default is per user ("qwen-proxy-tray-<user>").
    explicit SingleInstance(QString key = {}, QObject *parent = nullptr);
    ~SingleInstance() override;

    static QString defaultKey();

    // True when another instance answered and got `command` (this process should exit).
    bool sendToRunning(const QString &command);
    // This process is the instance from now on: later launches reach commandReceived(). A name
    // left by a crashed instance is taken over. False when the name cannot be taken.
    bool becomeInstance();

Q_SIGNALS:
    void commandReceived(const QString &command); // "raise" or "quit" from a later launch

private:
    QString m_key;
    QLocalServer *m_server = nullptr;
};

} // namespace qp

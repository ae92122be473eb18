#include "app/singleinstance.h"

#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
constexpr int kConnectMs = 1000;
}

SingleInstance::SingleInstance(QString key, QObject *parent)
    : QObject(parent), m_key(key.isEmpty() ? defaultKey() : std::move(key))
{
}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::defaultKey()
{
    // Per user: the home directory's name is unique per user on one machine, and readable on
    // every platform without a system call of our own.
    QString user = QDir::home().dirName();
    user.replace(QRegularExpression(u"[^A-Za-z0-9_.-]"_s), u"_"_s);
    return u"qwen-proxy-tray-"_s + user;
}

bool SingleInstance::sendToRunning(const QString &command)
{
    QLocalSocket socket;
    socket.connectToServer(m_key);
    if (socket.waitForConnected(kConnectMs)) {
        socket.write(command.toUtf8() + '\n');
        socket.waitForBytesWritten(kConnectMs);
        socket.disconnectFromServer();
        return true;
    }
    return false;
}

bool SingleInstance::becomeInstance()
{
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_key)) {
        // A socket file left by a crashed instance (nobody answered it above): take it over.
        QLocalServer::removeServer(m_key);
        if (!m_server->listen(m_key))
            return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *peer = m_server->nextPendingConnection()) {
            connect(peer, &QLocalSocket::disconnected, peer, &QObject::deleteLater);
            connect(peer, &QLocalSocket::readyRead, this, [this, peer] {
                while (peer->canReadLine()) {
                    const QString command = QString::fromUtf8(peer->readLine()).trimmed();
                    if (command == u"raise" || command == u"quit")
                        Q_EMIT commandReceived(command);
                }
            });
        }
    });
    return true;
}

} // namespace qp

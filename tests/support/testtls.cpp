#include "testtls.h"

#include <QFile>
#include <QSslKey>
#include <QSslServer>

namespace qp::test {

QByteArray tlsFixture(const char *name)
{
    QFile f(QStringLiteral(QP_TEST_DATA_DIR "/tls/") + QLatin1StringView(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test fixture %s", name);
    return f.readAll();
}

QSslCertificate tlsCertificate(const char *crtName)
{
    return QSslCertificate(tlsFixture(crtName), QSsl::Pem);
}

QSslConfiguration serverTls(const char *crtName, const char *keyName)
{
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setLocalCertificate(tlsCertificate(crtName));
    c.setPrivateKey(QSslKey(tlsFixture(keyName), QSsl::Rsa, QSsl::Pem));
    c.setPeerVerifyMode(QSslSocket::VerifyNone);
    return c;
}

QTcpServer *listenOnLoopback(QObject *parent, const std::optional<QSslConfiguration> &tls)
{
    QTcpServer *server = nullptr;
    if (tls) {
        auto *ssl = new QSslServer(parent);
        ssl->setSslConfiguration(*tls);
        server = ssl;
    } else {
        server = new QTcpServer(parent);
    }
    if (!server->listen(QHostAddress::LocalHost))
        qFatal("a test server cannot listen on 127.0.0.1");
    return server;
}

} // namespace qp::test

#pragma once
// The one place that knows how QHttpServer differs between Qt 6.4 (Debian 12) and Qt 6.8+
// (the macOS/Windows installers, Debian 13). See docs/qt-notes.md, "QHttpServer". Only test fakes
// use QHttpServer: the proxy serves HTTP with its own server (src/server/http), so the shipped
// binaries do not depend on QtHttpServer, whose ABI was not stable before 6.8.

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QList>
#include <QPair>
#include <QTcpServer>
#include <QtGlobal>

#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
#include <QHttpHeaders>
#define QP_QHTTPSERVER_68 1
#else
#define QP_QHTTPSERVER_68 0
#endif

namespace qp::httpcompat {

using HeaderPairs = QList<QPair<QByteArray, QByteArray>>;

// Header names lower-cased, duplicates kept as separate entries (a Host check needs them).
inline HeaderPairs requestHeaders(const QHttpServerRequest &request)
{
    HeaderPairs out;
#if QP_QHTTPSERVER_68
    const QHttpHeaders &h = request.headers();
    out.reserve(h.size());
    for (qsizetype i = 0; i < h.size(); ++i) {
        const auto name = h.nameAt(i);
        const auto value = h.valueAt(i);
        out.append({QByteArray(name.data(), name.size()).toLower(),
                    QByteArray(value.data(), value.size())});
    }
#else
    const auto h = request.headers();
    out.reserve(h.size());
    for (const auto &p : h)
        out.append({p.first.toLower(), p.second});
#endif
    return out;
}

// 6.4: bind() returns void and cannot fail; 6.8: it returns bool.
inline bool bindServer(QAbstractHttpServer &server, QTcpServer *tcp)
{
#if QP_QHTTPSERVER_68
    return server.bind(tcp);
#else
    server.bind(tcp);
    return true;
#endif
}

// Listens on loopback (port 0 = any free port) and binds; returns the port or 0. For tests and
// fakes: QHttpServer::listen() is gone in 6.8.
inline quint16 listenLocal(QAbstractHttpServer &server, quint16 port = 0,
                           const QHostAddress &address = QHostAddress::LocalHost)
{
    auto *tcp = new QTcpServer(&server);
    if (!tcp->listen(address, port) || !bindServer(server, tcp)) {
        delete tcp;
        return 0;
    }
    return tcp->serverPort();
}

} // namespace qp::httpcompat

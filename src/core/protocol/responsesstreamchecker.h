#pragma once
// Checks a Responses event stream against the invariants responsesstream.h lists. Used by every
// test that streams; returns the problems found (empty: the stream is valid).

#include <QJsonObject>
#include <QStringList>

namespace qp::responses {

struct CheckedStream {
    QStringList problems;
    QJsonObject terminal; // the terminal event's response
    QString terminalType; // response.completed / .incomplete / .failed
    QList<QJsonObject> events;
};

CheckedStream checkResponsesStream(const QByteArray &sse);

} // namespace qp::responses

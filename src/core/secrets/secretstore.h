#pragma once
// Where account secrets (access and refresh tokens) live. The OS keychain is asynchronous
// (QtKeychain jobs finish by signal), so the interface is too: every operation reports through a
// callback. Contract for all implementations:
//  - callbacks run later from the event loop, never inside the call, so callers see the same
//    ordering whatever the backend;
//  - operations on one store run in the order they were issued;
//  - a callback is not called after the store is destroyed.
// Keys are short ASCII names such as "account/<id>"; values are opaque bytes.

#include "common/error.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace qp {

class SecretStore : public QObject
{
    Q_OBJECT
public:
    using DoneCallback = std::function<void(std::optional<Error>)>;
    // Error::Kind::NotFound when the key has no value.
    using ReadCallback = std::function<void(Result<QByteArray>)>;

    using QObject::QObject;

    // "keychain", "file" or "memory": shown to users ("secrets are kept in: ...").
    virtual QString kind() const = 0;
    // A human description including the location when there is one.
    virtual QString describe() const = 0;

    virtual void write(const QString &key, const QByteArray &value, DoneCallback done) = 0;
    virtual void read(const QString &key, ReadCallback done) = 0;
    // Removing a key that does not exist succeeds.
    virtual void remove(const QString &key, DoneCallback done) = 0;
};

} // namespace qp

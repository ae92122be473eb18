#include "secrets/chunkedsecretstore.h"

#include <QPointer>
#include <memory>

namespace qp {

namespace {

const QByteArray kMagic = QByteArrayLiteral("qp-split/v1 ");

// Returns the part count of a header value, 0 for a plain value, -1 for a malformed header.
int headerParts(const QByteArray &value)
{
    if (!value.startsWith(kMagic))
        return 0;
    bool ok = false;
    const int n = value.mid(kMagic.size()).toInt(&ok);
    return ok && n > 0 && n < 1000 ? n : -1;
}

} // namespace

ChunkedSecretStore::ChunkedSecretStore(SecretStore *inner, int maxPartBytes, QObject *parent)
    : SecretStore(parent), m_inner(inner), m_maxPart(std::max(16, maxPartBytes))
{
    m_inner->setParent(this);
}

QString ChunkedSecretStore::partKey(const QString &key, int index)
{
    return key + QStringLiteral("#part") + QString::number(index);
}

void ChunkedSecretStore::enqueue(Op op)
{
    m_ops.push_back(std::move(op));
    if (!m_busy)
        runNext();
}

void ChunkedSecretStore::runNext()
{
    if (m_ops.empty()) {
        m_busy = false;
        return;
    }
    m_busy = true;
    Op op = std::move(m_ops.front());
    m_ops.pop_front();
    QPointer<ChunkedSecretStore> self(this);
    op([self] {
        if (self)
            self->runNext();
    });
}

void ChunkedSecretStore::partCount(const QString &key, std::function<void(Result<int>)> done)
{
    m_inner->read(key, [done = std::move(done)](Result<QByteArray> r) {
        if (!r) {
            if (r.error().kind == Error::Kind::NotFound)
                return done(0);
            return done(r.error());
        }
        const int n = headerParts(r.value());
        done(n < 0 ? 0 : n);
    });
}

void ChunkedSecretStore::removeParts(const QString &key, int from, int to, DoneCallback done)
{
    if (from > to)
        return done(std::nullopt);
    m_inner->remove(partKey(key, from), [this, key, from, to, done](std::optional<Error> e) {
        if (e)
            return done(e);
        removeParts(key, from + 1, to, done);
    });
}

void ChunkedSecretStore::write(const QString &key, const QByteArray &value, DoneCallback done)
{
    enqueue([this, key, value, done](std::function<void()> opDone) {
        auto finish = [done, opDone](std::optional<Error> e) {
            done(e);
            opDone();
        };
        partCount(key, [this, key, value, finish](Result<int> old) {
            if (!old)
                return finish(old.error());
            const int oldParts = old.value();
            const bool split = value.size() > m_maxPart || value.startsWith(kMagic);
            if (!split) {
                m_inner->write(key, value, [this, key, oldParts, finish](std::optional<Error> e) {
                    if (e)
                        return finish(e);
                    removeParts(key, 1, oldParts, finish);
                });
                return;
            }
            const int n = int((value.size() + m_maxPart - 1) / m_maxPart);
            // Parts first, then the header: the old header keeps pointing at a consistent old
            // value until the very last step (old parts beyond n stay until then, too).
            auto writePart = std::make_shared<std::function<void(int)>>();
            *writePart = [this, key, value, n, oldParts, finish, writePart](int i) {
                if (i > n) {
                    m_inner->write(
                        key, kMagic + QByteArray::number(n),
                        [this, key, n, oldParts, finish, writePart](std::optional<Error> e) {
                            *writePart = nullptr; // break the self-reference
                            if (e)
                                return finish(e);
                            removeParts(key, n + 1, oldParts, finish);
                        });
                    return;
                }
                m_inner->write(partKey(key, i), value.mid((i - 1) * m_maxPart, m_maxPart),
                               [i, finish, writePart](std::optional<Error> e) {
                                   if (e) {
                                       *writePart = nullptr;
                                       return finish(e);
                                   }
                                   (*writePart)(i + 1);
                               });
            };
            (*writePart)(1);
        });
    });
}

void ChunkedSecretStore::read(const QString &key, ReadCallback done)
{
    enqueue([this, key, done](std::function<void()> opDone) {
        auto finish = [done, opDone](Result<QByteArray> r) {
            done(std::move(r));
            opDone();
        };
        m_inner->read(key, [this, key, finish](Result<QByteArray> head) {
            if (!head)
                return finish(head);
            const int n = headerParts(head.value());
            if (n == 0)
                return finish(head);
            if (n < 0) {
                return finish(
                    Error::make(Error::Kind::Internal,
                                QStringLiteral("Secret %1 has a corrupt split header").arg(key)));
            }
            auto collected = std::make_shared<QByteArray>();
            auto readPart = std::make_shared<std::function<void(int)>>();
            *readPart = [this, key, n, finish, collected, readPart](int i) {
                if (i > n) {
                    // Clearing *readPart destroys this very lambda: move out what we still need.
                    auto f = finish;
                    const QByteArray value = *collected;
                    *readPart = nullptr;
                    return f(value);
                }
                m_inner->read(partKey(key, i), [key, i, finish, collected,
                                                readPart](Result<QByteArray> part) {
                    if (!part) {
                        *readPart = nullptr;
                        Error e = part.error();
                        if (e.kind == Error::Kind::NotFound) // a header without its parts
                            e = Error::make(
                                Error::Kind::Internal,
                                QStringLiteral("Secret %1 lacks part %2").arg(key).arg(i));
                        return finish(e);
                    }
                    collected->append(part.value());
                    (*readPart)(i + 1);
                });
            };
            (*readPart)(1);
        });
    });
}

void ChunkedSecretStore::remove(const QString &key, DoneCallback done)
{
    enqueue([this, key, done](std::function<void()> opDone) {
        auto finish = [done, opDone](std::optional<Error> e) {
            done(e);
            opDone();
        };
        partCount(key, [this, key, finish](Result<int> parts) {
            if (!parts)
                return finish(parts.error());
            // Header first: once it is gone no reader looks for the parts.
            m_inner->remove(key, [this, key, n = parts.value(), finish](std::optional<Error> e) {
                if (e)
                    return finish(e);
                removeParts(key, 1, n, finish);
            });
        });
    });
}

} // namespace qp

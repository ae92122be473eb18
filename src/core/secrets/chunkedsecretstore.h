#pragma once
// Splits large values over several entries of an inner store. Windows' Credential Manager refuses
// blobs above 2560 bytes (CRED_MAX_CREDENTIAL_BLOB_SIZE) and a Qwen access token plus refresh token
// can approach that, so values above `maxPartBytes` (2048 by default) are stored as
//   <key>         -> "qp-split/v1 <n>"   (the header, written last)
//   <key>#part<i> -> i-th slice, i = 1..n (written first)
// A reader therefore never meets a header whose parts are missing. Parts left over from a longer
// earlier value are removed after the header is replaced. Small values are stored as they are
// (unless they happen to start with the header magic, then they are split into one part).
//
// Composite operations run strictly one after another, so two writes of one key cannot interleave
// their parts.

#include "secrets/secretstore.h"

#include <deque>

namespace qp {

class ChunkedSecretStore : public SecretStore
{
    Q_OBJECT
public:
    // Takes ownership of `inner` (re-parented to this store).
    explicit ChunkedSecretStore(SecretStore *inner, int maxPartBytes = 2048,
                                QObject *parent = nullptr);

    SecretStore *inner() const { return m_inner; }
    int maxPartBytes() const { return m_maxPart; }

    QString kind() const override { return m_inner->kind(); }
    QString describe() const override { return m_inner->describe(); }
    void write(const QString &key, const QByteArray &value, DoneCallback done) override;
    void read(const QString &key, ReadCallback done) override;
    void remove(const QString &key, DoneCallback done) override;

    static QString partKey(const QString &key, int index);

private:
    using Op = std::function<void(std::function<void()> opDone)>;
    void enqueue(Op op);
    void runNext();
    // Reads the header of `key` and reports how many parts it has (0 when plain or absent).
    void partCount(const QString &key, std::function<void(Result<int>)> done);
    void removeParts(const QString &key, int from, int to, DoneCallback done);

    SecretStore *m_inner;
    int m_maxPart;
    std::deque<Op> m_ops;
    bool m_busy = false;
};

} // namespace qp

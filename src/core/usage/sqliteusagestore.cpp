#include "usage/sqliteusagestore.h"

#include "accounts/accountstore.h"
#include "common/sqltransaction.h"
#include "common/storagehealth.h"

#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>
#include <limits>

Q_LOGGING_CATEGORY(lcUsageStore, "qp.core.usage.store")

namespace qp {

namespace {

constexpr qint64 kDayMs = 24 * 60 * 60 * 1000;
constexpr qint64 kNone = std::numeric_limits<qint64>::max(); // "no row": older than nothing

Error sqlError(const QString &what, const QSqlError &e)
{
    return Error::make(Error::Kind::Internal,
                       QStringLiteral("Usage database: %1: %2").arg(what, e.text()));
}

QString dayKey(const QDate &d)
{
    return d.toString(Qt::ISODate);
}

const char *kSums = "SUM(requests), SUM(successes), SUM(errors), SUM(input_tokens), "
                    "SUM(output_tokens), SUM(cached_tokens)";

// Reads the six columns of kSums starting at column `from` (SUM over no rows is NULL: 0).
UsageTotals totalsAt(const QSqlQuery &q, int from)
{
    UsageTotals t;
    t.requests = q.value(from).toLongLong();
    t.successes = q.value(from + 1).toLongLong();
    t.errors = q.value(from + 2).toLongLong();
    t.inputTokens = q.value(from + 3).toLongLong();
    t.outputTokens = q.value(from + 4).toLongLong();
    t.cachedTokens = q.value(from + 5).toLongLong();
    return t;
}

std::optional<qint64> minimum(QSqlQuery &q, const QString &sql)
{
    if (!q.exec(sql) || !q.next())
        return std::nullopt;
    return q.value(0).isNull() ? kNone : q.value(0).toLongLong();
}

} // namespace

SqliteUsageStore::SqliteUsageStore(QString connection, Clock &clock, UsageStoreOptions options)
    : m_connection(std::move(connection)), m_clock(clock), m_options(options)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(m_options.flushIntervalMs);
    QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { flush(); });
}

SqliteUsageStore::~SqliteUsageStore()
{
    if (flush() && hasPending())
        qCWarning(lcUsageStore).noquote()
            << "usage of" << m_pending.log.size()
            << "requests could not be written before shutting down and is lost";
    // Nothing of ours is failing any more: what could not be written is gone with us.
    storagehealth::recovered(healthName());
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

Result<std::unique_ptr<SqliteUsageStore>>
SqliteUsageStore::open(const QString &dbFilePath, Clock &clock, UsageStoreOptions options)
{
    // The account store owns the file: its mode, WAL and the migrations that made our tables.
    {
        auto accounts = AccountStore::open(dbFilePath);
        if (!accounts)
            return accounts.error();
    }
    const QString name = QStringLiteral("qp.usage.") + QUuid::createUuid().toString(QUuid::Id128);
    std::unique_ptr<SqliteUsageStore> store(new SqliteUsageStore(name, clock, options));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(dbFilePath);
    if (!db.open())
        return sqlError(QStringLiteral("cannot open %1").arg(dbFilePath), db.lastError());
    QSqlQuery q(db);
    // In WAL mode a commit is atomic whatever the level, so a crash never corrupts the file; the
    // level decides what an OS crash or power cut may lose. NORMAL syncs only at checkpoints and
    // could lose many seconds of usage (quota minutes among them: the pool would then overspend);
    // FULL syncs the WAL at each commit, and batching makes that one fsync a second at most.
    for (const char *pragma :
         {"PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"}) {
        if (!q.exec(QLatin1String(pragma)))
            return sqlError(QLatin1String(pragma), q.lastError());
    }
    return store;
}

void SqliteUsageStore::record(const UsageRecord &record)
{
    UsageRecord r = record;
    if (r.atMs == 0)
        r.atMs = m_clock.nowMs();
    if (r.atMs / 1000 != m_logSecond) {
        m_logSecond = r.atMs / 1000;
        m_loggedThisSecond = 0;
    }
    const bool logIt = !r.ok() || m_options.logSuccessesPerSecond <= 0 ||
                       m_loggedThisSecond < m_options.logSuccessesPerSecond;
    m_loggedThisSecond += logIt && r.ok();
    m_pending.add(std::move(r), logIt);
    m_pending.capLog(m_options.maxRows);
    schedule();
}

void SqliteUsageStore::addQuotaUse(const QuotaBucket &bucket)
{
    m_pending.addQuotaUse(bucket);
    schedule();
}

void SqliteUsageStore::schedule()
{
    // Started by the first pending change and not restarted by later ones: a steady stream of
    // requests still flushes once per interval.
    if (!m_timer.isActive() && hasPending())
        m_timer.start();
}

std::optional<Error> SqliteUsageStore::flush()
{
    m_timer.stop();
    if (m_pending.isEmpty())
        return std::nullopt;
    if (auto e = write(m_pending)) {
        // Kept for the next attempt (SQLITE_FULL, a disk I/O error: the transaction rolled back
        // whole, so nothing of the batch is in the file); said once per failing stretch, not
        // every second. The batch is bounded: the log keeps its newest maxRows, the rest are
        // counters that merge.
        if (!m_failing)
            qCWarning(lcUsageStore) << "cannot write usage, will retry:" << e->message;
        m_failing = true;
        storagehealth::failed(healthName(), e->message);
        m_timer.start();
        return e;
    }
    if (m_failing) {
        qCInfo(lcUsageStore) << "usage written again";
        storagehealth::recovered(healthName());
    }
    m_failing = false;
    m_pending = UsageBatch{};
    return std::nullopt;
}

QString SqliteUsageStore::healthName() const
{
    return QStringLiteral("usage database ") +
           QSqlDatabase::database(m_connection, false).databaseName();
}

void SqliteUsageStore::flushBeforeRead()
{
    // A failed flush is logged by flush(); the read still answers from what is on disk.
    if (hasPending())
        flush();
}

std::optional<Error> SqliteUsageStore::loadTally()
{
    // Read on the first write, not on open: a process that only reads (the CLI) never pays for
    // the count, and never prunes behind the writer's back.
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM request_log")) || !q.next())
        return sqlError(QStringLiteral("count the request log"), q.lastError());
    Tally t;
    t.logRows = q.value(0).toLongLong();
    const auto oldestLog = minimum(q, QStringLiteral("SELECT MIN(at_ms) FROM request_log"));
    const auto oldestMinute =
        minimum(q, QStringLiteral("SELECT MIN(minute_ms) FROM quota_minutes"));
    if (!oldestLog || !oldestMinute)
        return sqlError(QStringLiteral("read retention state"), q.lastError());
    t.oldestLogMs = *oldestLog;
    t.oldestMinuteMs = *oldestMinute;
    m_tally = t;
    return std::nullopt;
}

std::optional<Error> SqliteUsageStore::write(const UsageBatch &batch)
{
    if (!m_tally) {
        if (auto e = loadTally())
            return e;
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    SqlTransaction tx(db);
    if (!tx.isOpen())
        return sqlError(QStringLiteral("begin"), db.lastError());
    QSqlQuery q(db);

    if (!batch.days.isEmpty()) {
        q.prepare(QStringLiteral(
            "INSERT INTO usage_daily (account_id, model, day, requests, successes, errors, "
            "input_tokens, output_tokens, cached_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (account_id, model, day) DO UPDATE SET "
            "requests = usage_daily.requests + excluded.requests, "
            "successes = usage_daily.successes + excluded.successes, "
            "errors = usage_daily.errors + excluded.errors, "
            "input_tokens = usage_daily.input_tokens + excluded.input_tokens, "
            "output_tokens = usage_daily.output_tokens + excluded.output_tokens, "
            "cached_tokens = usage_daily.cached_tokens + excluded.cached_tokens"));
        for (auto it = batch.days.cbegin(); it != batch.days.cend(); ++it) {
            const auto &[account, model, julianDay] = it.key();
            const UsageTotals &t = it.value();
            // Bound as "" rather than a null QString: the columns are NOT NULL.
            q.addBindValue(account.isNull() ? QStringLiteral("") : account);
            q.addBindValue(model.isNull() ? QStringLiteral("") : model);
            q.addBindValue(dayKey(QDate::fromJulianDay(julianDay)));
            for (qint64 v :
                 {t.requests, t.successes, t.errors, t.inputTokens, t.outputTokens, t.cachedTokens})
                q.addBindValue(v);
            if (!q.exec())
                return sqlError(QStringLiteral("write daily usage"), q.lastError());
        }
    }

    Tally tally = *m_tally;
    if (!batch.log.isEmpty()) {
        q.prepare(QStringLiteral(
            "INSERT INTO request_log (at_ms, account_id, provider, dialect, client, client_model, "
            "model, status, error_class, stream, attempts, latency_ms, first_token_ms, "
            "input_tokens, output_tokens, cached_tokens, client_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        for (const UsageRecord &r : batch.log) {
            q.addBindValue(r.atMs);
            for (const QString *s :
                 {&r.accountId, &r.provider, &r.dialect, &r.client, &r.clientModel, &r.model})
                q.addBindValue(s->isNull() ? QStringLiteral("") : *s);
            q.addBindValue(r.status);
            q.addBindValue(r.errorClass.isNull() ? QStringLiteral("") : r.errorClass);
            q.addBindValue(r.stream ? 1 : 0);
            q.addBindValue(r.attempts);
            for (qint64 v :
                 {r.latencyMs, r.firstTokenMs, r.inputTokens, r.outputTokens, r.cachedTokens})
                q.addBindValue(v);
            q.addBindValue(r.clientKey.isNull() ? QStringLiteral("") : r.clientKey);
            if (!q.exec())
                return sqlError(QStringLiteral("write the request log"), q.lastError());
            tally.oldestLogMs = qMin(tally.oldestLogMs, r.atMs);
        }
        tally.logRows += batch.log.size();
    }

    if (!batch.buckets.isEmpty()) {
        q.prepare(QStringLiteral("INSERT INTO quota_minutes (account_id, minute_ms, requests, "
                                 "tokens) VALUES (?, ?, ?, ?) "
                                 "ON CONFLICT (account_id, minute_ms) DO UPDATE SET "
                                 "requests = quota_minutes.requests + excluded.requests, "
                                 "tokens = quota_minutes.tokens + excluded.tokens"));
        for (const QuotaBucket &b : batch.buckets) {
            q.addBindValue(b.accountId);
            q.addBindValue(b.minuteMs);
            q.addBindValue(b.requests);
            q.addBindValue(b.tokens);
            if (!q.exec())
                return sqlError(QStringLiteral("write quota minutes"), q.lastError());
            tally.oldestMinuteMs = qMin(tally.oldestMinuteMs, b.minuteMs);
        }
    }

    if (auto e = prune(tally))
        return e;
    if (!tx.commit())
        return sqlError(QStringLiteral("commit"), db.lastError());
    m_tally = tally;
    return std::nullopt;
}

std::optional<Error> SqliteUsageStore::prune(Tally &tally)
{
    // Each delete runs only when the tally says rows are due, and then walks an index from its
    // oldest end: a flush with nothing to prune costs no query at all.
    QSqlQuery q(QSqlDatabase::database(m_connection));
    const qint64 now = m_clock.nowMs();
    bool logChanged = false;
    const qint64 logCutoff = now - qint64(m_options.retentionDays) * kDayMs;
    if (tally.oldestLogMs < logCutoff) {
        q.prepare(QStringLiteral("DELETE FROM request_log WHERE at_ms < ?"));
        q.addBindValue(logCutoff);
        if (!q.exec())
            return sqlError(QStringLiteral("prune the request log"), q.lastError());
        tally.logRows -= q.numRowsAffected();
        logChanged = true;
    }
    if (tally.logRows > m_options.maxRows) {
        q.prepare(QStringLiteral("DELETE FROM request_log WHERE rowid IN (SELECT rowid FROM "
                                 "request_log ORDER BY at_ms, rowid LIMIT ?)"));
        q.addBindValue(tally.logRows - m_options.maxRows);
        if (!q.exec())
            return sqlError(QStringLiteral("prune the request log"), q.lastError());
        tally.logRows -= q.numRowsAffected();
        logChanged = true;
    }
    if (logChanged) {
        const auto oldest = minimum(q, QStringLiteral("SELECT MIN(at_ms) FROM request_log"));
        if (!oldest)
            return sqlError(QStringLiteral("prune the request log"), q.lastError());
        tally.oldestLogMs = *oldest;
    }
    const qint64 minuteCutoff = now - qint64(m_options.quotaBucketDays) * kDayMs;
    if (tally.oldestMinuteMs < minuteCutoff) {
        q.prepare(QStringLiteral("DELETE FROM quota_minutes WHERE minute_ms < ?"));
        q.addBindValue(minuteCutoff);
        if (!q.exec())
            return sqlError(QStringLiteral("prune quota minutes"), q.lastError());
        const auto oldest = minimum(q, QStringLiteral("SELECT MIN(minute_ms) FROM quota_minutes"));
        if (!oldest)
            return sqlError(QStringLiteral("prune quota minutes"), q.lastError());
        tally.oldestMinuteMs = *oldest;
    }
    return std::nullopt;
}

QString SqliteUsageStore::sinceDay(int days) const
{
    // Every ISO day compares >= "": no lower bound.
    if (days <= kLifetime)
        return QStringLiteral("");
    return dayKey(UsageBatch::utcDay(m_clock.nowMs()).addDays(1 - days));
}

Result<QList<DailyUsage>> SqliteUsageStore::dailyUsage(int days, const QString &accountId,
                                                       bool perModel)
{
    flushBeforeRead();
    QSqlQuery q(QSqlDatabase::database(m_connection));
    const QString model = perModel ? QStringLiteral("model") : QStringLiteral("''");
    q.prepare(QStringLiteral("SELECT account_id, %1, day, %2 FROM usage_daily WHERE day >= ?%3 "
                             "GROUP BY account_id, %1, day ORDER BY day DESC, account_id, %1")
                  .arg(model, QLatin1String(kSums),
                       accountId.isEmpty() ? QString() : QStringLiteral(" AND account_id = ?")));
    q.addBindValue(sinceDay(days));
    if (!accountId.isEmpty())
        q.addBindValue(accountId);
    if (!q.exec())
        return sqlError(QStringLiteral("daily usage"), q.lastError());
    QList<DailyUsage> out;
    while (q.next())
        out.append(DailyUsage{q.value(0).toString(), q.value(1).toString(),
                              QDate::fromString(q.value(2).toString(), Qt::ISODate),
                              totalsAt(q, 3)});
    return out;
}

Result<QHash<QString, UsageTotals>> SqliteUsageStore::totalsByAccount(int days)
{
    flushBeforeRead();
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT account_id, %1 FROM usage_daily WHERE day >= ? "
                             "GROUP BY account_id")
                  .arg(QLatin1String(kSums)));
    q.addBindValue(sinceDay(days));
    if (!q.exec())
        return sqlError(QStringLiteral("usage totals"), q.lastError());
    QHash<QString, UsageTotals> out;
    while (q.next())
        out.insert(q.value(0).toString(), totalsAt(q, 1));
    return out;
}

Result<QHash<QString, UsageTotals>> SqliteUsageStore::totalsByClientKey(int days)
{
    flushBeforeRead();
    const qint64 since =
        days <= kLifetime
            ? 0
            : QDateTime(UsageBatch::utcDay(m_clock.nowMs()).addDays(1 - days), QTime(0, 0), Qt::UTC)
                  .toMSecsSinceEpoch();
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral(
        "SELECT client_key, COUNT(*), SUM(CASE WHEN status >= 200 AND status < 400 THEN 1 ELSE 0 "
        "END), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens) FROM request_log "
        "WHERE at_ms >= ? AND client_key != '' GROUP BY client_key"));
    q.addBindValue(since);
    if (!q.exec())
        return sqlError(QStringLiteral("usage per client key"), q.lastError());
    QHash<QString, UsageTotals> out;
    while (q.next()) {
        UsageTotals t;
        t.requests = q.value(1).toLongLong();
        t.successes = q.value(2).toLongLong();
        t.errors = t.requests - t.successes;
        t.inputTokens = q.value(3).toLongLong();
        t.outputTokens = q.value(4).toLongLong();
        t.cachedTokens = q.value(5).toLongLong();
        out.insert(q.value(0).toString(), t);
    }
    return out;
}

Result<UsageTotals> SqliteUsageStore::totals(const QString &accountId, int days)
{
    flushBeforeRead();
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT %1 FROM usage_daily WHERE account_id = ? AND day >= ?")
                  .arg(QLatin1String(kSums)));
    q.addBindValue(accountId);
    q.addBindValue(sinceDay(days));
    if (!q.exec() || !q.next())
        return sqlError(QStringLiteral("usage totals"), q.lastError());
    return totalsAt(q, 0);
}

Result<QList<UsageRecord>> SqliteUsageStore::requestLog(const RequestLogQuery &query)
{
    flushBeforeRead();
    if (query.limit <= 0)
        return QList<UsageRecord>{};
    QString where;
    if (!query.accountId.isEmpty())
        where += QStringLiteral(" AND account_id = ?");
    if (query.statusClass > 0)
        where += QStringLiteral(" AND status >= ? AND status < ?");
    QSqlQuery q(QSqlDatabase::database(m_connection));
    // rowid breaks ties between requests that ended in the same millisecond: arrival order.
    q.prepare(QStringLiteral("SELECT at_ms, account_id, provider, dialect, client, client_model, "
                             "model, status, error_class, stream, attempts, latency_ms, "
                             "first_token_ms, input_tokens, output_tokens, cached_tokens "
                             "FROM request_log WHERE 1 = 1%1 ORDER BY at_ms DESC, rowid DESC "
                             "LIMIT ?")
                  .arg(where));
    if (!query.accountId.isEmpty())
        q.addBindValue(query.accountId);
    if (query.statusClass > 0) {
        q.addBindValue(query.statusClass * 100);
        q.addBindValue(query.statusClass * 100 + 100);
    }
    q.addBindValue(query.limit);
    if (!q.exec())
        return sqlError(QStringLiteral("request log"), q.lastError());
    QList<UsageRecord> out;
    while (q.next()) {
        UsageRecord r;
        r.atMs = q.value(0).toLongLong();
        r.accountId = q.value(1).toString();
        r.provider = q.value(2).toString();
        r.dialect = q.value(3).toString();
        r.client = q.value(4).toString();
        r.clientModel = q.value(5).toString();
        r.model = q.value(6).toString();
        r.status = q.value(7).toInt();
        r.errorClass = q.value(8).toString();
        r.stream = q.value(9).toInt() != 0;
        r.attempts = q.value(10).toInt();
        r.latencyMs = q.value(11).toLongLong();
        r.firstTokenMs = q.value(12).toLongLong();
        r.inputTokens = q.value(13).toLongLong();
        r.outputTokens = q.value(14).toLongLong();
        r.cachedTokens = q.value(15).toLongLong();
        out.append(std::move(r));
    }
    return out;
}

Result<QList<QuotaBucket>> SqliteUsageStore::quotaBuckets(const QString &accountId, qint64 sinceMs)
{
    flushBeforeRead();
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT minute_ms, requests, tokens FROM quota_minutes "
                             "WHERE account_id = ? AND minute_ms >= ? ORDER BY minute_ms"));
    q.addBindValue(accountId);
    q.addBindValue(sinceMs);
    if (!q.exec())
        return sqlError(QStringLiteral("quota minutes"), q.lastError());
    QList<QuotaBucket> out;
    while (q.next())
        out.append(QuotaBucket{accountId, q.value(0).toLongLong(), q.value(1).toLongLong(),
                               q.value(2).toLongLong()});
    return out;
}

} // namespace qp

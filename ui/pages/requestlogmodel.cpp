#include "requestlogmodel.h"

#include "uiformat.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

using namespace Qt::StringLiterals;

namespace qp {

void RequestLogModel::setRecords(const QList<UsageRecord> &records)
{
    // Nothing new (same newest and oldest rows): keep the view's scroll position and selection.
    const auto same = [](const UsageRecord &a, const UsageRecord &b) {
        return a.atMs == b.atMs && a.accountId == b.accountId && a.status == b.status;
    };
    if (records.size() == m_records.size() &&
        (records.isEmpty() ||
         (same(records.first(), m_records.first()) && same(records.last(), m_records.last()))))
        return;
    beginResetModel();
    m_records = records;
    endResetModel();
}

const UsageRecord *RequestLogModel::record(int row) const
{
    return row >= 0 && row < m_records.size() ? &m_records.at(row) : nullptr;
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int RequestLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    const UsageRecord *r = record(index.row());
    if (!r)
        return {};
    if (role == kStatusRole)
        return r->status;
    if (role == kAccountRole)
        return r->accountId;
    if (role == Qt::TextAlignmentRole && index.column() >= Status)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Status && !r->ok())
        return QBrush(QColor(0xcf, 0x22, 0x2e));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time:
        return QDateTime::fromMSecsSinceEpoch(r->atMs).toLocalTime().toString(u"HH:mm:ss"_s);
    case Client:
        return r->client.isEmpty() ? u"–"_s : r->client;
    case Dialect:
        return r->dialect;
    case ModelAsked:
        return r->clientModel;
    case ModelSent:
        return r->model;
    case Account:
        return r->accountId.isEmpty() ? tr("(none)") : r->accountId;
    case Status:
        return QString::number(r->status);
    case Latency:
        return tr("%1 ms").arg(r->latencyMs);
    case FirstToken:
        return r->firstTokenMs < 0 ? u"–"_s : tr("%1 ms").arg(r->firstTokenMs);
    case Tokens:
        return tr("%1 in / %2 out")
            .arg(ui::compactCount(r->inputTokens), ui::compactCount(r->outputTokens));
    }
    return {};
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Client:
        return tr("Client");
    case Dialect:
        return tr("Dialect");
    case ModelAsked:
        return tr("Model asked");
    case ModelSent:
        return tr("Model sent");
    case Account:
        return tr("Account");
    case Status:
        return tr("Status");
    case Latency:
        return tr("Latency");
    case FirstToken:
        return tr("First token");
    case Tokens:
        return tr("Tokens");
    }
    return {};
}

QString RequestLogModel::details(const UsageRecord &r)
{
    const QString none = u"–"_s;
    const QList<QPair<QString, QString>> lines{
        {tr("Finished"), QDateTime::fromMSecsSinceEpoch(r.atMs).toLocalTime().toString(
                             u"yyyy-MM-dd HH:mm:ss.zzz"_s)},
        {tr("Client"), r.client.isEmpty() ? none : r.client},
        {tr("Dialect"), r.dialect},
        {tr("Model asked"), r.clientModel},
        {tr("Model sent"), r.model},
        {tr("Account"), r.accountId.isEmpty() ? tr("(none)") : r.accountId},
        {tr("Provider"), r.provider.isEmpty() ? none : r.provider},
        {tr("Status"), QString::number(r.status)},
        {tr("Error class"), r.errorClass.isEmpty() ? none : r.errorClass},
        {tr("Streamed"), r.stream ? tr("yes") : tr("no")},
        {tr("Attempts"), QString::number(r.attempts)},
        {tr("Latency"), tr("%1 ms").arg(r.latencyMs)},
        {tr("First token"), r.firstTokenMs < 0 ? none : tr("%1 ms").arg(r.firstTokenMs)},
        {tr("Input tokens"), QString::number(r.inputTokens)},
        {tr("Output tokens"), QString::number(r.outputTokens)},
        {tr("Cached tokens"), QString::number(r.cachedTokens)},
    };
    QStringList out;
    for (const auto &[name, value] : lines)
        out << name + u": "_s + value;
    return out.join(u'\n');
}

void RequestLogFilter::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

void RequestLogFilter::setStatusClass(int statusClass)
{
    m_status = statusClass;
    invalidateFilter();
}

void RequestLogFilter::setAccount(const QString &accountId)
{
    m_anyAccount = accountId.isNull();
    m_account = accountId;
    invalidateFilter();
}

bool RequestLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *m = sourceModel();
    const int status =
        m->index(sourceRow, 0, sourceParent).data(RequestLogModel::kStatusRole).toInt();
    if (m_status == -1 && status < 400)
        return false;
    if (m_status > 0 && status / 100 != m_status)
        return false;
    if (!m_anyAccount &&
        m->index(sourceRow, 0, sourceParent).data(RequestLogModel::kAccountRole).toString() !=
            m_account)
        return false;
    if (m_text.isEmpty())
        return true;
    for (int c = 0; c < m->columnCount(sourceParent); ++c)
        if (m->index(sourceRow, c, sourceParent)
                .data()
                .toString()
                .contains(m_text, Qt::CaseInsensitive))
            return true;
    return false;
}

} // namespace qp

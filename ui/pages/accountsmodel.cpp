#include "accountsmodel.h"

#include "uiformat.h"

#include <QBrush>
#include <QFont>

using namespace Qt::StringLiterals;

namespace qp {

AccountsModel::AccountsModel(QObject *parent) : QAbstractTableModel(parent) {}

void AccountsModel::setRows(const QList<AccountRow> &rows, qint64 nowMs)
{
    m_nowMs = nowMs;
    bool sameIds = rows.size() == m_rows.size();
    for (qsizetype i = 0; sameIds && i < rows.size(); ++i)
        sameIds = rows.at(i).id == m_rows.at(i).id;
    if (sameIds) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

std::optional<AccountRow> AccountsModel::row(const QString &id) const
{
    for (const AccountRow &r : m_rows)
        if (r.id == id)
            return r;
    return std::nullopt;
}

int AccountsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AccountsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AccountsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const AccountRow &r = m_rows.at(index.row());
    if (role == kIdRole)
        return r.id;
    if (role == kStateRole)
        return r.state;
    if (role == kWindowsRole)
        return QVariant::fromValue(r.windows);
    if (role == Qt::TextAlignmentRole && (index.column() == Requests || index.column() == Tokens))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::TextAlignmentRole && index.column() == Default)
        return Qt::AlignCenter;
    if (role == Qt::DecorationRole && index.column() == State)
        return ui::stateColor(r.state);
    if (role == Qt::FontRole && r.isDefault) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::ToolTipRole && index.column() == Quota) {
        QStringList lines;
        for (const auto &w : r.windows)
            lines << w.limit.windowName() + u": "_s + ui::windowUsedText(w) + u" · "_s +
                         ui::windowResetText(w, m_nowMs);
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(u'\n'));
    }
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case State:
            return r.reason.isEmpty() ? QVariant() : QVariant(r.reason);
        case Default:
            return r.isDefault ? tr("The default account: tried first while it can serve")
                               : QVariant();
        case Id:
            return r.label.isEmpty() ? QVariant() : QVariant(r.label);
        case Expiry:
            return r.oauth ? tr("The access token is refreshed before it expires")
                           : tr("API keys do not expire");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Default:
        return r.isDefault ? u"★"_s : QString();
    case Id: {
        // Kind and provider under the id: one column instead of three keeps the quota bars
        // readable in a 900-pixel window.
        const QString kind =
            r.oauth ? tr("Qwen OAuth")
                    : tr("API key · %1").arg(r.preset.isEmpty() ? r.provider : r.preset);
        return QString(r.id + u'\n' + kind);
    }
    case Kind:
        return r.oauth ? tr("Qwen OAuth") : tr("API key");
    case Provider:
        return r.oauth ? u"qwen-oauth"_s : r.provider;
    case State: {
        QString text = ui::stateText(r.state);
        if (r.state == u"cooling" && r.untilMs > m_nowMs)
            text += u' ' + ui::inText(m_nowMs, r.untilMs);
        return text;
    }
    case Expiry:
        if (!r.oauth)
            return u"–"_s;
        if (r.tokenExpired)
            return tr("expired (refreshed on use)");
        return r.tokenExpiryMs > 0 ? ui::localTime(r.tokenExpiryMs, m_nowMs) : u"–"_s;
    case Quota:
        return r.windows.isEmpty() ? tr("unmetered") : QString(); // the delegate draws bars
    case Requests:
        return QString::number(r.requestsToday);
    case Tokens:
        return ui::compactCount(r.tokensToday);
    }
    return {};
}

QVariant AccountsModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o == Qt::Horizontal && role == Qt::ToolTipRole && section == Default)
        return tr("The default account");
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Default:
        return u"★"_s;
    case Id:
        return tr("Account");
    case Kind:
        return tr("Kind");
    case Provider:
        return tr("Provider");
    case State:
        return tr("State");
    case Expiry:
        return tr("Token expires");
    case Quota:
        return tr("Quota windows");
    case Requests:
        return tr("Requests\ntoday");
    case Tokens:
        return tr("Tokens\ntoday");
    }
    return {};
}

} // namespace qp

#pragma once
// The accounts table: one row per AccountRow of the latest snapshot. Rows are replaced in place
// when the ids stay the same, so a selection survives the 2-second refresh.

#include "engineclient.h"

#include <QAbstractTableModel>

namespace qp {

class AccountsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Default,
        Id,
        Kind,
        Provider,
        State,
        Expiry,
        Quota,
        Requests,
        Tokens,
        ColumnCount
    };
    static constexpr int kWindowsRole = Qt::UserRole + 1; // QList<QuotaMeter::WindowUse>
    static constexpr int kIdRole = Qt::UserRole + 2;
    static constexpr int kStateRole = Qt::UserRole + 3; // the pool's state name

    explicit AccountsModel(QObject *parent = nullptr);
    void setRows(const QList<AccountRow> &rows, qint64 nowMs);
    const QList<AccountRow> &rows() const { return m_rows; }
    qint64 nowMs() const { return m_nowMs; }
    std::optional<AccountRow> row(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

private:
    QList<AccountRow> m_rows;
    qint64 m_nowMs = 0;
};

} // namespace qp

Q_DECLARE_METATYPE(QList<qp::QuotaMeter::WindowUse>)

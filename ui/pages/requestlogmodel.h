#pragma once
// The live request log: the usage store's newest rows (what the relay recorded for each finished
// request), and a filter over text, status class and account.

#include "usage/usagerecord.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

namespace qp {

class RequestLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Time,
        Client,
        Dialect,
        ModelAsked,
        ModelSent,
        Account,
        Status,
        Latency,
        FirstToken,
        Tokens,
        ColumnCount
    };
    static constexpr int kStatusRole = Qt::UserRole + 1;
    static constexpr int kAccountRole = Qt::UserRole + 2;

    using QAbstractTableModel::QAbstractTableModel;
    // Newest first, as the store returns them.
    void setRecords(const QList<UsageRecord> &records);
    const QList<UsageRecord> &records() const { return m_records; }
    const UsageRecord *record(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

    // Every field of one record as "name: value" lines, for the details pane.
    static QString details(const UsageRecord &r);

private:
    QList<UsageRecord> m_records;
};

class RequestLogFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setText(const QString &text);
    // 0: all; 2, 4, 5: that class; -1: every error (status >= 400).
    void setStatusClass(int statusClass);
    // Empty: every account.
    void setAccount(const QString &accountId);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    int m_status = 0;
    QString m_account;
    bool m_anyAccount = true;
};

} // namespace qp

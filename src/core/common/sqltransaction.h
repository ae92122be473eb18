#pragma once
// Rolls back unless commit() was reached: every early return leaves the database as it was.

#include <QSqlDatabase>

namespace qp {

class SqlTransaction
{
public:
    explicit SqlTransaction(QSqlDatabase db) : m_db(std::move(db)) { m_open = m_db.transaction(); }
    ~SqlTransaction()
    {
        if (m_open)
            m_db.rollback();
    }
    SqlTransaction(const SqlTransaction &) = delete;
    SqlTransaction &operator=(const SqlTransaction &) = delete;
    bool isOpen() const { return m_open; }
    bool commit()
    {
        m_open = false;
        return m_db.commit();
    }

private:
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace qp

#include "common/returnaddress.h"

#include <QMutex>

namespace qp {

struct ReturnAddress::Box {
    QMutex mutex;
    QObject *sentinel = nullptr; // null once the owner is gone
};

namespace {
class Sentinel : public QObject
{
public:
    Sentinel(std::shared_ptr<ReturnAddress::Box> box, QObject *owner)
        : QObject(owner), m_box(std::move(box))
    {}
    ~Sentinel() override
    {
        QMutexLocker lock(&m_box->mutex);
        m_box->sentinel = nullptr;
    }

private:
    std::shared_ptr<ReturnAddress::Box> m_box;
};
} // namespace

ReturnAddress::ReturnAddress(QObject *owner) : m_box(std::make_shared<Box>())
{
    m_box->sentinel = new Sentinel(m_box, owner);
}

void ReturnAddress::post(std::function<void()> f) const
{
    QMutexLocker lock(&m_box->mutex);
    if (m_box->sentinel)
        QMetaObject::invokeMethod(m_box->sentinel, std::move(f), Qt::QueuedConnection);
}

} // namespace qp

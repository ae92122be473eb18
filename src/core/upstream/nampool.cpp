#include "upstream/nampool.h"

namespace qp {

QString NamPool::key(const QUrl &url)
{
    return url.scheme() + QLatin1Char(':') + url.host() + QLatin1Char(':') +
           QString::number(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
}

QNetworkAccessManager *NamPool::acquire(const QUrl &url)
{
    auto &list = m_pools[key(url)];
    for (auto &e : list) {
        if (e.inFlight < slotsPerManager) {
            ++e.inFlight;
            return e.nam;
        }
    }
    auto *nam = new QNetworkAccessManager(this);
    nam->setAutoDeleteReplies(false);
    list.append({nam, 1});
    return nam;
}

void NamPool::release(QNetworkAccessManager *nam, const QUrl &url)
{
    auto it = m_pools.find(key(url));
    if (it == m_pools.end())
        return;
    for (auto &e : *it)
        if (e.nam == nam) {
            --e.inFlight;
            return;
        }
}

int NamPool::managerCount() const
{
    int n = 0;
    for (const auto &l : m_pools)
        n += int(l.size());
    return n;
}

} // namespace qp

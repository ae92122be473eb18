#include "upstream/ssesplitter.h"

namespace qp {

void SseSplitter::takeLine(QByteArrayView line, QList<QByteArray> &out)
{
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty()) {
        if (m_hasData)
            out.append(std::exchange(m_data, {}));
        m_hasData = false;
        return;
    }
    if (line.startsWith("data:")) {
        QByteArrayView v = line.sliced(5);
        if (v.startsWith(' '))
            v = v.sliced(1);
        if (m_hasData)
            m_data += '\n';
        m_data += v;
        m_hasData = true;
    }
    // "event:", "id:", "retry:" and ":" comments carry nothing the relay needs.
}

QList<QByteArray> SseSplitter::feed(QByteArrayView bytes)
{
    QList<QByteArray> out;
    qsizetype start = 0;
    if (!m_buffer.isEmpty()) {
        const qsizetype nl = bytes.indexOf('\n');
        if (nl < 0) {
            m_buffer += bytes;
            return out;
        }
        m_buffer += bytes.first(nl);
        takeLine(m_buffer, out);
        m_buffer.clear();
        start = nl + 1;
    }
    while (start < bytes.size()) {
        const qsizetype nl = bytes.indexOf('\n', start);
        if (nl < 0) {
            m_buffer = bytes.sliced(start).toByteArray();
            break;
        }
        takeLine(bytes.sliced(start, nl - start), out);
        start = nl + 1;
    }
    return out;
}

QList<QByteArray> SseSplitter::flush()
{
    QList<QByteArray> out;
    if (!m_buffer.isEmpty())
        takeLine(std::exchange(m_buffer, {}), out);
    if (m_hasData)
        out.append(std::exchange(m_data, {}));
    m_hasData = false;
    return out;
}

} // namespace qp

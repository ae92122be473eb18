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

bool SseSplitter::checkSize()
{
    if (m_buffer.size() + m_data.size() <= kMaxSseEventBytes)
        return true;
    m_overflowed = true;
    m_buffer = {};
    m_data = {};
    m_hasData = false;
    return false;
}

QList<QByteArray> SseSplitter::feed(QByteArrayView bytes)
{
    QList<QByteArray> out;
    if (m_overflowed)
        return out;
    qsizetype start = 0;
    if (!m_buffer.isEmpty()) {
        const qsizetype nl = bytes.indexOf('\n');
        if (nl < 0) {
            m_buffer += bytes;
            checkSize();
            return out;
        }
        m_buffer += bytes.first(nl);
        if (!checkSize())
            return out;
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
        if (nl - start > kMaxSseEventBytes) {
            checkSize();
            m_overflowed = true;
            return out;
        }
        takeLine(bytes.sliced(start, nl - start), out);
        if (!checkSize())
            return out;
        start = nl + 1;
    }
    checkSize();
    return out;
}

QList<QByteArray> SseSplitter::flush()
{
    QList<QByteArray> out;
    if (m_overflowed)
        return out;
    if (!m_buffer.isEmpty())
        takeLine(std::exchange(m_buffer, {}), out);
    if (m_hasData)
        out.append(std::exchange(m_data, {}));
    m_hasData = false;
    return out;
}

void SseFrameSplitter::takeLine(QList<SseFrame> &out)
{
    m_frame.raw += m_line;
    QByteArrayView l(m_line);
    if (l.endsWith('\n'))
        l.chop(1);
    if (l.endsWith('\r'))
        l.chop(1);
    if (l.isEmpty()) {
        out.append(std::exchange(m_frame, {}));
    } else if (l.startsWith("data:")) {
        QByteArrayView v = l.sliced(5);
        if (v.startsWith(' '))
            v = v.sliced(1);
        if (m_frame.hasData)
            m_frame.data += '\n';
        m_frame.data += v;
        m_frame.hasData = true;
    } else if (l.startsWith("event:")) {
        QByteArrayView v = l.sliced(6);
        if (v.startsWith(' '))
            v = v.sliced(1);
        m_frame.event = v.toByteArray();
    }
    m_line.clear();
}

bool SseFrameSplitter::checkSize()
{
    if (m_line.size() + m_frame.raw.size() <= kMaxSseEventBytes)
        return true;
    m_overflowed = true;
    m_line = {};
    m_frame = {};
    return false;
}

QList<SseFrame> SseFrameSplitter::feed(QByteArrayView bytes)
{
    QList<SseFrame> out;
    if (m_overflowed)
        return out;
    qsizetype start = 0;
    while (start < bytes.size()) {
        const qsizetype nl = bytes.indexOf('\n', start);
        if (nl < 0) {
            m_line += bytes.sliced(start);
            checkSize();
            break;
        }
        m_line += bytes.sliced(start, nl + 1 - start);
        if (!checkSize())
            break;
        takeLine(out);
        start = nl + 1;
    }
    return out;
}

QList<SseFrame> SseFrameSplitter::flush()
{
    QList<SseFrame> out;
    if (m_overflowed)
        return out;
    if (!m_line.isEmpty())
        takeLine(out);
    if (!m_frame.raw.isEmpty())
        out.append(std::exchange(m_frame, {}));
    return out;
}

} // namespace qp

#include "protocol/thinkleak.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {
constexpr QLatin1String openTag("<think>");
constexpr QLatin1String closeTag("</think>");
constexpr QLatin1String imEnd("<|im_end|>");

bool isBlank(const QString &s)
{
    for (const QChar c : s)
        if (!c.isSpace())
            return false;
    return true;
}

// Length of the longest suffix of s that is a proper prefix of tag (a tag split across chunks).
qsizetype partialTagSuffix(const QString &s, QLatin1String tag)
{
    for (qsizetype k = qMin(s.size(), tag.size() - 1); k > 0; --k)
        if (QStringView(s).right(k) == tag.left(k))
            return k;
    return 0;
}

void add(QList<LeakedThinkingFilter::Piece> &out, bool thinking, const QString &text)
{
    if (!text.isEmpty())
        out.append({thinking, text});
}
} // namespace

void LeakedThinkingFilter::feed(const QString &content, QList<Piece> &out)
{
    m_buf += content;
    m_buf.remove(imEnd);
    for (;;) {
        switch (m_state) {
        case State::Start: {
            qsizetype i = 0;
            while (i < m_buf.size() && m_buf.at(i).isSpace())
                ++i;
            if (i == m_buf.size())
                return; // only blanks so far: undecided
            const QStringView rest = QStringView(m_buf).mid(i);
            if (rest.size() < openTag.size() && openTag.startsWith(rest))
                return; // could still become "<think>"
            if (rest.startsWith(openTag)) {
                m_buf = rest.mid(openTag.size()).toString();
                m_state = State::InThink;
            } else {
                m_state = State::Pass;
            }
            continue;
        }
        case State::InThink: {
            const qsizetype close = m_buf.indexOf(closeTag);
            if (close >= 0) {
                add(out, true, m_buf.left(close));
                m_buf.remove(0, close + closeTag.size());
                m_state = State::Pass;
                m_trimAfterThink = true;
                continue;
            }
            const qsizetype hold = partialTagSuffix(m_buf, closeTag);
            add(out, true, m_buf.left(m_buf.size() - hold));
            m_buf.remove(0, m_buf.size() - hold);
            return;
        }
        case State::Pass:
            if (m_trimAfterThink) {
                qsizetype i = 0;
                while (i < m_buf.size() && m_buf.at(i).isSpace())
                    ++i;
                m_buf.remove(0, i);
                if (m_buf.isEmpty())
                    return;
                m_trimAfterThink = false;
            }
            add(out, false, std::exchange(m_buf, QString()));
            return;
        }
    }
}

void LeakedThinkingFilter::flush(QList<Piece> &out)
{
    if (m_buf.isEmpty())
        return;
    const QString buf = std::exchange(m_buf, QString());
    if (m_state == State::InThink)
        add(out, true, buf);
    else if (!(m_trimAfterThink && isBlank(buf)))
        add(out, false, buf);
}

} // namespace qp

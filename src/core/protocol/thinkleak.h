#pragma once
// Models may leak their reasoning into streamed content as "<think>...</think>text"
// (qwen-protocol.md §B.6). Separates it as the content streams in, for every dialect that shows
// reasoning apart: only a tag at the start (after blanks) opens reasoning, a tag split across
// chunks is held back until it is decided, blanks right after </think> are dropped, and <|im_end|>
// is removed.

#include <QList>
#include <QString>

namespace qp {

class LeakedThinkingFilter
{
public:
    struct Piece {
        bool thinking = false;
        QString text; // never empty
    };
    // The pieces `content` makes, in order; what may still be (part of) a tag is held back.
    void feed(const QString &content, QList<Piece> &out);
    // Whatever is held back, as what it is so far (before a tool call, or at the end). The state
    // is kept: content after it continues where it was.
    void flush(QList<Piece> &out);
    void clear() { m_buf.clear(); }

private:
    enum class State { Start, InThink, Pass };
    State m_state = State::Start;
    bool m_trimAfterThink = false;
    QString m_buf;
};

} // namespace qp

#include "tomledit.h"

#include <QRegularExpression>
#include <QStringDecoder>

using namespace Qt::StringLiterals;

namespace qp::clients {

namespace {

Error malformed(int line, const QString &why)
{
    return Error::make(Error::Kind::InvalidRequest,
                       u"line %1 is not TOML this editor understands (%2)"_s.arg(line).arg(why));
}

enum class Kind { Blank, Header, Key, Continuation };

struct Line {
    QString raw; // as in the file, without '\n' (a '\r' of CRLF stays)
    Kind kind = Kind::Blank;
    QString name; // Header: the dotted table name, parts unquoted; Key: the key, unquoted
};

// The state carried from one line to the next.
struct Scan {
    int depth = 0;     // open [ and { of a value
    QString multiline; // the closing delimiter of an open multi-line string, else empty
};

// Reads `s` from `i` as value text: strings, brackets and a trailing comment. Returns an error
// text for an unterminated single-line string.
std::optional<QString> scanValue(const QString &s, qsizetype i, Scan &st)
{
    const qsizetype n = s.size();
    while (i < n) {
        if (!st.multiline.isEmpty()) {
            const qsizetype end = s.indexOf(st.multiline, i);
            if (end < 0)
                return std::nullopt;
            i = end + st.multiline.size();
            st.multiline.clear();
            continue;
        }
        const QChar c = s.at(i);
        if (c == u'#')
            return std::nullopt;
        if (c == u'"' || c == u'\'') {
            const QString triple(3, c);
            if (QStringView(s).mid(i, 3) == triple) {
                st.multiline = triple;
                i += 3;
                continue;
            }
            qsizetype j = i + 1;
            for (; j < n; ++j) {
                if (c == u'"' && s.at(j) == u'\\') {
                    ++j;
                    continue;
                }
                if (s.at(j) == c)
                    break;
            }
            if (j >= n)
                return u"an unterminated string"_s;
            i = j + 1;
            continue;
        }
        if (c == u'[' || c == u'{')
            ++st.depth;
        else if (c == u']' || c == u'}') {
            if (--st.depth < 0)
                return u"an unbalanced bracket"_s;
        }
        ++i;
    }
    return std::nullopt;
}

QString unquote(QString key)
{
    key = key.trimmed();
    if (key.size() >= 2 && (key.startsWith(u'"') || key.startsWith(u'\'')) &&
        key.endsWith(key.front()))
        return key.mid(1, key.size() - 2);
    return key;
}

// "model_providers . 'qwen-proxy'" -> "model_providers.qwen-proxy" (dots inside quotes are rare
// in table names and not ours; they only make a name compare unequal).
QString normaliseTableName(const QString &inner)
{
    QStringList parts;
    for (const QString &p : inner.split(u'.'))
        parts << unquote(p);
    return parts.join(u'.');
}

} // namespace

Result<QByteArray> applyTomlEdit(const QByteArray &existing, const TomlEdit &edit)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(existing);
    if (decoder.hasError())
        return malformed(1, u"the file is not UTF-8"_s);
    const QString eol = text.contains(u"\r\n") ? u"\r\n"_s : u"\n"_s;

    QList<Line> lines;
    QStringList raws = text.split(u'\n');
    const bool endsWithNewline = text.isEmpty() || text.endsWith(u'\n');
    if (endsWithNewline)
        raws.removeLast(); // the empty piece after the last '\n'
    Scan st;
    for (int i = 0; i < raws.size(); ++i) {
        Line l;
        l.raw = raws.at(i);
        QString s = l.raw;
        if (s.endsWith(u'\r'))
            s.chop(1);
        const bool continuation = st.depth > 0 || !st.multiline.isEmpty();
        const QString t = s.trimmed();
        if (continuation) {
            l.kind = Kind::Continuation;
            if (auto e = scanValue(s, 0, st))
                return malformed(i + 1, *e);
        } else if (t.isEmpty() || t.startsWith(u'#')) {
            l.kind = Kind::Blank;
        } else if (t.startsWith(u'[')) {
            static const QRegularExpression header(
                uR"(^\[(\[?)\s*([A-Za-z0-9_\-."' ]+?)\s*\](\]?)\s*(#.*)?$)"_s);
            const auto m = header.match(t);
            if (!m.hasMatch() || m.captured(1).size() != m.captured(3).size())
                return malformed(i + 1, u"a table header we cannot read"_s);
            l.kind = Kind::Header;
            l.name =
                (m.captured(1).isEmpty() ? QString() : u"[]"_s) + normaliseTableName(m.captured(2));
        } else {
            // key = value; a quoted key may hold '=': find the first '=' outside quotes.
            qsizetype eq = -1;
            QChar quote;
            for (qsizetype j = 0; j < s.size(); ++j) {
                const QChar c = s.at(j);
                if (!quote.isNull()) {
                    if (c == quote)
                        quote = QChar();
                } else if (c == u'"' || c == u'\'') {
                    quote = c;
                } else if (c == u'=') {
                    eq = j;
                    break;
                }
            }
            if (eq <= 0)
                return malformed(i + 1, u"neither a key, a table header nor a comment"_s);
            l.kind = Kind::Key;
            l.name = unquote(s.left(eq));
            if (auto e = scanValue(s, eq + 1, st))
                return malformed(i + 1, *e);
        }
        lines.append(l);
    }
    if (st.depth > 0 || !st.multiline.isEmpty())
        return malformed(int(lines.size()), u"a value that is never closed"_s);

    // Where things are: the top-level keys end at the first header; our table runs from its
    // header to its last key line (comments and blank lines after it belong to what follows).
    qsizetype firstHeader = lines.size();
    qsizetype tableStart = -1, tableEnd = -1;
    const QString tableName = edit.tablePath.join(u'.');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines.at(i).kind != Kind::Header)
            continue;
        firstHeader = std::min(firstHeader, i);
        if (lines.at(i).name == tableName) {
            if (tableStart >= 0)
                return malformed(int(i + 1), u"the table [%1] twice"_s.arg(tableName));
            tableStart = i;
            tableEnd = i + 1;
            for (qsizetype j = i + 1; j < lines.size() && lines.at(j).kind != Kind::Header; ++j)
                if (lines.at(j).kind != Kind::Blank)
                    tableEnd = j + 1;
        }
    }

    const auto keyLine = [](const QString &k, const QString &v) -> QString {
        return k + u" = "_s + v;
    };
    QStringList out;
    out.reserve(lines.size() + edit.tableBody.size() + 4);
    QStringList missingTop;
    for (qsizetype k = 0; k < edit.topLevel.size(); ++k) {
        bool found = false;
        for (qsizetype i = 0; i < firstHeader; ++i)
            if (lines.at(i).kind == Kind::Key && lines.at(i).name == edit.topLevel.at(k).first) {
                if (found)
                    return malformed(int(i + 1),
                                     u"the key %1 twice"_s.arg(edit.topLevel.at(k).first));
                found = true;
            }
        if (!found)
            missingTop << keyLine(edit.topLevel.at(k).first, edit.topLevel.at(k).second) + eol;
    }
    // New top-level keys go first: TOML requires them before any table.
    QString result = missingTop.join(QString());
    QStringList table{u"["_s + tableName + u"]"_s};
    for (const auto &[k, v] : edit.tableBody)
        table << keyLine(k, v);

    for (qsizetype i = 0; i < lines.size(); ++i) {
        const Line &l = lines.at(i);
        const bool last = i == lines.size() - 1;
        const QString lineEnd = last && !endsWithNewline ? QString() : u"\n"_s;
        if (i == tableStart) {
            for (const QString &t : table)
                result += t + eol;
            // Whatever followed a value line in the old table ("\r" included) is replaced.
            i = tableEnd - 1;
            continue;
        }
        if (i < firstHeader && l.kind == Kind::Key) {
            bool replaced = false;
            for (const auto &[k, v] : edit.topLevel)
                if (l.name == k) {
                    // Continuation lines of a multi-line old value are dropped with it.
                    result += keyLine(k, v) + eol;
                    while (i + 1 < lines.size() && lines.at(i + 1).kind == Kind::Continuation)
                        ++i;
                    replaced = true;
                }
            if (replaced)
                continue;
        }
        result += l.raw + lineEnd;
    }
    if (tableStart < 0) {
        if (!result.isEmpty() && !result.endsWith(u'\n'))
            result += eol;
        if (!result.isEmpty() && !result.endsWith(eol + eol))
            result += eol;
        for (const QString &t : table)
            result += t + eol;
    }
    return result.toUtf8();
}

} // namespace qp::clients

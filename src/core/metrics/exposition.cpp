#include "metrics/exposition.h"

#include <QLocale>
#include <cmath>

namespace qp::metrics {

quint64 Histogram::count() const
{
    quint64 n = 0;
    for (quint64 c : m_counts)
        n += c;
    return n;
}

QByteArray ExpositionWriter::escapeLabelValue(QStringView value)
{
    const QByteArray utf8 = value.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray ExpositionWriter::escapeHelp(QStringView text)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray ExpositionWriter::formatValue(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

void ExpositionWriter::family(QByteArrayView name, QByteArrayView type, QStringView help)
{
    m_out += "# HELP ";
    m_out += name;
    m_out += ' ';
    m_out += escapeHelp(help);
    m_out += "\n# TYPE ";
    m_out += name;
    m_out += ' ';
    m_out += type;
    m_out += '\n';
}

void ExpositionWriter::series(QByteArrayView name, const Labels &labels, const Label *extra)
{
    m_out += name;
    if (labels.isEmpty() && !extra)
        return;
    m_out += '{';
    bool first = true;
    auto add = [&](const Label &l) {
        if (!first)
            m_out += ',';
        first = false;
        m_out += l.name;
        m_out += "=\"";
        m_out += escapeLabelValue(l.value);
        m_out += '"';
    };
    for (const Label &l : labels)
        add(l);
    if (extra)
        add(*extra);
    m_out += '}';
}

void ExpositionWriter::sample(QByteArrayView name, const Labels &labels, double value)
{
    series(name, labels, nullptr);
    m_out += ' ';
    m_out += formatValue(value);
    m_out += '\n';
}

void ExpositionWriter::sample(QByteArrayView name, const Labels &labels, qint64 value)
{
    series(name, labels, nullptr);
    m_out += ' ';
    m_out += QByteArray::number(value);
    m_out += '\n';
}

void ExpositionWriter::histogram(QByteArrayView name, const Labels &labels, const Histogram &h)
{
    const QByteArray bucket = name.toByteArray() + "_bucket";
    const QByteArray sum = name.toByteArray() + "_sum";
    const QByteArray count = name.toByteArray() + "_count";
    quint64 cumulative = 0;
    const auto bounds = h.bounds();
    const auto &counts = h.counts();
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
        cumulative += counts[i];
        const Label le{"le", i < bounds.size() ? QString::fromLatin1(formatValue(bounds[i]))
                                               : QStringLiteral("+Inf")};
        series(bucket, labels, &le);
        m_out += ' ';
        m_out += QByteArray::number(cumulative);
        m_out += '\n';
    }
    sample(sum, labels, h.sum());
    sample(count, labels, qint64(cumulative));
}

} // namespace qp::metrics

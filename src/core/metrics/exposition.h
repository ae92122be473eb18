#pragma once
// The Prometheus text exposition format, version 0.0.4: enough of it for /metrics, without a
// client library. Only scrapes format text; requests touch Histogram (an array increment).

#include <QByteArray>
#include <QList>
#include <QString>
#include <span>
#include <utility>
#include <vector>

namespace qp::metrics {

inline constexpr QByteArrayView kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Fixed upper bounds, ascending; +Inf is implied. Counts are kept per bucket and made cumulative
// only when written, so observe() touches one slot.
class Histogram
{
public:
    explicit Histogram(std::span<const double> bounds = {})
        : m_bounds(bounds), m_counts(bounds.size() + 1, 0)
    {}

    void observe(double value)
    {
        std::size_t i = 0;
        while (i < m_bounds.size() && value > m_bounds[i])
            ++i;
        ++m_counts[i];
        m_sum += value;
    }

    std::span<const double> bounds() const { return m_bounds; }
    // Per bucket, not cumulative; the last entry is above every bound.
    const std::vector<quint64> &counts() const { return m_counts; }
    double sum() const { return m_sum; }
    quint64 count() const;

private:
    std::span<const double> m_bounds;
    std::vector<quint64> m_counts;
    double m_sum = 0;
};

struct Label {
    QByteArray name; // [a-zA-Z_][a-zA-Z0-9_]*, never user input
    QString value;   // anything; escaped when written
};
using Labels = QList<Label>;

class ExpositionWriter
{
public:
    // HELP and TYPE of a family; every sample written after it until the next family belongs to
    // it. type: counter, gauge or histogram.
    void family(QByteArrayView name, QByteArrayView type, QStringView help);
    void sample(QByteArrayView name, const Labels &labels, double value);
    void sample(QByteArrayView name, const Labels &labels, qint64 value);
    // name_bucket{...,le="..."} cumulative and ending with +Inf, then name_sum and name_count.
    void histogram(QByteArrayView name, const Labels &labels, const Histogram &h);

    QByteArray take() { return std::exchange(m_out, {}); }

    // Backslash, double quote and newline escaped as \\, \" and \n.
    static QByteArray escapeLabelValue(QStringView value);
    // HELP text: backslash and newline only.
    static QByteArray escapeHelp(QStringView text);
    // Shortest text that reads back as the same double; +Inf, -Inf, NaN as Prometheus spells them.
    static QByteArray formatValue(double value);

private:
    void series(QByteArrayView name, const Labels &labels, const Label *extra);

    QByteArray m_out;
};

} // namespace qp::metrics

#include "usagepage.h"

#include "uiformat.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMap>
#include <QSplitter>
#include <QStackedBarSeries>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <cmath>

using namespace Qt::StringLiterals;

namespace qp {

UsagePage::UsagePage(EngineClient &client, QWidget *parent) : QWidget(parent), m_client(client)
{
    auto *layout = new QVBoxLayout(this);
    auto *controls = new QHBoxLayout;
    m_range = new QComboBox(this);
    for (int d : {7, 30, 90})
        m_range->addItem(tr("Last %n days", nullptr, d), d);
    m_metric = new QComboBox(this);
    m_metric->addItem(tr("Requests"), int(Metric::Requests));
    m_metric->addItem(tr("Input tokens"), int(Metric::InputTokens));
    m_metric->addItem(tr("Output tokens"), int(Metric::OutputTokens));
    m_grouping = new QComboBox(this);
    m_grouping->addItem(tr("Per account"), int(Grouping::PerAccount));
    m_grouping->addItem(tr("Per model"), int(Grouping::PerModel));
    controls->addWidget(m_range);
    controls->addWidget(m_metric);
    controls->addWidget(m_grouping);
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"summary"_s);
    controls->addWidget(m_summary, 1);
    layout->addLayout(controls);

    auto *split = new QSplitter(Qt::Vertical, this);
    m_chart = new QChart;
    m_chart->legend()->setAlignment(Qt::AlignRight);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_view = new QChartView(m_chart, split);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(220);
    m_windows = new QTableWidget(0, 5, split);
    m_windows->setHorizontalHeaderLabels(
        {tr("Account"), tr("Window"), tr("Used"), tr("Left"), tr("Resets")});
    m_windows->verticalHeader()->hide();
    m_windows->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_windows->setSelectionMode(QAbstractItemView::NoSelection);
    m_windows->setWordWrap(false);
    m_windows->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_windows->horizontalHeader()->setStretchLastSection(true);
    split->addWidget(m_view);
    split->addWidget(m_windows);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    auto *note =
        new QLabel(tr("Days are UTC days, as in “qwen-proxy usage”; reset times are local."), this);
    note->setEnabled(false);
    layout->addWidget(note);

    connect(m_range, &QComboBox::currentIndexChanged, this, &UsagePage::reload);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &UsagePage::draw);
    connect(m_grouping, &QComboBox::currentIndexChanged, this, &UsagePage::draw);
    // Follow new requests while visible; a hidden page refreshes when shown.
    connect(&client, &EngineClient::snapshotChanged, this, [this] {
        if (isVisible() || m_report.nowMs == 0)
            reload();
    });
}

void UsagePage::setDays(int days)
{
    m_range->setCurrentIndex(std::max(0, m_range->findData(days)));
}

void UsagePage::setMetric(Metric m)
{
    m_metric->setCurrentIndex(m_metric->findData(int(m)));
}

void UsagePage::setGrouping(Grouping g)
{
    m_grouping->setCurrentIndex(m_grouping->findData(int(g)));
}

int UsagePage::days() const
{
    return m_range->currentData().toInt();
}

void UsagePage::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    reload();
}

void UsagePage::reload()
{
    if (!m_client.ready())
        return; // an answer would never come; the first snapshot asks again
    if (m_loading) {
        m_again = true;
        return;
    }
    m_loading = true;
    m_client.usageReport(days(), this, [this](UsageReport r) {
        m_loading = false;
        m_report = std::move(r);
        draw();
        fillWindows();
        if (m_again) {
            m_again = false;
            reload();
            return;
        }
        emit reportShown();
    });
}

qint64 UsagePage::metricValue(const UsageTotals &t, Metric m)
{
    switch (m) {
    case Metric::Requests:
        return t.requests;
    case Metric::InputTokens:
        return t.inputTokens;
    case Metric::OutputTokens:
        return t.outputTokens;
    }
    return 0;
}

QList<qint64> UsagePage::axisTicks(qint64 top)
{
    // About five steps of 1, 2 or 5 times a power of ten, from 0 to the first tick at or above top.
    top = std::max<qint64>(top, 1);
    const double raw = double(top) / 5;
    const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
    qint64 step = 1;
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        step = std::max<qint64>(1, std::llround(m * magnitude));
        if (double(step) >= raw)
            break;
    }
    QList<qint64> ticks;
    for (qint64 t = 0; ticks.isEmpty() || ticks.last() < top; t += step)
        ticks << t;
    return ticks;
}

QStringList UsagePage::valueAxisLabels() const
{
    const auto axes = m_chart->axes(Qt::Vertical);
    auto *y = axes.isEmpty() ? nullptr : qobject_cast<QCategoryAxis *>(axes.first());
    return y ? y->categoriesLabels() : QStringList();
}

void UsagePage::draw()
{
    const Metric metric = Metric(m_metric->currentData().toInt());
    const bool perModel = Grouping(m_grouping->currentData().toInt()) == Grouping::PerModel;
    const int n = m_report.days;
    const QDate last = QDateTime::fromMSecsSinceEpoch(m_report.nowMs, QTimeZone::utc()).date();
    m_categories.clear();
    QStringList labels;
    for (int i = n - 1; i >= 0; --i) {
        const QDate d = last.addDays(-i);
        m_categories << d.toString(Qt::ISODate);
        labels << d.toString(u"MM-dd"_s);
    }
    // One stack segment per account (or model), one bar per day.
    QMap<QString, QList<qint64>> byKey;
    qint64 total = 0;
    for (const DailyUsage &d : perModel ? m_report.perModel : m_report.perAccount) {
        const int i = int(m_categories.indexOf(d.day.toString(Qt::ISODate)));
        if (i < 0)
            continue;
        const QString key = perModel ? (d.model.isEmpty() ? tr("(unknown model)") : d.model)
                                     : (d.accountId.isEmpty() ? tr("(no account)") : d.accountId);
        auto &values = byKey[key];
        if (values.isEmpty())
            values.fill(0, n);
        values[i] += metricValue(d.totals, metric);
        total += metricValue(d.totals, metric);
    }

    // The chart draws its own background: follow the window's palette (light or dark).
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    const auto theme = dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (m_chart->theme() != theme)
        m_chart->setTheme(theme);
    m_chart->setBackgroundBrush(palette().brush(QPalette::Base));
    m_chart->setTitleBrush(palette().brush(QPalette::Text));
    m_chart->removeAllSeries();
    for (QAbstractAxis *a : m_chart->axes())
        m_chart->removeAxis(a);
    m_series = new QStackedBarSeries;
    qint64 peak = 0;
    QList<qint64> dayTotals(n, 0);
    for (auto it = byKey.cbegin(); it != byKey.cend(); ++it) {
        auto *set = new QBarSet(it.key());
        for (int i = 0; i < n; ++i) {
            *set << double(it.value().at(i));
            dayTotals[i] += it.value().at(i);
        }
        m_series->append(set);
    }
    for (qint64 t : dayTotals)
        peak = std::max(peak, t);
    m_series->setBarWidth(n > 30 ? 0.9 : 0.7);
    m_chart->addSeries(m_series);
    auto *x = new QBarCategoryAxis;
    x->append(labels);
    x->setLabelsAngle(n > 7 ? -90 : 0);
    QFont small = x->labelsFont();
    if (n > 30)
        small.setPointSizeF(small.pointSizeF() * 0.75);
    x->setLabelsFont(small);
    // QValueAxis can only printf its labels ("300000"); a category axis with one label per tick
    // shows them as every other figure on this page, the CLI's compact form ("300k").
    auto *y = new QCategoryAxis;
    y->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    const QList<qint64> ticks =
        axisTicks(std::max<qint64>(peak + peak / 10, metric == Metric::Requests ? 5 : 100));
    y->setRange(0, double(ticks.last()));
    for (qint64 t : ticks)
        y->append(ui::compactCount(t), double(t));
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    m_series->attachAxis(x);
    m_series->attachAxis(y);
    m_chart->legend()->setVisible(!byKey.isEmpty());
    m_chart->setTitle(byKey.isEmpty() ? tr("No requests in these days.") : QString());
    const QString what = m_metric->currentText().toLower();
    m_summary->setText(tr("%1 %2 in %n days", nullptr, n).arg(ui::compactCount(total), what));
}

void UsagePage::fillWindows()
{
    QList<QStringList> rows;
    for (const AccountRow &a : m_report.accounts) {
        bool first = true;
        for (const auto &w : a.windows) {
            QStringList left;
            if (w.limit.maxRequests > 0)
                left << tr("%1 requests").arg(ui::compactCount(w.remainingRequests));
            if (w.limit.maxTokens > 0)
                left << tr("%1 tokens").arg(ui::compactCount(w.remainingTokens));
            rows.append({first ? a.id : QString(), w.limit.windowName(), ui::windowUsedText(w),
                         left.join(u", "_s), ui::windowResetText(w, m_report.nowMs)});
            first = false;
        }
    }
    if (rows.isEmpty())
        rows.append({tr("No account has metered quota windows (Qwen OAuth and plain keys are "
                        "unmetered unless a plan is set)."),
                     QString(), QString(), QString(), QString()});
    m_windows->clearSpans();
    m_windows->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        for (int c = 0; c < 5; ++c)
            m_windows->setItem(r, c, new QTableWidgetItem(rows.at(r).at(c)));
    if (rows.first().at(1).isEmpty())
        m_windows->setSpan(0, 0, 1, 5); // the one line saying there is nothing to show
}

} // namespace qp

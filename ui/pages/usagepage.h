#pragma once
// Usage: requests, input tokens or output tokens per UTC day over 7 / 30 / 90 days, stacked per
// account or per model, and every account's quota windows with what is left and when each resets.
// The rows are the ones `qwen-proxy usage` reads (UsageStore::dailyUsage), so the numbers match.

#include "engineclient.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QStackedBarSeries;
QT_END_NAMESPACE

namespace qp {

class UsagePage : public QWidget
{
    Q_OBJECT
public:
    enum class Metric { Requests, InputTokens, OutputTokens };
    enum class Grouping { PerAccount, PerModel };

    explicit UsagePage(EngineClient &client, QWidget *parent = nullptr);

    void setDays(int days); // 7, 30 or 90
    void setMetric(Metric m);
    void setGrouping(Grouping g);
    int days() const;
    // Asks the engine for the report again; reportShown() when drawn.
    void reload();

    QStackedBarSeries *series() const { return m_series; }
    QStringList categories() const { return m_categories; } // ISO days, oldest first
    const UsageReport &report() const { return m_report; }
    QTableWidget *windowsTable() const { return m_windows; }

    // The value a chart bar shows for one row (the metric's counter).
    static qint64 metricValue(const UsageTotals &t, Metric m);
    // The value axis's ticks for a chart reaching `top`: 0 and about five even steps past it.
    static QList<qint64> axisTicks(qint64 top);
    // The value axis's labels, lowest first, as drawn (compact figures like "300k").
    QStringList valueAxisLabels() const;

signals:
    void reportShown();

protected:
    void showEvent(QShowEvent *e) override;

private:
    void draw();
    void fillWindows();

    EngineClient &m_client;
    QComboBox *m_range, *m_metric, *m_grouping;
    QLabel *m_summary;
    QChart *m_chart;
    QChartView *m_view;
    QStackedBarSeries *m_series = nullptr;
    QTableWidget *m_windows;
    QStringList m_categories;
    UsageReport m_report;
    bool m_loading = false;
    bool m_again = false;
};

} // namespace qp

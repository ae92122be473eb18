#pragma once
// Logs: the live request log (from the usage store, refreshed with the snapshot unless paused)
// with text/status/account filters and a details pane, and the console log (LogHub's ring
// buffer, then its entryAdded signal, queued) with a level filter.

#include "logging/logging.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QTableView;
class QTabWidget;

namespace qp {

class EngineClient;
class RequestLogFilter;
class RequestLogModel;

class LogsPage : public QWidget
{
    Q_OBJECT
public:
    explicit LogsPage(EngineClient &client, QWidget *parent = nullptr);

    RequestLogModel *requests() const { return m_model; }
    RequestLogFilter *filter() const { return m_filter; }
    QTableView *view() const { return m_view; }
    QPlainTextEdit *details() const { return m_details; }
    QPlainTextEdit *console() const { return m_console; }
    QLineEdit *textFilter() const { return m_text; }
    QComboBox *statusFilter() const { return m_status; }
    QComboBox *accountFilter() const { return m_account; }
    QComboBox *levelFilter() const { return m_level; }
    QCheckBox *pause() const { return m_pause; }
    QTabWidget *tabs() const { return m_tabs; }
    void reloadRequests();

private:
    void showDetails();
    void addEntry(const LogEntry &e);
    void refilterConsole();
    bool levelShows(QtMsgType type) const;
    void updateAccounts();

    EngineClient &m_client;
    RequestLogModel *m_model;
    RequestLogFilter *m_filter;
    QTabWidget *m_tabs;
    QTableView *m_view;
    QPlainTextEdit *m_details;
    QPlainTextEdit *m_console;
    QLineEdit *m_text;
    QComboBox *m_status, *m_account, *m_level;
    QCheckBox *m_pause;
    bool m_loading = false;
    QList<LogEntry> m_entries; // the last LogHub::capacity entries, to refilter by level
};

} // namespace qp

#pragma once
// What the tray shows, computed from plain data: the icon's state, the tooltip, the menu's status
// line and one line per account with its quota windows. No widgets and no services: the GUI feeds
// it pool snapshots and counters it got from the engine, and tests feed it made-up ones.

#include "pool/accountpool.h"

#include <QCoreApplication>
#include <QList>
#include <QLocale>
#include <QString>
#include <optional>

namespace qp {

// How the proxy's listener stands.
struct ServerStatus {
    enum class State { Serving, Paused, Failed };
    State state = State::Serving;
    QString address;          // "127.0.0.1:8765"
    QString openAIBaseUrl;    // for the menu's copy actions
    QString anthropicBaseUrl; //
    QString failure;          // Failed: why, as the server said (port in use, by whom)
};

struct TrayInput {
    ServerStatus server;
    QList<AccountSnapshot> accounts; // in the pool's order
    QString defaultAccountId;
    qint64 requestsToday = 0;
    qint64 tokensToday = 0;
    qint64 nowMs = 0; // the engine clock's time the snapshots were taken at
};

// Four states with four distinct shapes (trayicon.h).
enum class TrayIconState {
    Serving,         // every enabled account can take requests
    Degraded,        // serving, but some accounts are cooling, at a limit, parked or need login
    NoUsableAccount, // listening, yet every request would fail (none configured, none usable)
    Stopped,         // paused by the user, or the server could not start
};

struct QuotaWindowLine {
    QString text;            // "5 h: 312 / 1,200 requests · frees up in 2 h 5 min"
    double usedFraction = 0; // 0..1 (clamped), for the little pie next to it
};

struct AccountLine {
    QString id;
    QString text; // "work — ready", "free — parked: Qwen's free OAuth tier ended"
    AccountState state = AccountState::Healthy;
    bool usable = false;
    bool isDefault = false;
    QList<QuotaWindowLine> windows; // all of them, or the fullest with many accounts
};

struct TrayView {
    TrayIconState icon = TrayIconState::Stopped;
    // What is left of the pool's tightest quota windows, 0..1: the mean over the metered accounts
    // that can still come back by themselves (healthy or cooling) of 1 - their fullest window.
    // Empty when no such account has a plan (nothing to show, so the icon draws a full ring).
    std::optional<double> quotaLeft;
    QString tooltip;    // plain text, a few short lines (Windows cuts tooltips at 127 characters)
    QString statusLine; // the menu's first line
    QString usageLine;  // "Today: 1,234 requests · 3.4M tokens"
    int usable = 0;
    int total = 0; // accounts not disabled by the user
    bool paused = false;
    bool failed = false;
    QString openAIBaseUrl;
    QString anthropicBaseUrl;
    QList<AccountLine> accounts;
};

class TrayStatus
{
    Q_DECLARE_TR_FUNCTIONS(qp::TrayStatus)
public:
    // Up to this many accounts the menu lists every quota window; beyond, only each account's
    // fullest one.
    static constexpr int kAllWindowsUpTo = 4;

    static TrayView compute(const TrayInput &input, const QLocale &locale = QLocale());

    // An account can take a request now: healthy and no window at its limit.
    static bool isUsable(const AccountSnapshot &a);
    // "5 h", "24 h", "7 days", "this month (UTC)".
    static QString windowLabel(QuotaLimit::Kind kind);
    static QString windowLine(const QuotaMeter::WindowUse &w, qint64 nowMs, const QLocale &locale);
    static QString stateText(const AccountSnapshot &a, qint64 nowMs);
    // True when an account was parked because Qwen ended the free OAuth tier.
    static bool isFreeTierEnd(const QString &reason);
};

} // namespace qp

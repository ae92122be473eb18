// `qwen-proxy auth add <id>` and `qwen-proxy auth`: the interactive device login.
#include "accounts/accountstore.h"
#include "accounts/loginsession.h"
#include "auth/terminalqr.h"
#include "auth/tokenmanager.h"
#include "authcommands.h"
#include "browseropener.h"
#include "cliargs.h"
#include "console.h"
#include "interruptwatcher.h"
#include "routing/upstreamrouter.h"
#include "runtime.h"

#include <QDateTime>
#include <QEventLoop>

using namespace Qt::StringLiterals;

namespace qp::cli {

namespace {

QString minutesSeconds(int seconds)
{
    return u"%1:%2"_s.arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

// The "time left" display: one line rewritten in place on a terminal; in a log or pipe, where \r
// would pile up, one line every 30 s instead.
class Countdown
{
public:
    explicit Countdown(bool terminal) : m_terminal(terminal) {}

    void show(int secondsLeft)
    {
        const QString text =
            u"Waiting for approval: %1 left (Ctrl-C to cancel)"_s.arg(minutesSeconds(secondsLeft));
        if (m_terminal) {
            // Padding wipes what a longer previous text left behind; no ANSI codes needed.
            console::outRaw(u"\r"_s + text.leftJustified(m_width));
            m_width = int(text.size());
            m_lineOpen = true;
            return;
        }
        if (m_lastPrinted < 0 || m_lastPrinted - secondsLeft >= 30) {
            console::out(text);
            m_lastPrinted = secondsLeft;
        }
    }
    // Ends the rewritten line so the next message starts on its own line.
    void close()
    {
        if (m_lineOpen)
            console::outRaw(u"\n"_s);
        m_lineOpen = false;
    }

private:
    bool m_terminal;
    bool m_lineOpen = false;
    int m_width = 0;
    int m_lastPrinted = -1;
};

void printInstructions(const QString &accountId, const QString &uri, const QString &uriComplete,
                       const QString &userCode, const LoginUi &ui)
{
    const QString url = uriComplete.isEmpty() ? uri : uriComplete;
    console::out(u"Sign in to Qwen for account \"%1\":"_s.arg(accountId));
    console::out(u"  Open:  "_s + url);
    console::out(u"  Code:  "_s + userCode);
    if (ui.showQr) {
        const QString qr = terminalqr::render(url, 2, ui.lightTerminal);
        if (!qr.isEmpty()) {
            console::out(u"Or scan this QR code with your phone:"_s);
            console::outRaw(qr);
        }
    }
    if (ui.openBrowser)
        openInBrowser(url);
}

} // namespace

int authAdd(Runtime &rt, const AddAccountOptions &opts, const LoginUi &ui)
{
    QEventLoop loop;
    QObject owner; // owns the session: it is gone when this function returns
    auto started = rt.accounts().startLogin(opts, &owner);
    if (!started) {
        console::err(u"qwen-proxy auth: "_s + started.error().message);
        return Failure;
    }
    LoginSession *session = started.value();
    const QString id = session->options().accountId;
    Countdown countdown(console::stdoutIsTerminal());
    int rc = Failure;

    QObject::connect(
        session, &LoginSession::started, &owner,
        [&](const QString &uri, const QString &uriComplete, const QString &code, int expiresIn) {
            printInstructions(id, uri, uriComplete, code, ui);
            countdown.show(expiresIn);
        });
    QObject::connect(session, &LoginSession::secondsLeftChanged, &owner,
                     [&](int left) { countdown.show(left); });
    QObject::connect(session, &LoginSession::succeeded, &owner, [&](const Account &a) {
        countdown.close();
        console::out(u"Signed in: account \"%1\" stored%2."_s.arg(
            a.id, a.isDefault ? u" (default account)"_s : QString()));
        rc = Ok;
        loop.quit();
    });
    QObject::connect(session, &LoginSession::failed, &owner, [&](const Error &e) {
        countdown.close();
        console::err(u"qwen-proxy auth: login failed: "_s + e.message);
        rc = Failure;
        loop.quit();
    });
    QObject::connect(session, &LoginSession::cancelled, &owner, [&] {
        countdown.close();
        console::err(u"Login cancelled; nothing was stored."_s);
        rc = Failure;
        loop.quit();
    });
    // Ctrl-C: cancel() stops the flow before anything was written. Once the tokens are being
    // stored the session finishes instead, and we report that outcome.
    InterruptWatcher watcher([session] { session->cancel(); });

    if (!session->isActive()) // defensive: it ended before we listened (start() is asynchronous)
        return Failure;
    loop.exec();
    return rc;
}

int authDefaultLogin(Runtime &rt, const LoginUi &ui)
{
    // The account the server would use for unaddressed requests (same rule as reloadAccounts()).
    QString id = rt.accounts().store()->defaultAccountId();
    const QStringList known = rt.router().qwenAccounts();
    if (id.isEmpty() && !known.isEmpty())
        id = known.contains(u"default"_s) ? u"default"_s : known.first();

    AddAccountOptions opts;
    opts.makeDefault = true;
    if (id.isEmpty()) {
        console::out(u"No Qwen account yet: signing in as \"default\"."_s);
        opts.accountId = u"default"_s;
        return authAdd(rt, opts, ui);
    }

    // Still usable? acquire() refreshes an expired access token with the refresh token, which is
    // all `npm run auth` did when the login was still good.
    std::optional<Result<QwenCredentials>> result;
    QEventLoop loop;
    QObject context;
    rt.tokens().acquire(id, QString(), &context, [&](const Result<QwenCredentials> &r) {
        result = r;
        loop.quit();
    });
    if (!result)
        loop.exec();
    if (result->ok()) {
        const QDateTime expiry =
            QDateTime::fromMSecsSinceEpoch(result->value().expiryDateMs).toUTC();
        console::out(u"Account \"%1\" is signed in; its access token is valid until %2 UTC."_s.arg(
            id, expiry.toString(u"yyyy-MM-dd HH:mm"_s)));
        return Ok;
    }
    const Error &e = result->error();
    if (e.kind != Error::Kind::NeedsLogin && e.kind != Error::Kind::UpstreamAuth) {
        // A network problem or a discontinued service: a new login would not help.
        console::err(u"qwen-proxy auth: could not refresh account \"%1\": %2"_s.arg(id, e.message));
        return Failure;
    }
    console::out(u"Account \"%1\" needs a new login (%2)."_s.arg(id, e.message));
    opts.accountId = id;
    opts.replaceExisting = true;
    return authAdd(rt, opts, ui);
}

} // namespace qp::cli

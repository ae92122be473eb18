// The secrets canary (issue 18 §10; docs/access-control.md): one scripted run of the real
// binaries at the most verbose logging (LOG_LEVEL=debug, DEBUG_LOG=true, so debug log files too),
// with known fake secrets in every role a secret has: upstream tokens (qwen-code's login, its
// forced refresh, a device login over /auth/*), a provider's key and secret header, a key in the
// environment, client keys (stored, and from QWEN_PROXY_API_KEYS) and their digests, a wrong key,
// a key in the query string, the device and user codes and the PKCE verifier. The fakes are
// careless on purpose: they quote the credentials they were sent in errors, in an error event
// mid-stream and in response headers. The run goes through plain and streamed chats of both
// dialects, those errors, /metrics, /health, the CLI's listings and SIGTERM.
//
// Then everything a person or another program could see is searched for every secret
// (tests/support/canaryscan.h says in which forms): every file under the test's HOME, byte for
// byte (the database, the debug logs, the settings), every line both programs printed, every
// HTTP answer the client got (status line, headers and body), and the command line of every
// process (what `ps` shows other users). Allowed, each where it has to be and nowhere else:
//   - the client key's digest in the database (only the digest is kept);
//   - the Qwen tokens in qwen-code's own credentials file (it is qwen-code's login);
//   - upstream credentials in the secret store's file (QP_SECRET_STORE=file: the keychain's
//     stand-in on a machine without one);
//   - the new client key on `keys create`'s standard output (shown once, by design);
//   - the device and user codes in /auth/initiate's answer (the caller shows them to the user).
#include "access/clientkey.h"
#include "auth/qwencredentials.h"
#include "auth/sharedfilesource.h"
#include "canaryscan.h"
#include "fakeoauthserver.h"
#include "fakeupstream.h"
#include "processargv.h"
#include "programrun.h"
#include "rawhttp.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

using namespace Qt::StringLiterals;
using namespace qp;
using namespace qp::test;

namespace {

// The fake secrets. None has the shape the log redaction's patterns mask ("sk-…", "Bearer …"),
// so what keeps them out is the code's handling of secrets, not a lucky regular expression.
const QByteArray kQwenAccess = "cnryQwenAccess0Tq7Vb2Lx9Wm4Kd8Rz3Hy6Ns1";
const QByteArray kQwenRefresh = "cnryQwenRefresh0Pf5Jc8Ug2Yt7Ea4Mw9Xk3Gb";
const QByteArray kRefreshedAccess = "cnryRefreshedAccess0Hq4Zt8Nv3Bd7Lp2Wc6";
const QByteArray kRefreshedRefresh = "cnryRefreshedRefresh0Ks9Gx5Rm1Fy6Tj3Vq";
const QByteArray kWorkAccess = "cnryDeviceLoginAccess0Ua6Pe2Wn8Cz5Hk1Ld";
const QByteArray kWorkRefresh = "cnryDeviceLoginRefresh0Jb3Xs7Qm9Vf4Ry2T";
const QByteArray kProviderKey = "cnryProviderKey0Mz5Wq9Tb2Hx7Lc4Pn8Gd1Ys";
const QByteArray kDeviceCode = "cnry-dc-Zq8+Wx/4Lm=Rt5Ky7Np2Vb6";
const QByteArray kUserCode = "CNRYQ7X4-K9P2W6";
const QByteArray kHaikuKey = "cnryHaikuKey0Wb8Ne3Tq6Zk1Xm5Pf9Lr2Cv7";
const QByteArray kProxyPassword = "cnryProxyPassword0Tm4Wd9Qh2Kx7Bn5Lz8";
const QByteArray kUrlPassword = "cnryUrlPassword0Gk7Rx2Wn9Td4Mq6Hb3";
const QByteArray kProviderHeader = "cnryProviderHeader0Rb6Yk2Nq8Dv4Jw9Tc3";
const QByteArray kDeviceCode2 = "cnry-dc2-Hv3+Qn/7Wd=Kx2Tb9Lp5";
const QByteArray kUserCode2 = "CNRYW3M8-T5J7Q1";
const QByteArray kWrongSecret = "cnryWrongSecret0Xa4Lm8Qz2Vt6Kp9Bw3Hd7Rf5Jy1";
const QByteArray kQuerySecret = "cnryQuerySecret0Gt2Wk6Pz9Lb4Xr7Mv3Hq8Fn5Cy1";

// Both servers shut down quickly when the test process dies half-way.
void dieWithTheTest()
{
#ifdef Q_OS_LINUX
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
}

} // namespace

class TestSecretsCanary : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    FakeUpstream m_upstream;
    FakeOAuthServer m_oauth;
    CanaryScanner m_canaries;
    // What was seen, by label: the raw bytes to search and the canaries allowed in them.
    struct Seen {
        QString label;
        QByteArray bytes;
        QSet<QString> allowed;
    };
    QList<Seen> m_console;
    QList<Seen> m_http;
    QList<Seen> m_argv;
    QProcess m_serve;
    QByteArray m_serveOut;
    QByteArray m_serveErr;
    quint16 m_port = 0;
    QSet<QByteArray> m_bearersAccepted;
    QwenCredentials m_qwen;
    QByteArray m_clientKey;
    std::optional<ClientKeyParts> m_keyParts;
    NewClientKey m_envKey;
    QByteArray m_bearer;  // "Authorization: Bearer <client key>\r\n"
    QByteArray m_xApiKey; // "x-api-key: <the environment's client key>\r\n"
    QByteArrayList m_verifiers;

    QString binary() const { return QStringLiteral(QP_BINARY_DIR) + u"/src/cli/qwen-proxy"_s; }

    QProcessEnvironment env() const
    {
        QProcessEnvironment e;
        e.insert(u"HOME"_s, m_home.path());
        e.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        e.insert(u"QWEN_HOME"_s, m_home.filePath(u".qwen"_s));
        e.insert(u"QP_SECRET_STORE"_s, u"file"_s);
        e.insert(u"LOG_LEVEL"_s, u"debug"_s);
        e.insert(u"DEBUG_LOG"_s, u"true"_s);
        const QString oauth = m_oauth.baseUrl().toString();
        e.insert(u"QWEN_OAUTH_BASE_URL"_s, oauth);
        e.insert(u"QWEN_TOKEN_ENDPOINT"_s, oauth + u"/api/v1/oauth2/token"_s);
        e.insert(u"QWEN_DEVICE_CODE_ENDPOINT"_s, oauth + u"/api/v1/oauth2/device/code"_s);
        e.insert(u"QP_DEVICE_POLL_MS"_s, u"20"_s);
        e.insert(u"UPSTREAM_RETRIES"_s, u"0"_s);
        e.insert(u"REQUIRE_KEY"_s, u"always"_s); // every request presents a client key
        return e;
    }

    // One CLI command, its argv and both outputs kept for the scan (the arguments given here are
    // its whole command line: what /proc/<pid>/cmdline shows while it runs).
    ProgramRun cli(const QStringList &args, const QByteArray &input = {},
                   const QSet<QString> &allowedOnStdout = {})
    {
        const ProgramRun r = runProgram(binary(), args, env(), input);
        const QString name = u"qwen-proxy "_s + args.join(u' ');
        m_argv.append({u"argv of "_s + name, args.join(u'\0').toUtf8(), {}});
        m_console.append({u"stdout of "_s + name, r.out.toUtf8(), allowedOnStdout});
        m_console.append({u"stderr of "_s + name, r.err.toUtf8(), {}});
        return r;
    }

    QByteArray http(const QString &label, const QByteArray &method, const QByteArray &target,
                    const QByteArray &headers, const QByteArray &body = {},
                    const QSet<QString> &allowed = {})
    {
        QByteArray raw = method + ' ' + target +
                         " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port) +
                         "\r\nConnection: close\r\n" + headers;
        if (!body.isEmpty())
            raw += "Content-Type: application/json\r\nContent-Length: " +
                   QByteArray::number(body.size()) + "\r\n";
        const QByteArray answer = rawExchange(QHostAddress::LocalHost, m_port, raw + "\r\n" + body);
        m_http.append({u"HTTP answer to "_s + label, answer, allowed});
        return answer;
    }

    void recordServeArgv(const QString &when)
    {
        const qint64 pid = m_serve.processId();
        const QByteArray argv = processArgv(pid);
        QVERIFY2(argv.contains("serve"), qPrintable(u"no command line for serve "_s + when));
        m_argv.append({u"/proc cmdline of serve "_s + when, argv, {}});
        for (qint64 child : childProcesses(pid))
            m_argv.append({u"/proc cmdline of serve's child %1 "_s.arg(child) + when,
                           processArgv(child),
                           {}});
    }

    static QByteArray chat(const QString &model, const QByteArray &text, bool stream)
    {
        const QJsonArray messages{
            QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, QString::fromLatin1(text)}}};
        return QJsonDocument(QJsonObject{{u"model"_s, model},
                                         {u"max_tokens"_s, 64},
                                         {u"stream"_s, stream},
                                         {u"messages"_s, messages}})
            .toJson(QJsonDocument::Compact);
    }
    static QByteArray openAiChat(const QByteArray &text, bool stream)
    {
        return chat(u"qwen3-coder-plus"_s, text, stream);
    }
    static QByteArray anthropicChat(const QByteArray &text, bool stream)
    {
        return chat(u"claude-sonnet-4-5"_s, text, stream);
    }

    void serveUpstream()
    {
        m_bearersAccepted = {"Bearer " + kRefreshedAccess, "Bearer " + kWorkAccess,
                             "Bearer " + kProviderKey, "Bearer " + kHaikuKey};
        m_upstream.on("/v1/chat/completions", [this](const http::HttpRequest &req,
                                                     http::ResponseWriter *w) {
            const QByteArray auth = req.header("authorization");
            if (!m_bearersAccepted.contains(auth)) { // the first Qwen token: a forced refresh
                w->sendJson(
                    401, QJsonObject{{u"error"_s,
                                      QJsonObject{{u"message"_s, u"invalid access token or token "
                                                                 "expired"_s}}}});
                return;
            }
            if (req.body.contains("canary-expire")) { // as if the token had been revoked
                w->sendJson(
                    401, QJsonObject{{u"error"_s,
                                      QJsonObject{{u"message"_s, u"invalid access token or token "
                                                                 "expired"_s}}}});
                return;
            }
            // A careless upstream quotes the credentials it was sent: in error messages, in
            // an error event mid-stream, and in response headers.
            const QString said = QString::fromLatin1(auth);
            const QString message =
                u"Incorrect API key provided: "_s + said.mid(7) + u" (header: "_s + said + u")"_s;
            const QJsonObject error{{u"message"_s, message},
                                    {u"type"_s, u"invalid_request_error"_s}};
            http::Headers echo{{"X-Echo-Authorization", auth}};
            if (const QByteArray extra = req.header("x-canary-token"); !extra.isEmpty())
                echo.append({"X-Echo-Canary-Token", extra});
            if (req.body.contains("canary-fail")) {
                const int status = req.body.contains("canary-fail-500") ? 500 : 400;
                w->sendJson(status, QJsonObject{{u"error"_s, error}}, echo);
                return;
            }
            if (QJsonDocument::fromJson(req.body).object().value(u"stream"_s).toBool()) {
                auto event = [w](const QByteArray &data) {
                    w->writeChunk(QByteArray("data: " + data + "\n\n"));
                };
                w->beginStream(200, "text/event-stream", echo);
                event(FakeUpstream::chunk(
                    QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"canary "_s}}));
                event(FakeUpstream::chunk(QJsonObject{{u"content"_s, u"streamed"_s}}));
                if (req.body.contains("canary-stream-error")) {
                    event(QJsonDocument(QJsonObject{{u"error"_s, error}})
                              .toJson(QJsonDocument::Compact));
                    w->endStream();
                    return;
                }
                event(FakeUpstream::chunk(QJsonObject{}, u"stop"_s));
                event(FakeUpstream::usageChunk(12, 3));
                event("[DONE]");
                w->endStream();
                return;
            }
            w->sendJson(200, FakeUpstream::completion(u"canary answered"_s, 12, 3), echo);
        });
        m_upstream.on("/v1/models", [this](const http::HttpRequest &req, http::ResponseWriter *w) {
            if (req.header("authorization") != "Bearer " + kProviderKey) {
                w->sendJson(401, QJsonObject{{u"error"_s, QJsonObject{{u"message"_s, u"no"_s}}}});
                return;
            }
            w->sendJson(200,
                        QJsonObject{{u"object"_s, u"list"_s},
                                    {u"data"_s,
                                     QJsonArray{QJsonObject{{u"id"_s, u"qwen3-coder-plus"_s}}}}});
        });
    }

    quint16 startServe(const QByteArray &envKey)
    {
        QProcessEnvironment e = env();
        e.insert(u"QWEN_PROXY_API_KEYS"_s, QString::fromLatin1(envKey));
        // The small-model route's upstream, with its key and a password in its URL from the
        // environment (a gateway behind basic authentication).
        e.insert(u"HAIKU_BASE_URL"_s,
                 u"http://canary:%1@127.0.0.1:%2/v1"_s.arg(QString::fromLatin1(kUrlPassword))
                     .arg(m_upstream.port()));
        e.insert(u"HAIKU_API_KEY"_s, QString::fromLatin1(kHaikuKey));
        m_serve.setProcessEnvironment(e);
        m_serve.setChildProcessModifier(dieWithTheTest);
        connect(&m_serve, &QProcess::readyReadStandardOutput, this,
                [this] { m_serveOut += m_serve.readAllStandardOutput(); });
        connect(&m_serve, &QProcess::readyReadStandardError, this,
                [this] { m_serveErr += m_serve.readAllStandardError(); });
        m_serve.start(binary(), {u"serve"_s, u"--port"_s, u"0"_s});
        if (!m_serve.waitForStarted(5000))
            return 0;
        static const QRegularExpression listening(u"http://127\\.0\\.0\\.1:(\\d+)/v1"_s);
        QRegularExpressionMatch m;
        (void)QTest::qWaitFor(
            [&] {
                m = listening.match(QString::fromUtf8(m_serveOut));
                return m.hasMatch() || m_serve.state() == QProcess::NotRunning;
            },
            10000);
        return m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    }

    // One device login over /auth/*: initiate, then poll until it ends; the last poll answer.
    QByteArray deviceLogin(const QString &account, const QByteArray &deviceCode,
                           const QByteArray &userCode)
    {
        m_oauth.setCodes(QString::fromLatin1(deviceCode), QString::fromLatin1(userCode));
        const QByteArray a = http(
            u"/auth/initiate for "_s + account, "POST", "/auth/initiate", m_bearer,
            QJsonDocument(QJsonObject{{u"account_id"_s, account}}).toJson(QJsonDocument::Compact),
            {u"device code"_s, u"user code"_s});
        if (!a.startsWith("HTTP/1.1 200") || !a.contains(userCode) || !a.contains(deviceCode))
            return "initiate failed: " + a;
        const QByteArray poll =
            QJsonDocument(QJsonObject{{u"device_code"_s, QString::fromLatin1(deviceCode)}})
                .toJson(QJsonDocument::Compact);
        QByteArray last;
        (void)QTest::qWaitFor(
            [&] {
                last = http(u"/auth/poll for "_s + account, "POST", "/auth/poll", m_bearer, poll);
                return !last.contains("\"status\":\"pending\"");
            },
            10000);
        return last;
    }

    // The phases run in this order and share the run's state; the last one searches.
private Q_SLOTS:
    void initTestCase()
    {
#ifndef Q_OS_LINUX
        QSKIP("reads /proc and sends SIGTERM");
#endif
        QVERIFY(m_home.isValid());
        QVERIFY(m_oauth.start());
        serveUpstream();
    }

    // What the user sets up before serving: qwen-code's login (valid by its clock, but the
    // upstream refuses it, which forces a refresh), a provider with a key and a secret header
    // (both through standard input), a client key, and one more for QWEN_PROXY_API_KEYS.
    void setUpWithoutArgv()
    {
        m_qwen.accessToken = QString::fromLatin1(kQwenAccess);
        m_qwen.refreshToken = QString::fromLatin1(kQwenRefresh);
        m_qwen.resourceUrl = u"http://127.0.0.1:%1"_s.arg(m_upstream.port());
        m_qwen.expiryDateMs = QDateTime::currentMSecsSinceEpoch() + 3600 * 1000;
        QVERIFY(!SharedFileSource(m_home.filePath(u".qwen"_s)).save(m_qwen));
        m_oauth.serveRefresh(QString::fromLatin1(kQwenRefresh),
                             FakeOAuthServer::success(QString::fromLatin1(kRefreshedAccess),
                                                      QString::fromLatin1(kRefreshedRefresh), 3600,
                                                      m_qwen.resourceUrl));

        ProgramRun r = cli({u"provider"_s, u"add"_s, u"cp"_s, u"--preset"_s, u"custom"_s,
                            u"--base-url"_s, m_upstream.baseUrl(), u"--model"_s,
                            u"qwen3-coder-plus"_s, u"--header"_s, u"X-Canary-Token"_s},
                           kProviderKey + '\n' + kProviderHeader + '\n');
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        // A provider behind an egress proxy whose password is asked for (here: read) after the
        // key, of which it has none. Never used for a request: it stays in the store and the pool.
        r = cli({u"provider"_s, u"add"_s, u"px"_s, u"--preset"_s, u"custom"_s, u"--base-url"_s,
                 m_upstream.baseUrl(), u"--model"_s, u"qwen3-coder-plus"_s, u"--proxy"_s,
                 u"http://canary@127.0.0.1:9"_s},
                "\n" + kProxyPassword + '\n');
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        r = cli({u"keys"_s, u"create"_s, u"--name"_s, u"canary"_s, u"--scopes"_s,
                 u"inference,read,admin"_s, u"--json"_s},
                {}, {u"client key"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        m_clientKey =
            QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"key"_s).toString().toLatin1();
        m_keyParts = clientkey::parse(m_clientKey);
        QVERIFY2(m_keyParts, qPrintable(r.out));
        m_envKey = clientkey::generate();
        QCOMPARE(kWrongSecret.size(), clientkey::kSecretLength);

        m_port = startServe(m_envKey.key.toLatin1());
        QVERIFY2(m_port, QByteArray(m_serveOut + m_serveErr).constData());
        recordServeArgv(u"after start-up"_s);
        m_bearer = "Authorization: Bearer " + m_clientKey + "\r\n";
        m_xApiKey = "x-api-key: " + m_envKey.key.toLatin1() + "\r\n";
    }

    // Plain and streamed chats of both dialects, on qwen-code's account (the first one forces
    // the refresh) and on the provider.
    void chats()
    {
        QByteArray a = http(u"OpenAI chat on qwen-code's account"_s, "POST", "/v1/chat/completions",
                            m_bearer + "X-Qwen-Account: default\r\n", openAiChat("hello", false));
        QVERIFY2(a.startsWith("HTTP/1.1 200") && a.contains("canary answered"), a.constData());
        QCOMPARE(m_oauth.refreshRequests(), 1);
        a = http(u"OpenAI stream on the provider"_s, "POST", "/v1/chat/completions",
                 m_xApiKey + "X-Qwen-Account: cp\r\n", openAiChat("hello", true));
        QVERIFY2(a.startsWith("HTTP/1.1 200") && a.contains("streamed") && a.contains("[DONE]"),
                 a.constData());
        a = http(u"Anthropic message on qwen-code's account"_s, "POST", "/v1/messages",
                 m_xApiKey + "X-Qwen-Account: default\r\n", anthropicChat("hello", false));
        QVERIFY2(a.startsWith("HTTP/1.1 200") && a.contains("canary answered"), a.constData());
        a = http(u"Anthropic stream on the provider"_s, "POST", "/v1/messages",
                 m_bearer + "X-Qwen-Account: cp\r\n", anthropicChat("hello", true));
        QVERIFY2(a.startsWith("HTTP/1.1 200") && a.contains("message_stop"), a.constData());
        a = http(u"Anthropic haiku message (the environment's key)"_s, "POST", "/v1/messages",
                 m_bearer, chat(u"claude-haiku-4-5"_s, "hello", false));
        QVERIFY2(a.startsWith("HTTP/1.1 200") && a.contains("canary answered"), a.constData());
        a = http(u"Anthropic haiku stream that fails with 500"_s, "POST", "/v1/messages", m_bearer,
                 chat(u"claude-haiku-4-5"_s, "canary-fail-500", true));
        QVERIFY2(a.startsWith("HTTP/1.1 5"), a.constData());
        a = http(u"/v1/models"_s, "GET", "/v1/models", m_xApiKey);
        QVERIFY2(a.startsWith("HTTP/1.1 200"), a.constData());
    }

    void keysThatMustNotWork()
    {
        QByteArray a = http(u"a wrong secret for a real key id"_s, "POST", "/v1/chat/completions",
                            "Authorization: Bearer qpk_" + m_keyParts->id.toLatin1() + '_' +
                                kWrongSecret + "\r\n",
                            openAiChat("hello", false));
        QVERIFY2(a.startsWith("HTTP/1.1 401"), a.constData());
        a = http(u"a key in the query string"_s, "GET",
                 "/v1/models?key=qpk_" + m_keyParts->id.toLatin1() + '_' + kQuerySecret, m_bearer);
        QVERIFY2(a.startsWith("HTTP/1.1 400"), a.constData());
    }

    // A device login over /auth/* and a chat on the new account; then one the OAuth server
    // refuses with an answer that quotes the device code and the PKCE verifier it was sent.
    void deviceLogins()
    {
        m_oauth.queuePending(1);
        m_oauth.queue(FakeOAuthServer::success(QString::fromLatin1(kWorkAccess),
                                               QString::fromLatin1(kWorkRefresh), 3600,
                                               m_qwen.resourceUrl));
        QByteArray a = deviceLogin(u"work"_s, kDeviceCode, kUserCode);
        QVERIFY2(a.contains("\"status\":\"success\""), a.constData());
        recordServeArgv(u"after the device login"_s);
        a = http(u"OpenAI chat on the device login's account"_s, "POST", "/v1/chat/completions",
                 m_bearer + "X-Qwen-Account: work\r\n", openAiChat("hello", false));
        QVERIFY2(a.startsWith("HTTP/1.1 200"), a.constData());

        // Answered from inside the fake's handler, once it has the request to quote.
        auto quote = connect(&m_oauth, &FakeOAuthServer::tokenRequested, this, [this] {
            const auto &form = m_oauth.requests().constLast().form;
            m_oauth.queue(FakeOAuthServer::oauthError(
                400, u"invalid_grant"_s,
                u"device_code=%1&code_verifier=%2 not accepted"_s.arg(
                    form.value(u"device_code"_s), form.value(u"code_verifier"_s))));
        });
        a = deviceLogin(u"other"_s, kDeviceCode2, kUserCode2);
        disconnect(quote);
        QVERIFY2(a.contains("\"status\":\"error\""), a.constData());
        for (const FakeOAuthServer::Request &req : m_oauth.requests())
            if (const QByteArray v = req.form.value(u"code_verifier"_s).toLatin1();
                !v.isEmpty() && !m_verifiers.contains(v))
                m_verifiers.append(v);
        QCOMPARE(m_verifiers.size(), 2);
    }

    void readRoutes()
    {
        QByteArray a = http(u"/metrics"_s, "GET", "/metrics", m_bearer);
        QVERIFY2(a.startsWith("HTTP/1.1 200"), a.constData());
        a = http(u"/health"_s, "GET", "/health", m_bearer);
        QVERIFY2(a.startsWith("HTTP/1.1 200") && a.contains("\"accounts\""), a.constData());
    }

    // Upstream errors that quote the credential they were sent, in both dialects, and a token
    // refresh the token endpoint fails with a message quoting the refresh token.
    void upstreamErrors()
    {
        m_oauth.serveRefresh(
            QString::fromLatin1(kWorkRefresh),
            FakeOAuthServer::Answer{500, {}, "refresh token " + kWorkRefresh + " is revoked"});
        QByteArray a =
            http(u"OpenAI chat whose refresh fails"_s, "POST", "/v1/chat/completions",
                 m_bearer + "X-Qwen-Account: work\r\n", openAiChat("canary-expire", false));
        QVERIFY2(!a.startsWith("HTTP/1.1 200"), a.constData());
        QCOMPARE(m_oauth.refreshRequests(), 2);
        a = http(u"/health after the failed refresh"_s, "GET", "/health", m_bearer);
        QVERIFY2(a.startsWith("HTTP/1.1 200"), a.constData());

        a = http(u"OpenAI chat the upstream refuses with 400"_s, "POST", "/v1/chat/completions",
                 m_bearer + "X-Qwen-Account: cp\r\n", openAiChat("canary-fail-400", false));
        QVERIFY2(a.startsWith("HTTP/1.1 400"), a.constData());
        a = http(u"Anthropic stream the upstream refuses with 400"_s, "POST", "/v1/messages",
                 m_bearer + "X-Qwen-Account: cp\r\n", anthropicChat("canary-fail-400", true));
        QVERIFY2(a.startsWith("HTTP/1.1 4"), a.constData());
        a = http(u"OpenAI stream the upstream fails with 500"_s, "POST", "/v1/chat/completions",
                 m_bearer + "X-Qwen-Account: cp\r\n", openAiChat("canary-fail-500", true));
        QVERIFY2(a.startsWith("HTTP/1.1 5"), a.constData());
        a = http(u"OpenAI stream with an error event"_s, "POST", "/v1/chat/completions",
                 m_bearer + "X-Qwen-Account: cp\r\n", openAiChat("canary-stream-error", true));
        QVERIFY2(a.startsWith("HTTP/1.1 200") && a.contains("streamed"), a.constData());
        a = http(u"Anthropic stream with an error event"_s, "POST", "/v1/messages",
                 m_bearer + "X-Qwen-Account: cp\r\n", anthropicChat("canary-stream-error", true));
        QVERIFY2(a.startsWith("HTTP/1.1 200") && a.contains("streamed"), a.constData());
        a = http(u"Anthropic message the upstream fails with 500"_s, "POST", "/v1/messages",
                 m_bearer + "X-Qwen-Account: default\r\n", anthropicChat("canary-fail-500", false));
        QVERIFY2(a.startsWith("HTTP/1.1 5"), a.constData());
    }

    // Each credential reached its upstream: the run went through every path it claims to.
    void everySecretWasUsed()
    {
        QSet<QByteArray> bearers;
        bool header = false;
        for (const RecordedRequest &req : m_upstream.requestsTo("/v1/chat/completions")) {
            bearers.insert(req.header("authorization"));
            header = header || req.header("x-canary-token") == kProviderHeader;
        }
        for (const QByteArray &token :
             {kQwenAccess, kRefreshedAccess, kWorkAccess, kProviderKey, kHaikuKey})
            QVERIFY2(bearers.contains("Bearer " + token), token.constData());
        QVERIFY(header);
    }

    // The CLI's listings while the server runs, and `provider test` against an upstream that
    // quotes the key in its error (the CLI prints that error "the way a client would see it").
    void cliListings()
    {
        const QList<QPair<QStringList, int>> runs{
            {{u"keys"_s, u"list"_s, u"--json"_s}, 0},
            {{u"keys"_s, u"usage"_s, u"--json"_s}, 0},
            {{u"usage"_s, u"--json"_s}, 0},
            {{u"auth"_s, u"list"_s}, 0},
            {{u"auth"_s, u"counts"_s}, 0},
            {{u"provider"_s, u"list"_s}, 0},
            {{u"provider"_s, u"models"_s, u"cp"_s}, 0},
            {{u"provider"_s, u"test"_s, u"cp"_s}, 0},
            {{u"provider"_s, u"test"_s, u"cp"_s, u"--model"_s, u"canary-fail-400"_s}, 1},
        };
        for (const auto &[args, expected] : runs) {
            const ProgramRun r = cli(args);
            QVERIFY2(r.exitCode == expected, qPrintable(args.join(u' ') + u": "_s + r.err));
        }
        recordServeArgv(u"before SIGTERM"_s);
    }

    void sigterm()
    {
        ::kill(pid_t(m_serve.processId()), SIGTERM);
        QVERIFY(m_serve.state() == QProcess::NotRunning || m_serve.waitForFinished(15000));
        QCOMPARE(m_serve.exitCode(), 0);
        m_serveOut += m_serve.readAllStandardOutput();
        m_serveErr += m_serve.readAllStandardError();
        QVERIFY2(m_serveErr.contains("shutting down"), m_serveErr.right(2000).constData());
        // Debug lines were on (the model mapping is logged at debug only): there was something
        // to leak into.
        QVERIFY2(m_serveErr.contains("qp.core.routing: model"), m_serveErr.left(2000).constData());
        m_console.append({u"serve's standard output"_s, m_serveOut, {}});
        m_console.append({u"serve's standard error"_s, m_serveErr, {}});
    }

    void nothingLeaks()
    {
        const QSet<QString> upstreamCredentials{u"Qwen access token"_s,
                                                u"Qwen refresh token"_s,
                                                u"refreshed access token"_s,
                                                u"refreshed refresh token"_s,
                                                u"device login's access token"_s,
                                                u"device login's refresh token"_s,
                                                u"provider key"_s,
                                                u"provider header"_s,
                                                u"proxy password"_s};
        m_canaries.add(u"Qwen access token"_s, kQwenAccess);
        m_canaries.add(u"Qwen refresh token"_s, kQwenRefresh);
        m_canaries.add(u"refreshed access token"_s, kRefreshedAccess);
        m_canaries.add(u"refreshed refresh token"_s, kRefreshedRefresh);
        m_canaries.add(u"device login's access token"_s, kWorkAccess);
        m_canaries.add(u"device login's refresh token"_s, kWorkRefresh);
        m_canaries.add(u"provider key"_s, kProviderKey);
        m_canaries.add(u"provider header"_s, kProviderHeader);
        m_canaries.add(u"HAIKU_API_KEY"_s, kHaikuKey);
        m_canaries.add(u"proxy password"_s, kProxyPassword);
        m_canaries.add(u"password in HAIKU_BASE_URL"_s, kUrlPassword);
        m_canaries.add(u"client key"_s, m_keyParts->secret);
        m_canaries.add(u"client key digest"_s, clientkey::digest(m_keyParts->secret));
        m_canaries.add(u"client key digest"_s, clientkey::digest(m_keyParts->secret).toHex());
        m_canaries.add(u"environment client key"_s,
                       clientkey::parse(m_envKey.key.toLatin1())->secret);
        m_canaries.add(u"environment client key digest"_s, m_envKey.digest);
        m_canaries.add(u"environment client key digest"_s, m_envKey.digest.toHex());
        m_canaries.add(u"wrong key"_s, kWrongSecret);
        m_canaries.add(u"key in the query"_s, kQuerySecret);
        m_canaries.add(u"device code"_s, kDeviceCode);
        m_canaries.add(u"device code"_s, kDeviceCode2);
        m_canaries.add(u"user code"_s, kUserCode);
        m_canaries.add(u"user code"_s, kUserCode2);
        for (const QByteArray &v : std::as_const(m_verifiers))
            m_canaries.add(u"PKCE verifier"_s, v);

        QList<CanaryFinding> found;
        int files = 0;
        bool debugLog = false;
        QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        QSet<QString> inTheStore; // what the secret store's file holds: the places allowed above
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
            const QByteArray bytes = f.readAll();
            const QString name = it.fileName();
            QSet<QString> allowed;
            if (name.startsWith(u"qwen-proxy.sqlite"_s)) { // the database and its journal
                allowed = {u"client key digest"_s};
            } else if (path == m_home.filePath(u".qwen/oauth_creds.json"_s)) {
                allowed = {u"Qwen access token"_s, u"Qwen refresh token"_s,
                           u"refreshed access token"_s, u"refreshed refresh token"_s};
            } else if (name == u"secrets.json"_s) {
                allowed = upstreamCredentials;
                for (const CanaryFinding &stored : m_canaries.scan(name, bytes))
                    inTheStore.insert(stored.canary);
            }
            debugLog = debugLog || (name.startsWith(u"debug-"_s) && !bytes.isEmpty());
            found += m_canaries.scan(path.mid(m_home.path().size() + 1), bytes, allowed);
            ++files;
        }
        // The store holds what was given on standard input and by the device login (so the
        // secrets above really went in, and are found in the store's own encoding).
        for (const QString &stored : {u"provider key"_s, u"provider header"_s, u"proxy password"_s,
                                      u"device login's refresh token"_s})
            QVERIFY2(inTheStore.contains(stored), qPrintable(stored));
        QVERIFY2(debugLog, "no debug log file was written");
        for (const QList<Seen> *seen : {&m_console, &m_http, &m_argv})
            for (const Seen &s : *seen)
                found += m_canaries.scan(s.label, s.bytes, s.allowed);
        QVERIFY2(found.isEmpty(), qPrintable(u"%1 leaks (%2 files, %3 outputs, %4 answers, %5 "
                                             "command lines searched):"_s.arg(found.size())
                                                 .arg(files)
                                                 .arg(m_console.size())
                                                 .arg(m_http.size())
                                                 .arg(m_argv.size()) +
                                             describe(found)));
    }
};

QTEST_GUILESS_MAIN(TestSecretsCanary)
#include "tst_secrets_canary.moc"

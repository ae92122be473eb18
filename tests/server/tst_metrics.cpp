// GET /metrics through the running server: traffic in both dialects against the fake upstream,
// then the exposition is parsed by a strict parser of the text format (written here, so the test
// does not trust the writer it checks) and compared with what was sent and what the pool knows.
#include "access/clientkey.h"
#include "apiroutes.h"
#include "http/httpserver.h"
#include "logging/logging.h"
#include "metrics/exposition.h"
#include "pool/accountpool.h"
#include "proxyharness.h"
#include "rawhttp.h"
#include "usage/usagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkInterface>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QtTest>
#include <map>
#include <tuple>

using namespace Qt::StringLiterals;
using namespace qp::test;

namespace {

// ---- A Prometheus text format (0.0.4) parser that validates as it reads ----------------------

using LabelMap = std::map<QString, QString>;

struct Sample {
    QString name;
    QString family;
    LabelMap labels;
    double value = 0;
};

struct Exposition {
    std::map<QString, QString> types; // family -> counter, gauge, histogram, ...
    QList<Sample> samples;
    QStringList errors;

    // Samples named `name` whose labels include every pair of `match`.
    QList<Sample> select(const QString &name, const LabelMap &match = {}) const
    {
        QList<Sample> out;
        for (const Sample &s : samples) {
            if (s.name != name)
                continue;
            bool ok = true;
            for (const auto &[k, v] : match)
                ok = ok && s.labels.count(k) && s.labels.at(k) == v;
            if (ok)
                out.append(s);
        }
        return out;
    }
    double sum(const QString &name, const LabelMap &match = {}) const
    {
        double total = 0;
        for (const Sample &s : select(name, match))
            total += s.value;
        return total;
    }
};

const QRegularExpression kMetricName(u"^[a-zA-Z_:][a-zA-Z0-9_:]*$"_s);
const QRegularExpression kLabelName(u"^[a-zA-Z_][a-zA-Z0-9_]*$"_s);

bool parseValue(const QString &text, double *out)
{
    if (text == u"+Inf") {
        *out = std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == u"-Inf") {
        *out = -std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == u"NaN") {
        *out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    bool ok = false;
    *out = text.toDouble(&ok);
    return ok;
}

// One sample line: name{label="value",...} value [timestamp]
std::optional<Sample> parseSampleLine(const QString &line, QString *error)
{
    Sample s;
    qsizetype i = 0;
    while (i < line.size() && line[i] != u'{' && line[i] != u' ')
        ++i;
    s.name = line.left(i);
    if (!kMetricName.match(s.name).hasMatch()) {
        *error = u"bad metric name '%1'"_s.arg(s.name);
        return std::nullopt;
    }
    if (i < line.size() && line[i] == u'{') {
        ++i;
        while (i < line.size() && line[i] != u'}') {
            const qsizetype eq = line.indexOf(u'=', i);
            if (eq < 0) {
                *error = u"label without '='"_s;
                return std::nullopt;
            }
            const QString name = line.mid(i, eq - i);
            if (!kLabelName.match(name).hasMatch() || name.startsWith(u"__"_s)) {
                *error = u"bad label name '%1'"_s.arg(name);
                return std::nullopt;
            }
            i = eq + 1;
            if (i >= line.size() || line[i] != u'"') {
                *error = u"label value not quoted"_s;
                return std::nullopt;
            }
            ++i;
            QString value;
            bool closed = false;
            while (i < line.size()) {
                const QChar c = line[i++];
                if (c == u'"') {
                    closed = true;
                    break;
                }
                if (c != u'\\') {
                    value += c;
                    continue;
                }
                if (i >= line.size()) {
                    *error = u"dangling backslash"_s;
                    return std::nullopt;
                }
                const QChar e = line[i++];
                if (e == u'\\')
                    value += u'\\';
                else if (e == u'"')
                    value += u'"';
                else if (e == u'n')
                    value += u'\n';
                else {
                    *error = u"bad escape \\%1"_s.arg(e);
                    return std::nullopt;
                }
            }
            if (!closed) {
                *error = u"unterminated label value"_s;
                return std::nullopt;
            }
            if (s.labels.count(name)) {
                *error = u"label '%1' twice"_s.arg(name);
                return std::nullopt;
            }
            s.labels[name] = value;
            if (i < line.size() && line[i] == u',')
                ++i;
            else if (i >= line.size() || line[i] != u'}') {
                *error = u"expected ',' or '}' after a label"_s;
                return std::nullopt;
            }
        }
        if (i >= line.size()) {
            *error = u"unterminated label set"_s;
            return std::nullopt;
        }
        ++i; // '}'
    }
    if (i >= line.size() || line[i] != u' ') {
        *error = u"expected a space before the value"_s;
        return std::nullopt;
    }
    const QStringList rest = line.mid(i + 1).split(u' ');
    if (rest.isEmpty() || rest.size() > 2 || !parseValue(rest.first(), &s.value)) {
        *error = u"bad value '%1'"_s.arg(line.mid(i + 1));
        return std::nullopt;
    }
    if (rest.size() == 2) {
        bool ok = false;
        rest.last().toLongLong(&ok);
        if (!ok) {
            *error = u"bad timestamp"_s;
            return std::nullopt;
        }
    }
    return s;
}

QString seriesKey(const QString &name, const LabelMap &labels, bool withoutLe = false)
{
    QString key = name + u'{';
    for (const auto &[k, v] : labels)
        if (!(withoutLe && k == u"le"))
            key += k + u"=\""_s + v + u"\","_s;
    return key + u'}';
}

Exposition parseExposition(const QByteArray &text)
{
    Exposition x;
    if (!text.isEmpty() && !text.endsWith('\n'))
        x.errors << u"the last line has no newline"_s;
    QSet<QString> helped;
    QSet<QString> seriesSeen;
    QSet<QString> familiesDone; // families whose group of lines has ended
    QString current;
    int lineNo = 0;
    for (const QString &line : QString::fromUtf8(text).split(u'\n')) {
        ++lineNo;
        auto fail = [&](const QString &why) {
            x.errors << u"line %1: %2: %3"_s.arg(lineNo).arg(why, line);
        };
        if (line.isEmpty())
            continue;
        if (line.startsWith(u'#')) {
            const QStringList parts = line.split(u' ');
            if (parts.size() < 3 || (parts[1] != u"HELP" && parts[1] != u"TYPE"))
                continue; // a plain comment
            const QString family = parts[2];
            if (!kMetricName.match(family).hasMatch())
                fail(u"bad family name"_s);
            if (parts[1] == u"TYPE") {
                static const QStringList types{u"counter"_s, u"gauge"_s, u"histogram"_s,
                                               u"summary"_s, u"untyped"_s};
                if (parts.size() != 4 || !types.contains(parts[3]))
                    fail(u"bad TYPE line"_s);
                else if (x.types.count(family))
                    fail(u"second TYPE for a family"_s);
                else if (familiesDone.contains(family) || current == family)
                    fail(u"TYPE after the family's samples"_s);
                else
                    x.types[family] = parts[3];
            } else {
                if (helped.contains(family))
                    fail(u"second HELP for a family"_s);
                helped.insert(family);
                const QString help = line.section(u' ', 3);
                for (qsizetype i = 0; i < help.size(); ++i)
                    if (help[i] == u'\\') {
                        if (i + 1 >= help.size() || (help[i + 1] != u'\\' && help[i + 1] != u'n'))
                            fail(u"bad escape in HELP"_s);
                        ++i;
                    }
            }
            continue;
        }
        QString error;
        auto sample = parseSampleLine(line, &error);
        if (!sample) {
            fail(error);
            continue;
        }
        Sample &s = *sample;
        // The family a sample belongs to: its own name, or a histogram's name for its series.
        s.family = s.name;
        if (!x.types.count(s.family)) {
            for (const QString &suffix : {u"_bucket"_s, u"_sum"_s, u"_count"_s})
                if (s.name.endsWith(suffix)) {
                    const QString base = s.name.chopped(suffix.size());
                    if (x.types.count(base) &&
                        (x.types[base] == u"histogram" ||
                         (x.types[base] == u"summary" && suffix != u"_bucket")))
                        s.family = base;
                }
        }
        if (!x.types.count(s.family)) {
            fail(u"sample of a family without TYPE"_s);
            continue;
        }
        if (s.family != current) {
            if (familiesDone.contains(s.family))
                fail(u"the family's lines are not one group"_s);
            if (!current.isEmpty())
                familiesDone.insert(current);
            current = s.family;
        }
        const QString key = seriesKey(s.name, s.labels);
        if (seriesSeen.contains(key))
            fail(u"duplicate series"_s);
        seriesSeen.insert(key);
        const QString &type = x.types[s.family];
        if (type == u"counter" && !(s.value >= 0))
            fail(u"counter below zero"_s);
        if (type == u"histogram") {
            const bool isBucket = s.name.endsWith(u"_bucket"_s);
            double le = 0;
            if (isBucket && (!s.labels.count(u"le"_s) || !parseValue(s.labels[u"le"_s], &le)))
                fail(u"bucket without a numeric le"_s);
            if (!isBucket && s.labels.count(u"le"_s))
                fail(u"le outside a bucket"_s);
        }
        x.samples.append(s);
    }

    // Histograms: per series, buckets ascending by le, cumulative, ending with +Inf == _count.
    for (const auto &[family, type] : x.types) {
        if (type != u"histogram")
            continue;
        std::map<QString, QList<std::pair<double, double>>> buckets; // series -> (le, count)
        std::map<QString, double> counts;
        std::map<QString, bool> sums;
        for (const Sample &s : std::as_const(x.samples)) {
            if (s.family != family)
                continue;
            const QString series = seriesKey(family, s.labels, true);
            if (s.name == family + u"_bucket"_s) {
                double le = 0;
                parseValue(s.labels.at(u"le"_s), &le);
                buckets[series].append({le, s.value});
            } else if (s.name == family + u"_count"_s) {
                counts[series] = s.value;
            } else if (s.name == family + u"_sum"_s) {
                sums[series] = true;
            } else {
                x.errors << u"%1: unexpected sample %2"_s.arg(family, s.name);
            }
        }
        for (const auto &[series, list] : buckets) {
            for (qsizetype i = 1; i < list.size(); ++i) {
                if (!(list[i].first > list[i - 1].first))
                    x.errors << u"%1: le not ascending"_s.arg(series);
                if (list[i].second < list[i - 1].second)
                    x.errors << u"%1: buckets not cumulative"_s.arg(series);
            }
            if (list.isEmpty() || !std::isinf(list.last().first))
                x.errors << u"%1: no +Inf bucket"_s.arg(series);
            else if (!counts.count(series) || counts.at(series) != list.last().second)
                x.errors << u"%1: +Inf bucket differs from _count"_s.arg(series);
            if (!sums.count(series))
                x.errors << u"%1: no _sum"_s.arg(series);
        }
        for (const auto &[series, n] : counts)
            if (!buckets.count(series))
                x.errors << u"%1: _count without buckets"_s.arg(series);
    }
    return x;
}

// ---- Traffic helpers --------------------------------------------------------------------------

QByteArray tokenOf(const QString &account)
{
    return "tok-" + account.toUtf8();
}

QJsonObject openAIBody(const QString &text, bool stream)
{
    return QJsonObject{
        {u"model"_s, u"qwen3-coder-plus"_s},
        {u"stream"_s, stream},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, text}}}}};
}

QJsonObject anthropicBody(const QString &text, bool stream)
{
    return QJsonObject{
        {u"model"_s, u"claude-sonnet-4-5"_s},
        {u"max_tokens"_s, 100},
        {u"stream"_s, stream},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, text}}}}};
}

struct TokenUse {
    qint64 input = 0;
    qint64 output = 0;
    qint64 cached = 0;
};

// The usage each kind of upstream answer reports: different numbers, so a type or a dialect
// counted into the wrong place shows.
constexpr TokenUse kJsonUsage{11, 7, 3};
constexpr TokenUse kStreamUsage{13, 5, 2};

// A raw HTTP/1.1 GET with Connection: close from `from` to `to`; the whole answer. The server
// runs on this thread, so the exchange runs in an event loop, never in blocking waits.
QByteArray rawGet(const QHostAddress &from, const QHostAddress &to, quint16 port,
                  const QByteArray &path, const QByteArray &extraHeaders = {})
{
    QTcpSocket s;
    if (!s.bind(from))
        return "bind: " + s.errorString().toUtf8();
    QByteArray out;
    QEventLoop loop;
    QObject::connect(&s, &QTcpSocket::connected, &loop, [&] {
        // Host: the address dialled, as a client reaching the proxy by IP sends it.
        const QByteArray host = to.protocol() == QAbstractSocket::IPv6Protocol
                                    ? "[" + to.toString().toLatin1() + "]"
                                    : to.toString().toLatin1();
        s.write("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders +
                "Connection: close\r\n\r\n");
    });
    QObject::connect(&s, &QTcpSocket::readyRead, &loop, [&] { out += s.readAll(); });
    QObject::connect(&s, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(&s, &QTcpSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    s.connectToHost(to, port);
    loop.exec();
    return out + s.readAll();
}

// For QCOMPARE: a failure then shows both sides.
template <typename Map> QString dump(const Map &m)
{
    QStringList lines;
    for (const auto &[k, v] : m) {
        QStringList parts;
        std::apply([&](const auto &...p) { (parts.append(p), ...); }, k);
        lines.append(parts.join(u' ') + u" = "_s + QString::number(v));
    }
    return lines.join(u'\n');
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT
    std::unique_ptr<ProxyHarness> h;
    using Answer = std::function<void(const qp::http::HttpRequest &, qp::http::ResponseWriter *)>;
    QHash<QByteArray, Answer> answers;
    QHash<QString, TokenUse> reported; // per account: usage the fake upstream sent
    QHash<QString, int> served;        // per account: chat requests the upstream saw

    void start(const QStringList &accounts, QHash<QString, QString> env = {},
               const QHash<QString, QString> &plans = {})
    {
        h = std::make_unique<ProxyHarness>();
        env.insert(u"QWEN_CODE_AUTH_USE"_s, u"false"_s);
        env.insert(u"RETRY_BACKOFF_MS"_s, u"1"_s);
        QString err;
        QVERIFY2(h->start(env, &err), qPrintable(err));
        for (const QString &a : accounts)
            QVERIFY2(h->addAccount(a, QString::fromUtf8(tokenOf(a)), plans.value(a), &err),
                     qPrintable(err));
        h->upstream().on("/v1/chat/completions", [this](const qp::http::HttpRequest &req,
                                                        qp::http::ResponseWriter *w) {
            const QByteArray token = req.header("authorization").mid(7);
            const QString account = QString::fromUtf8(token.mid(4));
            ++served[account];
            if (auto it = answers.constFind(token); it != answers.cend()) {
                (*it)(req, w);
                return;
            }
            TokenUse &r = reported[account];
            if (!QJsonDocument::fromJson(req.body).object().value(u"stream"_s).toBool()) {
                r.input += kJsonUsage.input;
                r.output += kJsonUsage.output;
                r.cached += kJsonUsage.cached;
                w->sendJson(
                    200,
                    QJsonObject{
                        {u"id"_s, u"chatcmpl-m"_s},
                        {u"object"_s, u"chat.completion"_s},
                        {u"model"_s, u"qwen3-coder-plus"_s},
                        {u"choices"_s, QJsonArray{QJsonObject{
                                           {u"index"_s, 0},
                                           {u"finish_reason"_s, u"stop"_s},
                                           {u"message"_s, QJsonObject{{u"role"_s, u"assistant"_s},
                                                                      {u"content"_s, u"hi"_s}}}}}},
                        {u"usage"_s,
                         QJsonObject{{u"prompt_tokens"_s, kJsonUsage.input},
                                     {u"completion_tokens"_s, kJsonUsage.output},
                                     {u"prompt_tokens_details"_s,
                                      QJsonObject{{u"cached_tokens"_s, kJsonUsage.cached}}}}}});
                return;
            }
            r.input += kStreamUsage.input;
            r.output += kStreamUsage.output;
            r.cached += kStreamUsage.cached;
            h->upstream().runSse(
                w,
                {{0, FakeUpstream::chunk(QJsonObject{{u"content"_s, u"hi"_s}}, u"stop"_s)},
                 {0, FakeUpstream::usageChunk(int(kStreamUsage.input), int(kStreamUsage.output),
                                              int(kStreamUsage.cached))},
                 {0, "[DONE]"}},
                false);
        });
    }

    void answerError(const QString &account, int status, const QString &message,
                     const QString &code = {})
    {
        QJsonObject e{{u"message"_s, message}};
        if (!code.isEmpty())
            e.insert(u"code"_s, code);
        answers[tokenOf(account)] = [status, e](const qp::http::HttpRequest &,
                                                qp::http::ResponseWriter *w) {
            w->sendJson(status, QJsonObject{{u"error"_s, e}});
        };
    }

    // GET /metrics, checked for status, content type and format; failures name every problem.
    Exposition scrape(QByteArray *body = nullptr)
    {
        const ClientReply r = h->get(u"/metrics"_s);
        [&] {
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("content-type"),
                     QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        }();
        if (body)
            *body = r.body;
        Exposition x = parseExposition(r.body);
        if (!x.errors.isEmpty())
            qWarning().noquote() << x.errors.join(u'\n') << "\n---\n" << r.body;
        return x;
    }

private Q_SLOTS:
    void initTestCase() { qp::LogHub::instance().install(qp::LogHub::Level::Off); }
    void init()
    {
        answers.clear();
        reported.clear();
        served.clear();
    }
    void cleanup() { h.reset(); }

    // The parser is what the other tests trust: it must reject each kind of broken exposition.
    void parserRejectsBrokenExpositions_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("problem");
        QTest::newRow("no TYPE") << QByteArray("x_total 1\n") << u"without TYPE"_s;
        QTest::newRow("duplicate series")
            << QByteArray("# TYPE x counter\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n") << u"duplicate"_s;
        QTest::newRow("bad label name")
            << QByteArray("# TYPE x gauge\nx{1a=\"1\"} 1\n") << u"bad label name"_s;
        QTest::newRow("bad escape")
            << QByteArray("# TYPE x gauge\nx{a=\"\\t\"} 1\n") << u"bad escape"_s;
        QTest::newRow("split family")
            << QByteArray("# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx{a=\"b\"} 1\n")
            << u"one group"_s;
        QTest::newRow("not cumulative")
            << QByteArray("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                          "h_sum 1\nh_count 1\n")
            << u"cumulative"_s;
        QTest::newRow("no +Inf") << QByteArray("# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
                                               "h_sum 1\nh_count 1\n")
                                 << u"+Inf"_s;
        QTest::newRow("+Inf differs from _count")
            << QByteArray("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 2\n")
            << u"differs"_s;
        QTest::newRow("negative counter")
            << QByteArray("# TYPE x_total counter\nx_total -1\n") << u"below zero"_s;
        QTest::newRow("no value") << QByteArray("# TYPE x gauge\nx{a=\"b\"}\n") << u"space"_s;
    }
    void parserRejectsBrokenExpositions()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, problem);
        const Exposition x = parseExposition(text);
        QVERIFY2(x.errors.join(u'\n').contains(problem), qPrintable(x.errors.join(u'\n')));
    }

    void writerEscapesLabelsAndWritesHistograms()
    {
        using namespace qp::metrics;
        const QString awkward = u"back\\slash \"quoted\"\nnext line ü"_s;
        QCOMPARE(ExpositionWriter::escapeLabelValue(awkward),
                 QByteArray("back\\\\slash \\\"quoted\\\"\\nnext line \xc3\xbc"));
        ExpositionWriter w;
        w.family("t_gauge", "gauge", u"help with \\ and\nnewline"_s);
        w.sample("t_gauge", Labels{{"v", awkward}}, qint64(3));
        static constexpr double bounds[] = {0.5, 1, 2.5};
        Histogram hist(bounds);
        for (double v : {0.1, 0.5, 0.7, 3.0, 3.0})
            hist.observe(v);
        w.family("t_seconds", "histogram", u"h"_s);
        w.histogram("t_seconds", Labels{{"route", u"/x"_s}}, hist);
        const QByteArray text = w.take();
        const Exposition x = parseExposition(text);
        QVERIFY2(x.errors.isEmpty(),
                 qPrintable(x.errors.join(u'\n') + u'\n' + QString::fromUtf8(text)));
        QCOMPARE(x.select(u"t_gauge"_s).size(), 1);
        QCOMPARE(x.select(u"t_gauge"_s).first().labels.at(u"v"_s), awkward);
        // 0.5 belongs to le="0.5" (upper bounds are inclusive).
        QCOMPARE(x.sum(u"t_seconds_bucket"_s, {{u"le"_s, u"0.5"_s}}), 2.0);
        QCOMPARE(x.sum(u"t_seconds_bucket"_s, {{u"le"_s, u"1"_s}}), 3.0);
        QCOMPARE(x.sum(u"t_seconds_bucket"_s, {{u"le"_s, u"2.5"_s}}), 3.0);
        QCOMPARE(x.sum(u"t_seconds_bucket"_s, {{u"le"_s, u"+Inf"_s}}), 5.0);
        QCOMPARE(x.sum(u"t_seconds_count"_s), 5.0);
        QCOMPARE(x.sum(u"t_seconds_sum"_s), 7.3);
        QVERIFY(text.contains("# HELP t_gauge help with \\\\ and\\nnewline\n"));
    }

    void countersMatchTheTraffic()
    {
        start({u"a"_s, u"b"_s, u"c"_s}, {}, {{u"a"_s, u"5h:100,day:tokens=100000"_s}});
        // What the clients saw: (method, route, status) for every answer, and (account,
        // dialect, status class) for every request that reached a relay.
        std::map<std::tuple<QString, QString, QString>, int> http;
        std::map<std::tuple<QString, QString, QString>, int> api;
        auto send = [&](const QString &route, const QString &path, const QJsonObject &body,
                        const QString &account, int expected) {
            const auto r = h->postJson(path, body, {{"X-Qwen-Account", account.toUtf8()}});
            QCOMPARE(r.status, expected);
            ++http[{u"POST"_s, route, QString::number(r.status)}];
            ++api[{account, path.contains(u"messages"_s) ? u"anthropic"_s : u"openai"_s,
                   QString::number(r.status / 100) + u"xx"_s}];
        };
        const QString chat = u"/v1/chat/completions"_s;
        const QString messages = u"/v1/messages"_s;
        const QString anthropicMessages = u"/anthropic/v1/messages"_s;
        for (int i = 0; i < 3; ++i)
            send(chat, chat, openAIBody(u"json %1"_s.arg(i), false), u"a"_s, 200);
        for (int i = 0; i < 2; ++i)
            send(chat, chat, openAIBody(u"stream %1"_s.arg(i), true), u"b"_s, 200);
        for (int i = 0; i < 2; ++i)
            send(messages, messages, anthropicBody(u"json %1"_s.arg(i), false), u"a"_s, 200);
        send(anthropicMessages, anthropicMessages, anthropicBody(u"stream"_s, true), u"b"_s, 200);
        // Failures the upstream decides: a client error in both dialects, then a quota refusal
        // that cools c.
        answerError(u"c"_s, 400, u"messages: bad role"_s);
        send(chat, chat, openAIBody(u"bad"_s, false), u"c"_s, 400);
        send(messages, messages, anthropicBody(u"bad"_s, true), u"c"_s, 400);
        answerError(u"c"_s, 429, u"Free allocated quota exceeded."_s, u"insufficient_quota"_s);
        send(messages, messages, anthropicBody(u"quota"_s, false), u"c"_s, 429);
        // Failures the proxy decides before any relay: no api request, no tokens.
        auto other = [&](const QString &method, const QString &route, const ClientReply &r,
                         int expected) {
            QCOMPARE(r.status, expected);
            ++http[{method, route, QString::number(r.status)}];
        };
        other(u"POST"_s, chat, h->post(chat, "{not json"), 400);
        other(u"GET"_s, chat, h->get(chat), 405);
        other(u"GET"_s, u"other"_s, h->get(u"/no/such/path/123"_s), 404);
        other(u"GET"_s, u"other"_s, h->get(u"/another/unknown"_s), 404);
        other(u"GET"_s, u"/health"_s, h->get(u"/health"_s), 200);

        QByteArray body;
        const Exposition x = scrape(&body);
        QVERIFY2(x.errors.isEmpty(), qPrintable(x.errors.join(u'\n')));
        for (const QString &secret : {u"tok-a"_s, u"tok-b"_s, u"tok-c"_s, u"refresh-a"_s})
            QVERIFY2(!body.contains(secret.toUtf8()), qPrintable(secret));

        // Requests per method, route and status: exactly what was sent, nothing more.
        std::map<std::tuple<QString, QString, QString>, int> seenHttp;
        for (const Sample &s : x.select(u"qwen_proxy_http_requests_total"_s))
            seenHttp[{s.labels.at(u"method"_s), s.labels.at(u"route"_s),
                      s.labels.at(u"status"_s)}] = int(s.value);
        QCOMPARE(dump(seenHttp), dump(http));
        // Durations: one observation per answer, per method and route.
        std::map<std::pair<QString, QString>, int> perRoute;
        for (const auto &[k, n] : http)
            perRoute[{std::get<0>(k), std::get<1>(k)}] += n;
        std::map<std::pair<QString, QString>, int> seenDurations;
        for (const Sample &s : x.select(u"qwen_proxy_http_request_duration_seconds_count"_s))
            seenDurations[{s.labels.at(u"method"_s), s.labels.at(u"route"_s)}] = int(s.value);
        QCOMPARE(dump(seenDurations), dump(perRoute));
        QVERIFY(x.sum(u"qwen_proxy_http_request_duration_seconds_sum"_s) > 0);

        // Proxied requests per account, dialect and status class (summed over models).
        std::map<std::tuple<QString, QString, QString>, int> seenApi;
        QSet<QString> models;
        for (const Sample &s : x.select(u"qwen_proxy_api_requests_total"_s)) {
            seenApi[{s.labels.at(u"account"_s), s.labels.at(u"dialect"_s),
                     s.labels.at(u"status_class"_s)}] += int(s.value);
            models.insert(s.labels.at(u"model"_s));
        }
        QCOMPARE(dump(seenApi), dump(api));
        // The model label is the model sent upstream.
        QSet<QString> sentModels;
        for (const RecordedRequest &r : h->upstream().requestsTo("/v1/chat/completions"))
            sentModels.insert(r.json().value(u"model"_s).toString());
        QCOMPARE(models, sentModels);

        // Tokens: what the fake upstream reported for the accounts that only succeeded...
        for (const QString &account : {u"a"_s, u"b"_s}) {
            const TokenUse &r = reported.value(account);
            QVERIFY(r.input > 0);
            auto tokens = [&](const QString &type) {
                return qint64(x.sum(u"qwen_proxy_token_usage_total"_s,
                                    {{u"account"_s, account}, {u"type"_s, type}}));
            };
            QCOMPARE(tokens(u"input"_s), r.input);
            QCOMPARE(tokens(u"output"_s), r.output);
            QCOMPARE(tokens(u"cached"_s), r.cached);
        }
        // ...and, for every account, what the usage store recorded from the same requests.
        const auto totals = h->runtime().usage().totalsByAccount(qp::UsageStore::kLifetime);
        QVERIFY(totals.ok());
        for (auto it = totals->cbegin(); it != totals->cend(); ++it) {
            const LabelMap of{{u"account"_s, it.key()}};
            auto tokens = [&](const QString &type) {
                LabelMap m = of;
                m[u"type"_s] = type;
                return qint64(x.sum(u"qwen_proxy_token_usage_total"_s, m));
            };
            QCOMPARE(tokens(u"input"_s), it->inputTokens);
            QCOMPARE(tokens(u"output"_s), it->outputTokens);
            QCOMPARE(tokens(u"cached"_s), it->cachedTokens);
            QCOMPARE(qint64(x.sum(u"qwen_proxy_api_requests_total"_s, of)), it->requests);
        }

        // Account state: one 1 per account, on the state the pool reports; c is cooling.
        const auto snapshot = h->runtime().pool().snapshot();
        QCOMPARE(snapshot.size(), 3);
        for (const qp::AccountSnapshot &a : snapshot) {
            QCOMPARE(x.sum(u"qwen_proxy_account_state"_s, {{u"account"_s, a.id}}), 1.0);
            QCOMPARE(x.sum(u"qwen_proxy_account_state"_s,
                           {{u"account"_s, a.id}, {u"state"_s, qp::accountStateName(a.state)}}),
                     1.0);
            QCOMPARE(x.sum(u"qwen_proxy_account_in_flight"_s, {{u"account"_s, a.id}}), 0.0);
        }
        QCOMPARE(x.sum(u"qwen_proxy_account_state"_s,
                       {{u"account"_s, u"c"_s}, {u"state"_s, u"cooling"_s}}),
                 1.0);
        QCOMPARE(x.sum(u"qwen_proxy_account_state"_s,
                       {{u"account"_s, u"a"_s}, {u"state"_s, u"healthy"_s}}),
                 1.0);

        // Quota windows: only a has a plan. It served 5 requests; its limits are the plan's.
        QCOMPARE(served.value(u"a"_s), 5);
        const qp::AccountSnapshot a = *h->runtime().pool().snapshot(u"a"_s);
        QCOMPARE(a.windows.size(), 2);
        auto quota = [&](const QString &name, const QString &window, const QString &unit) {
            const auto s =
                x.select(name, {{u"account"_s, u"a"_s}, {u"window"_s, window}, {u"unit"_s, unit}});
            return s.size() == 1 ? s.first().value : -1.0;
        };
        QCOMPARE(quota(u"qwen_proxy_quota_window_used"_s, u"5h"_s, u"requests"_s), 5.0);
        QCOMPARE(quota(u"qwen_proxy_quota_window_limit"_s, u"5h"_s, u"requests"_s), 100.0);
        QCOMPARE(quota(u"qwen_proxy_quota_window_limit"_s, u"day"_s, u"tokens"_s), 100000.0);
        QCOMPARE(quota(u"qwen_proxy_quota_window_limit"_s, u"5h"_s, u"tokens"_s), -1.0);
        QCOMPARE(quota(u"qwen_proxy_quota_window_used"_s, u"day"_s, u"tokens"_s),
                 double(a.windows.at(1).usedTokens));
        QVERIFY(a.windows.at(1).usedTokens > 0);
        for (const auto &win : a.windows)
            QCOMPARE(x.sum(u"qwen_proxy_quota_window_reset_timestamp_seconds"_s,
                           {{u"account"_s, u"a"_s}, {u"window"_s, win.limit.windowName()}}),
                     double(win.resetsAtMs) / 1000.0);
        QVERIFY(x.select(u"qwen_proxy_quota_window_used"_s, {{u"account"_s, u"b"_s}}).isEmpty());

        // Counters live for the process: a second scrape adds exactly the first one.
        const Exposition again = scrape();
        QVERIFY2(again.errors.isEmpty(), qPrintable(again.errors.join(u'\n')));
        QCOMPARE(again.sum(u"qwen_proxy_http_requests_total"_s,
                           {{u"route"_s, u"/metrics"_s}, {u"status"_s, u"200"_s}}),
                 1.0);
        QCOMPARE(again.sum(u"qwen_proxy_api_requests_total"_s),
                 x.sum(u"qwen_proxy_api_requests_total"_s));
    }

    void activeConnectionsCountsOpenClients()
    {
        start({u"a"_s});
        QTcpSocket idle1, idle2;
        idle1.connectToHost(QHostAddress::LocalHost, h->runtime().port());
        idle2.connectToHost(QHostAddress::LocalHost, h->runtime().port());
        QVERIFY(idle1.waitForConnected(5000) && idle2.waitForConnected(5000));
        QTRY_VERIFY(h->runtime().server().connectionCount() >= 2);
        const Exposition x = scrape();
        QVERIFY2(x.errors.isEmpty(), qPrintable(x.errors.join(u'\n')));
        // Two idle clients plus the scraper's own connection.
        QCOMPARE(x.sum(u"qwen_proxy_active_connections"_s), 3.0);
        idle1.close();
        idle2.close();
        QTRY_COMPARE(h->runtime().server().connectionCount(), 1);
        QCOMPARE(scrape().sum(u"qwen_proxy_active_connections"_s), 1.0);
    }

    void aClientThatLeavesCountsOnceAs499()
    {
        start({u"a"_s});
        answers[tokenOf(u"a"_s)] = [](const qp::http::HttpRequest &, qp::http::ResponseWriter *) {
        }; // the upstream never answers
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, h->runtime().port());
        QVERIFY(client.waitForConnected(5000));
        const QByteArray body =
            QJsonDocument(openAIBody(u"wait"_s, true)).toJson(QJsonDocument::Compact);
        client.write("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                     "X-Qwen-Account: a\r\nContent-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QTRY_COMPARE(served.value(u"a"_s), 1);
        // While it waits, the account has it in flight.
        Exposition x = scrape();
        QVERIFY2(x.errors.isEmpty(), qPrintable(x.errors.join(u'\n')));
        QCOMPARE(x.sum(u"qwen_proxy_account_in_flight"_s, {{u"account"_s, u"a"_s}}), 1.0);
        QCOMPARE(
            x.sum(u"qwen_proxy_http_requests_total"_s, {{u"route"_s, u"/v1/chat/completions"_s}}),
            0.0);
        client.abort();
        QTRY_COMPARE(h->runtime().pool().snapshot(u"a"_s)->inFlight, 0);
        QTest::qWait(50); // anything the relay still does after the client left
        x = scrape();
        QVERIFY2(x.errors.isEmpty(), qPrintable(x.errors.join(u'\n')));
        const LabelMap chat{{u"method"_s, u"POST"_s}, {u"route"_s, u"/v1/chat/completions"_s}};
        QCOMPARE(x.sum(u"qwen_proxy_http_requests_total"_s, chat), 1.0);
        LabelMap gone = chat;
        gone[u"status"_s] = u"499"_s;
        QCOMPARE(x.sum(u"qwen_proxy_http_requests_total"_s, gone), 1.0);
        QCOMPARE(x.sum(u"qwen_proxy_http_request_duration_seconds_count"_s, chat), 1.0);
        QCOMPARE(x.sum(u"qwen_proxy_api_requests_total"_s,
                       {{u"account"_s, u"a"_s}, {u"status_class"_s, u"4xx"_s}}),
                 1.0);
        QCOMPARE(x.sum(u"qwen_proxy_account_in_flight"_s, {{u"account"_s, u"a"_s}}), 0.0);
    }

    // /metrics from beyond this machine: only with a client key that has the read scope (keys
    // given in QWEN_PROXY_API_KEYS have it).
    void nonLoopbackCallersNeedAReadKey()
    {
        const qp::NewClientKey reader = qp::clientkey::generate();
        start({u"a"_s}, {{u"HOST"_s, u"0.0.0.0"_s}, {u"QWEN_PROXY_API_KEYS"_s, reader.key}});
        const QHostAddress external = qp::test::externalIPv4();
        if (external.isNull())
            QSKIP("no non-loopback IPv4 address on this machine; tst_authorization covers it");
        const QByteArray refused = rawGet(external, external, h->runtime().port(), "/metrics");
        QVERIFY2(refused.startsWith("HTTP/1.1 401"), refused.constData());
        const QByteArray json = refused.mid(refused.indexOf("\r\n\r\n") + 4);
        const QJsonObject error =
            QJsonDocument::fromJson(json).object().value(u"error"_s).toObject();
        QVERIFY2(error.value(u"message"_s).toString().contains(u"client key"_s), json.constData());
        QVERIFY(error.contains(u"type"_s));
        QVERIFY(!refused.contains("qwen_proxy_"));
        const QByteArray keyed = rawGet(external, external, h->runtime().port(), "/metrics",
                                        "Authorization: Bearer " + reader.key.toLatin1() + "\r\n");
        QVERIFY2(keyed.startsWith("HTTP/1.1 200"), keyed.left(300).constData());
        QVERIFY(keyed.contains("qwen_proxy_http_requests_total"));
        // The same server answers a loopback caller without a key.
        const QByteArray allowed =
            rawGet(QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHost),
                   h->runtime().port(), "/metrics");
        QVERIFY2(allowed.startsWith("HTTP/1.1 200"), allowed.left(200).constData());
        QVERIFY(allowed.contains("qwen_proxy_http_requests_total"));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"

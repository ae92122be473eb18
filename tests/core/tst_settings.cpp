#include "settings/settings.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

class TestSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaults()
    {
        qp::Settings s;
        QVERIFY(!s.load({}, QProcessEnvironment(), {}));
        QCOMPARE(s.string(u"host"), u"127.0.0.1"_s);
        QCOMPARE(s.integer(u"port"), 8765);
        QCOMPARE(s.integer(u"max_body_bytes"), 32 * 1024 * 1024);
        QCOMPARE(s.integer(u"token_refresh_buffer_ms"), 30000);
        QCOMPARE(s.string(u"default_model"), u"qwen3-coder-plus"_s);
    }

    void precedenceFlagEnvFile()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"config.json"_s);
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"port": 1111, "host": "0.0.0.0", "default_model": "from-file"})");
        f.close();
        QProcessEnvironment env;
        env.insert(u"PORT"_s, u"2222"_s);
        env.insert(u"DEFAULT_MODEL"_s, u"from-env"_s);
        qp::Settings s;
        QVERIFY(!s.load(file, env, {{u"port"_s, u"3333"_s}}));
        QCOMPARE(s.integer(u"port"), 3333);                  // flag beats env
        QCOMPARE(s.string(u"default_model"), u"from-env"_s); // env beats file
        QCOMPARE(s.string(u"host"), u"0.0.0.0"_s);           // file beats default
        QCOMPARE(s.source(u"port"), qp::Settings::Source::Cli);
    }

    void invalidValuesNameTheKey_data()
    {
        QTest::addColumn<QString>("env");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("mention");
        QTest::newRow("port not a number") << u"PORT"_s << u"eighty"_s << u"integer"_s;
        QTest::newRow("port out of range") << u"PORT"_s << u"70000"_s << u"0-65535"_s;
        QTest::newRow("log level") << u"LOG_LEVEL"_s << u"loud"_s << u"off, error"_s;
        QTest::newRow("bool") << u"DEBUG_LOG"_s << u"maybe"_s << u"true or false"_s;
        QTest::newRow("host with a port") << u"HOST"_s << u"127.0.0.1:8765"_s << u"IP address"_s;
        QTest::newRow("host as a URL") << u"HOST"_s << u"http://localhost"_s << u"host name"_s;
        QTest::newRow("language") << u"QP_LANGUAGE"_s << u"klingon"_s << u"en"_s;
        QTest::newRow("oauth base not http")
            << u"QWEN_OAUTH_BASE_URL"_s << u"chat.qwen.ai"_s << u"http"_s;
    }
    void invalidValuesNameTheKey()
    {
        QFETCH(QString, env);
        QFETCH(QString, value);
        QFETCH(QString, mention);
        QProcessEnvironment e;
        e.insert(env, value);
        qp::Settings s;
        const auto err = s.load({}, e, {});
        QVERIFY(err.has_value());
        QVERIFY2(err->message.startsWith(env + u":"_s), qPrintable(err->message));
        QVERIFY2(err->message.contains(mention), qPrintable(err->message));
    }

    // What the settings page offers: the hosts a user means, and the desktop app's own keys.
    void hostsAndDesktopKeys()
    {
        for (const QString &host :
             {u"127.0.0.1"_s, u"::1"_s, u"0.0.0.0"_s, u"localhost"_s, u"my-box.lan"_s}) {
            qp::Settings s;
            QVERIFY2(!s.set(u"host"_s, host), qPrintable(host));
        }
        qp::Settings s;
        QVERIFY(!s.load({}, QProcessEnvironment(), {}));
        QCOMPARE(s.string(u"language"), QString());
        QCOMPARE(s.boolean(u"start_minimized"), false);
        QVERIFY(!s.set(u"start_at_login"_s, true));
        QVERIFY(!s.set(u"language"_s, u"zh_CN"_s));
        QVERIFY(s.set(u"host"_s, u"local host"_s).has_value());
    }

    void malformedConfigFile()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"config.json"_s);
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{ not json");
        f.close();
        qp::Settings s;
        const auto err = s.load(file, QProcessEnvironment(), {});
        QVERIFY(err.has_value());
        QVERIFY(err->message.contains(file));
    }

    void saveIsAtomicPrivateAndKeepsSecretsOut()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"config.json"_s);
        QProcessEnvironment env;
        env.insert(u"OPENAI_API_KEY"_s, u"sk-secret-value-123456"_s);
        env.insert(u"PORT"_s, u"4444"_s);
        qp::Settings s;
        QVERIFY(!s.load(file, env, {}));
        QVERIFY(!s.set(u"default_model"_s, u"chosen"_s));
        QVERIFY(s.set(u"port"_s, u"-1"_s).has_value());
        QVERIFY(!s.save());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(!bytes.contains("sk-secret"));
        const QJsonObject o = QJsonDocument::fromJson(bytes).object();
        QCOMPARE(o.value(u"default_model"_s).toString(), u"chosen"_s);
        QVERIFY(!o.contains(u"port"_s)); // env values stay process-local
        QCOMPARE(f.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                 QFileDevice::Permissions());
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"

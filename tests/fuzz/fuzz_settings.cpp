// Settings (settings/settings.h) from any config file text, environment value and CLI value.
// Fields (0x1e between): the config file, then a value given to every setting's environment
// variable, then one given to every CLI flag. Properties:
//   - load() either fails with a message naming where the bad value came from, or every setting
//     then holds a value its own validator accepts;
//   - any JSON number for an integer setting is handled without undefined behaviour (no
//     float-to-integer overflow);
//   - what was loaded from the file saves and loads back to the same values.
#include "fuzzsupport.h"
#include "settings/settings.h"

#include <QFile>
#include <QTemporaryDir>

static QString writeFile(const QString &name, QByteArrayView bytes)
{
    static QTemporaryDir dir;
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qp::fuzz::fail("cannot write the config file", __FILE__, __LINE__);
    f.write(bytes.data(), bytes.size());
    return path;
}

static void checkValid(const qp::Settings &s)
{
    for (const qp::SettingSpec &spec : qp::settingSpecs()) {
        const QVariant v = s.value(spec.key);
        QP_FUZZ_CHECK(qp::Settings::parse(spec, v).has_value());
        if (spec.validate && s.source(spec.key) != qp::Settings::Source::Default)
            QP_FUZZ_CHECK(!spec.validate(v).has_value());
    }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16 * 1024)
        return 0;
    qp::fuzz::init();
    const auto f = qp::fuzz::fields(data, size, 3);
    const QString config = writeFile(QStringLiteral("config.json"), f[0]);

    // The file alone, then the file under environment and CLI values.
    qp::Settings fromFile;
    if (const auto error = fromFile.load(config, QProcessEnvironment(), {})) {
        QP_FUZZ_CHECK(!error->message.isEmpty());
    } else {
        checkValid(fromFile);
        const QString copy = writeFile(QStringLiteral("saved.json"), {});
        qp::Settings moved = fromFile;
        QFile::remove(copy);
        // save() writes to the file it loaded; point a copy at another path by loading it.
        QP_FUZZ_CHECK(!moved.load(copy, QProcessEnvironment(), {}));
        for (const qp::SettingSpec &spec : qp::settingSpecs())
            if (fromFile.source(spec.key) == qp::Settings::Source::File)
                QP_FUZZ_CHECK(!moved.set(spec.key, fromFile.value(spec.key)));
        QP_FUZZ_CHECK(!moved.save());
        qp::Settings reloaded;
        QP_FUZZ_CHECK(!reloaded.load(copy, QProcessEnvironment(), {}));
        for (const qp::SettingSpec &spec : qp::settingSpecs())
            QP_FUZZ_CHECK(reloaded.value(spec.key) == fromFile.value(spec.key));
    }

    QProcessEnvironment env;
    QHash<QString, QString> cli;
    const QString envValue = QString::fromUtf8(f[1]);
    const QString cliValue = QString::fromUtf8(f[2]);
    for (const qp::SettingSpec &spec : qp::settingSpecs()) {
        if (!spec.envVar.isEmpty() && !f[1].isEmpty())
            env.insert(spec.envVar, envValue);
        if (!spec.cliFlag.isEmpty() && !f[2].isEmpty())
            cli.insert(spec.cliFlag, cliValue);
    }
    qp::Settings all;
    if (const auto error = all.load(config, env, cli))
        QP_FUZZ_CHECK(!error->message.isEmpty());
    else
        checkValid(all);
    return 0;
}

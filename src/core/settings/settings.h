#pragma once
// Every setting is declared once (settingspecs.cpp): key, type, default, validator, environment
// variable and CLI flag. Precedence: CLI flag > environment > config file > default. An invalid
// value stops start-up with one line naming the key and what is accepted.

#include "common/error.h"

#include <QHash>
#include <QProcessEnvironment>
#include <QString>
#include <QVariant>
#include <functional>

namespace qp {

struct SettingSpec {
    enum class Type { String, Int, Bool };
    QString key;
    Type type = Type::String;
    QVariant defaultValue;
    QString envVar;  // empty: no env override
    QString cliFlag; // e.g. "port" for --port; empty: none
    // Returns an error text ("accepted: 1-65535") when the value is unacceptable.
    std::function<std::optional<QString>(const QVariant &)> validate;
    bool secret = false;   // never written to the config file, never logged
    bool persisted = true; // false: process-only (env/CLI)
    QString help;
};

const QList<SettingSpec> &settingSpecs();

class Settings
{
public:
    enum class Source { Default, File, Env, Cli, Runtime };

    Settings();

    // Loads the config file (if any), then env, then CLI overrides. Stops at the first invalid
    // value with Error{InvalidRequest, "<where>: invalid value '<v>' for <key>; accepted: ..."}.
    std::optional<Error> load(const QString &configFile, const QProcessEnvironment &env,
                              const QHash<QString, QString> &cliValues);

    QString string(QStringView key) const;
    qint64 integer(QStringView key) const;
    bool boolean(QStringView key) const;
    QVariant value(QStringView key) const;
    Source source(QStringView key) const;

    // Runtime change (UI, tests). Validated; persisted to the config file by save().
    std::optional<Error> set(const QString &key, const QVariant &value);
    std::optional<Error> save() const; // atomic (common/atomicfile.h), 0600

    QString configFile() const { return m_configFile; }

    static const SettingSpec *spec(QStringView key);
    // Parses a textual value (env, CLI, file) into the spec's type; nullopt when malformed.
    static std::optional<QVariant> parse(const SettingSpec &spec, const QVariant &raw);

private:
    QHash<QString, QVariant> m_values;
    QHash<QString, Source> m_sources;
    QString m_configFile;
};

} // namespace qp

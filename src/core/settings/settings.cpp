#include "settings/settings.h"

#include "common/atomicfile.h"
#include "common/jsoninteger.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace qp {

namespace {
QString describe(Settings::Source s, const SettingSpec &spec)
{
    switch (s) {
    case Settings::Source::Env:
        return spec.envVar;
    case Settings::Source::Cli:
        return u"--"_s + spec.cliFlag;
    case Settings::Source::File:
        return u"config file key "_s + spec.key;
    default:
        return spec.key;
    }
}
} // namespace

Settings::Settings()
{
    for (const auto &s : settingSpecs()) {
        m_values.insert(s.key, s.defaultValue);
        m_sources.insert(s.key, Source::Default);
    }
}

const SettingSpec *Settings::spec(QStringView key)
{
    for (const auto &s : settingSpecs())
        if (s.key == key)
            return &s;
    return nullptr;
}

std::optional<QVariant> Settings::parse(const SettingSpec &spec, const QVariant &raw)
{
    switch (spec.type) {
    case SettingSpec::Type::String:
        return raw.toString();
    case SettingSpec::Type::Int: {
        if (raw.typeId() == QMetaType::Double || raw.typeId() == QMetaType::LongLong ||
            raw.typeId() == QMetaType::Int) {
            // A fraction, or a number beyond any integer setting (1e300), is not an integer;
            // checked before converting, which would be undefined behaviour out of range.
            const double d = raw.toDouble();
            if (!(std::fabs(d) <= kJsonIntegerLimit) || d != std::trunc(d))
                return std::nullopt;
            return QVariant::fromValue(jsonInteger(d));
        }
        bool ok = false;
        const qint64 v = raw.toString().trimmed().toLongLong(&ok);
        if (!ok)
            return std::nullopt;
        return QVariant::fromValue(v);
    }
    case SettingSpec::Type::Bool: {
        if (raw.typeId() == QMetaType::Bool)
            return raw;
        const QString t = raw.toString().trimmed().toLower();
        if (t == u"1" || t == u"true" || t == u"yes" || t == u"on")
            return true;
        if (t == u"0" || t == u"false" || t == u"no" || t == u"off" || t.isEmpty())
            return false;
        return std::nullopt;
    }
    }
    return std::nullopt;
}

std::optional<Error> Settings::load(const QString &configFile, const QProcessEnvironment &env,
                                    const QHash<QString, QString> &cliValues)
{
    m_configFile = configFile;
    auto apply = [this](const SettingSpec &spec, const QVariant &raw,
                        Source src) -> std::optional<Error> {
        const auto parsed = parse(spec, raw);
        std::optional<QString> problem;
        if (!parsed) {
            problem = spec.type == SettingSpec::Type::Int    ? u"accepted: an integer"_s
                      : spec.type == SettingSpec::Type::Bool ? u"accepted: true or false"_s
                                                             : u"accepted: text"_s;
        } else if (spec.validate) {
            problem = spec.validate(*parsed);
        }
        if (problem) {
            const QString shown = spec.secret ? u"(hidden)"_s : u"'"_s + raw.toString() + u"'"_s;
            return Error::make(Error::Kind::InvalidRequest,
                               describe(src, spec) + u": invalid value "_s + shown + u" for "_s +
                                   spec.key + u"; "_s + *problem);
        }
        m_values.insert(spec.key, *parsed);
        m_sources.insert(spec.key, src);
        return std::nullopt;
    };

    if (!configFile.isEmpty()) {
        QFile f(configFile);
        if (f.open(QIODevice::ReadOnly)) {
            QJsonParseError err{};
            const auto doc = QJsonDocument::fromJson(f.readAll(), &err);
            if (err.error != QJsonParseError::NoError || !doc.isObject())
                return Error::make(Error::Kind::InvalidRequest, configFile +
                                                                    u": not a JSON object ("_s +
                                                                    err.errorString() + u")"_s);
            const QJsonObject o = doc.object();
            for (const auto &spec : settingSpecs()) {
                if (!spec.persisted || spec.secret || !o.contains(spec.key))
                    continue;
                if (auto e = apply(spec, o.value(spec.key).toVariant(), Source::File))
                    return e;
            }
        }
    }
    for (const auto &spec : settingSpecs()) {
        if (spec.envVar.isEmpty() || !env.contains(spec.envVar))
            continue;
        if (auto e = apply(spec, env.value(spec.envVar), Source::Env))
            return e;
    }
    for (const auto &spec : settingSpecs()) {
        if (spec.cliFlag.isEmpty() || !cliValues.contains(spec.cliFlag))
            continue;
        if (auto e = apply(spec, cliValues.value(spec.cliFlag), Source::Cli))
            return e;
    }
    return std::nullopt;
}

QVariant Settings::value(QStringView key) const
{
    Q_ASSERT_X(spec(key), "Settings::value", "undeclared setting");
    return m_values.value(key.toString());
}
QString Settings::string(QStringView key) const
{
    return value(key).toString();
}
qint64 Settings::integer(QStringView key) const
{
    return value(key).toLongLong();
}
bool Settings::boolean(QStringView key) const
{
    return value(key).toBool();
}
Settings::Source Settings::source(QStringView key) const
{
    return m_sources.value(key.toString(), Source::Default);
}

std::optional<Error> Settings::set(const QString &key, const QVariant &v)
{
    const SettingSpec *s = spec(key);
    if (!s)
        return Error::make(Error::Kind::InvalidRequest, u"unknown setting "_s + key);
    const auto parsed = parse(*s, v);
    if (!parsed)
        return Error::make(Error::Kind::InvalidRequest, u"invalid value for "_s + key);
    if (s->validate)
        if (auto p = s->validate(*parsed))
            return Error::make(Error::Kind::InvalidRequest,
                               u"invalid value for "_s + key + u"; "_s + *p);
    m_values.insert(key, *parsed);
    m_sources.insert(key, Source::Runtime);
    return std::nullopt;
}

std::optional<Error> Settings::save() const
{
    if (m_configFile.isEmpty())
        return std::nullopt;
    QJsonObject o;
    for (const auto &s : settingSpecs()) {
        const Source src = m_sources.value(s.key);
        // Only what the user chose to keep: values from env/CLI stay process-local.
        if (!s.persisted || s.secret || (src != Source::File && src != Source::Runtime))
            continue;
        o.insert(s.key, QJsonValue::fromVariant(m_values.value(s.key)));
    }
    return writeFileAtomically(m_configFile, QJsonDocument(o).toJson(QJsonDocument::Indented));
}

} // namespace qp

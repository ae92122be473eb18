#include "clientconfigwriter.h"

#include "common/atomicfile.h"
#include "tomledit.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace qp::clients {

namespace {

constexpr auto kProviderId = u"qwen-proxy";
constexpr auto kKeyVar = u"QWEN_PROXY_API_KEY"; // Qwen Code reads keys from a named variable
constexpr auto kBackupInfix = u".qwen-proxy-backup-";
constexpr auto kAbsentSuffix = u".absent";

Error invalid(const QString &message)
{
    return Error::make(Error::Kind::InvalidRequest, message);
}

// Sets obj[path...] = value, creating objects on the way; refuses to replace a non-object that
// is in the way (that is the user's data in a shape we do not know).
std::optional<Error> setPath(QJsonObject &obj, const QStringList &path, const QJsonValue &value)
{
    const QString &key = path.first();
    if (path.size() == 1) {
        obj.insert(key, value);
        return std::nullopt;
    }
    const QJsonValue current = obj.value(key);
    if (!current.isUndefined() && !current.isNull() && !current.isObject())
        return invalid(u"\"%1\" is not a JSON object"_s.arg(key));
    QJsonObject child = current.toObject();
    if (auto e = setPath(child, path.mid(1), value))
        return e;
    obj.insert(key, child);
    return std::nullopt;
}

std::optional<Error> mergeClaude(QJsonObject &root, const ClientEndpoints &e)
{
    // ANTHROPIC_AUTH_TOKEN goes out as "Authorization: Bearer"; ANTHROPIC_API_KEY would make
    // Claude Code ask once whether to trust the key. ANTHROPIC_SMALL_FAST_MODEL is the older
    // name of ANTHROPIC_DEFAULT_HAIKU_MODEL: both, so old and new versions ask for our model.
    const QList<QPair<QString, QString>> env{
        {u"ANTHROPIC_BASE_URL"_s, e.anthropicBaseUrl},
        {u"ANTHROPIC_AUTH_TOKEN"_s, e.apiKey},
        {u"ANTHROPIC_MODEL"_s, e.model},
        {u"ANTHROPIC_DEFAULT_HAIKU_MODEL"_s, e.smallModel},
        {u"ANTHROPIC_SMALL_FAST_MODEL"_s, e.smallModel},
    };
    for (const auto &[k, v] : env)
        if (auto err = setPath(root, {u"env"_s, k}, v))
            return err;
    return std::nullopt;
}

std::optional<Error> mergeQwenCode(QJsonObject &root, const ClientEndpoints &e)
{
    const QJsonValue providers = root.value(u"modelProviders"_s);
    if (!providers.isUndefined() && !providers.isObject())
        return invalid(u"\"modelProviders\" is not a JSON object"_s);
    const QJsonValue openai = providers.toObject().value(u"openai"_s);
    if (!openai.isUndefined() && !openai.isArray())
        return invalid(u"\"modelProviders.openai\" is not a JSON array"_s);
    // Ours first (the first entry with a model id wins in Qwen Code); the user's entries for other
    // endpoints stay, ours from an earlier write (same base URL) are replaced.
    QJsonArray list;
    QStringList models{e.model};
    if (e.smallModel != e.model)
        models << e.smallModel;
    for (const QString &m : models)
        list.append(QJsonObject{{u"id"_s, m},
                                {u"name"_s, QString(m + u" (Qwen Proxy)"_s)},
                                {u"baseUrl"_s, e.openAIBaseUrl},
                                {u"envKey"_s, QString::fromUtf16(kKeyVar)}});
    for (const QJsonValue &v : openai.toArray())
        if (v.toObject().value(u"baseUrl"_s).toString() != e.openAIBaseUrl)
            list.append(v);
    if (auto err = setPath(root, {u"modelProviders"_s, u"openai"_s}, list))
        return err;
    if (auto err = setPath(root, {u"env"_s, QString::fromUtf16(kKeyVar)}, e.apiKey))
        return err;
    if (auto err = setPath(root, {u"security"_s, u"auth"_s, u"selectedType"_s}, u"openai"_s))
        return err;
    return setPath(root, {u"model"_s, u"name"_s}, e.model);
}

std::optional<Error> mergeOpencode(QJsonObject &root, const ClientEndpoints &e)
{
    if (!root.contains(u"$schema"_s))
        root.insert(u"$schema"_s, u"https://opencode.ai/config.json"_s);
    QJsonObject models{{e.model, QJsonObject{{u"name"_s, e.model}}}};
    models.insert(e.smallModel, QJsonObject{{u"name"_s, e.smallModel}});
    const QJsonObject provider{
        {u"npm"_s, u"@ai-sdk/openai-compatible"_s},
        {u"name"_s, u"Qwen Proxy"_s},
        {u"options"_s, QJsonObject{{u"baseURL"_s, e.openAIBaseUrl}, {u"apiKey"_s, e.apiKey}}},
        {u"models"_s, models},
    };
    const QString id = QString::fromUtf16(kProviderId);
    if (auto err = setPath(root, {u"provider"_s, id}, provider))
        return err;
    root.insert(u"model"_s, QString(id + u'/' + e.model));
    root.insert(u"small_model"_s, QString(id + u'/' + e.smallModel));
    return std::nullopt;
}

// `text` with its comments and trailing commas blanked out (spaces, newlines kept), so that a
// file in the JSONC dialect opencode and Qwen Code accept parses as JSON. Only to tell such a
// file from a broken one: the result is never written anywhere.
QByteArray withoutJsoncExtras(const QByteArray &text)
{
    QByteArray out = text;
    const qsizetype n = out.size();
    qsizetype lastComma = -1; // a comma outside strings with only blanks after it so far
    bool inString = false;
    for (qsizetype i = 0; i < n; ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '/' && i + 1 < n && (text[i + 1] == '/' || text[i + 1] == '*')) {
            const bool line = text[i + 1] == '/';
            qsizetype j = i;
            while (j < n &&
                   !(line ? text[j] == '\n' : j > i + 2 && text[j - 1] == '*' && text[j] == '/')) {
                if (out[j] != '\n')
                    out[j] = ' ';
                ++j;
            }
            if (!line && j < n)
                out[j] = ' ';
            i = j;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if ((c == '}' || c == ']') && lastComma >= 0)
            out[lastComma] = ' ';
        lastComma = c == ',' ? i : -1;
        if (c == '"')
            inString = true;
    }
    return out;
}

Result<QByteArray> mergeJson(const ClientProfile &client, const QByteArray &existing,
                             const ClientEndpoints &e)
{
    QJsonObject root;
    if (!existing.trimmed().isEmpty()) {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(existing, &pe);
        if (pe.error != QJsonParseError::NoError) {
            QByteArray text = existing;
            if (client.acceptsJsonComments) {
                // Comments and trailing commas are the client's own dialect (opencode, Qwen
                // Code). Rewriting the file through QJsonDocument would drop every comment, so
                // we refuse and say what to do instead; the file stays exactly as it is.
                text = withoutJsoncExtras(existing);
                if (QJsonDocument::fromJson(text, &pe).isObject())
                    return invalid(u"it has comments or trailing commas, which %1 reads but "
                                   u"qwen-proxy does not rewrite, so that none of them is lost: "
                                   u"paste the settings into it by hand"_s.arg(client.displayName));
            }
            if (pe.error != QJsonParseError::NoError) {
                // Broken even in the client's dialect: where. The blanked comments kept every
                // offset, so the position is the file's own.
                const QByteArray before = text.left(pe.offset);
                const qsizetype line = before.count('\n') + 1;
                const qsizetype column = pe.offset - (before.lastIndexOf('\n') + 1) + 1;
                return invalid(
                    u"it is not valid JSON (%1 at line %2, column %3%4)"_s.arg(pe.errorString())
                        .arg(line)
                        .arg(column)
                        .arg(client.acceptsJsonComments
                                 ? QString()
                                 : u"; comments and trailing commas are not supported"_s));
            }
            return invalid(u"it does not hold a JSON object"_s);
        }
        if (!doc.isObject())
            return invalid(u"it does not hold a JSON object"_s);
        root = doc.object();
    }
    std::optional<Error> err;
    if (client.id == u"claude-code")
        err = mergeClaude(root, e);
    else if (client.id == u"qwen-code")
        err = mergeQwenCode(root, e);
    else if (client.id == u"opencode")
        err = mergeOpencode(root, e);
    if (err)
        return *err;
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QString tomlString(const QString &s)
{
    QString out = s;
    out.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
    return u'"' + out + u'"';
}

Result<QByteArray> mergeCodex(const QByteArray &existing, const ClientEndpoints &e)
{
    // wire_api = "responses": current Codex releases speak only the Responses API, which the
    // proxy serves at /v1/responses (docs/responses-api.md). The key rides in the provider table,
    // so Codex needs no environment variable and no login.
    const QString id = QString::fromUtf16(kProviderId);
    TomlEdit edit;
    edit.topLevel = {{u"model_provider"_s, tomlString(id)}, {u"model"_s, tomlString(e.model)}};
    edit.tablePath = {u"model_providers"_s, id};
    edit.tableBody = {{u"name"_s, tomlString(u"Qwen Proxy"_s)},
                      {u"base_url"_s, tomlString(e.openAIBaseUrl)},
                      {u"wire_api"_s, tomlString(u"responses"_s)},
                      {u"experimental_bearer_token"_s, tomlString(e.apiKey)}};
    auto out = applyTomlEdit(existing, edit);
    if (!out)
        return invalid(out.error().message);
    return out.value();
}

QString shellLine(const QString &name, const QString &value)
{
    return u"export "_s + name + u'=' + value + u'\n';
}

struct BackupName {
    QString path;
    QString stamp;
    int counter = 0;
    bool absent = false;
};

} // namespace

ClientConfigWriter::ClientConfigWriter(QString homeDir, QProcessEnvironment env)
    : m_home(std::move(homeDir)), m_env(std::move(env))
{}

ClientConfigWriter ClientConfigWriter::forCurrentUser()
{
    return ClientConfigWriter(QDir::homePath(), QProcessEnvironment::systemEnvironment());
}

QString ClientConfigWriter::variableInEffect(const ClientProfile &client) const
{
    const QString &var = client.location.dirVariable;
    // Every client here treats an empty value as unset.
    return !var.isEmpty() && !m_env.value(var).isEmpty() ? var : QString();
}

QString ClientConfigWriter::configDir(const ClientProfile &client) const
{
    const ConfigLocation &loc = client.location;
    const QString var = variableInEffect(client);
    if (var.isEmpty())
        return QDir(m_home).filePath(loc.defaultDir);
    QString dir = m_env.value(var);
    if (loc.expandTilde && (dir == u"~" || dir.startsWith(u"~/") || dir.startsWith(u"~\\")))
        dir = m_home + dir.mid(1);
    // A relative value means what it means to the client started from the same directory.
    dir = QDir::cleanPath(QDir::current().absoluteFilePath(dir));
    return loc.underVariable.isEmpty() ? dir : QDir(dir).filePath(loc.underVariable);
}

QString ClientConfigWriter::configPath(const ClientProfile &client) const
{
    if (!client.hasConfigFile())
        return {};
    const QDir dir(configDir(client));
    for (const QString &name : client.location.fileNames)
        if (QFileInfo::exists(dir.filePath(name)))
            return dir.filePath(name);
    return dir.filePath(client.location.fileNames.last());
}

Result<QByteArray> ClientConfigWriter::merge(const ClientProfile &client,
                                             const QByteArray &existing, const ClientEndpoints &e)
{
    switch (client.format) {
    case ConfigFormat::Json:
        return mergeJson(client, existing, e);
    case ConfigFormat::Toml:
        return mergeCodex(existing, e);
    case ConfigFormat::None:
        break;
    }
    return invalid(
        u"%1 has no config file: set the environment variables instead"_s.arg(client.displayName));
}

QString ClientConfigWriter::snippet(const ClientProfile &client, const ClientEndpoints &e)
{
    if (client.format == ConfigFormat::None)
        return environmentSnippet(client, e);
    // What a new file would hold is exactly what we merge into an existing one.
    auto merged = merge(client, {}, e);
    return merged ? QString::fromUtf8(merged.value()) : QString();
}

QString ClientConfigWriter::environmentSnippet(const ClientProfile &client,
                                               const ClientEndpoints &e)
{
    if (client.id == u"claude-code")
        return shellLine(u"ANTHROPIC_BASE_URL"_s, e.anthropicBaseUrl) +
               shellLine(u"ANTHROPIC_AUTH_TOKEN"_s, e.apiKey) +
               shellLine(u"ANTHROPIC_MODEL"_s, e.model) +
               shellLine(u"ANTHROPIC_DEFAULT_HAIKU_MODEL"_s, e.smallModel);
    if (client.id == u"qwen-code")
        return shellLine(u"OPENAI_BASE_URL"_s, e.openAIBaseUrl) +
               shellLine(u"OPENAI_API_KEY"_s, e.apiKey) + shellLine(u"OPENAI_MODEL"_s, e.model);
    if (client.id == u"openai-sdk")
        return shellLine(u"OPENAI_BASE_URL"_s, e.openAIBaseUrl) +
               shellLine(u"OPENAI_API_KEY"_s, e.apiKey) + u"# model: "_s + e.model + u'\n';
    if (client.id == u"anthropic-sdk")
        return shellLine(u"ANTHROPIC_BASE_URL"_s, e.anthropicBaseUrl) +
               shellLine(u"ANTHROPIC_API_KEY"_s, e.apiKey) + u"# model: "_s + e.model + u'\n';
    return {};
}

QStringList ClientConfigWriter::backups(const ClientProfile &client) const
{
    const QString path = configPath(client);
    if (path.isEmpty())
        return {};
    const QFileInfo fi(path);
    static const QRegularExpression re(u"^(\\d{8}T\\d{6}Z)(?:-(\\d+))?(\\.absent)?$"_s);
    const QString prefix = fi.fileName() + QString::fromUtf16(kBackupInfix);
    QList<BackupName> found;
    const QStringList names =
        QDir(fi.absolutePath()).entryList({prefix + u'*'}, QDir::Files | QDir::Hidden);
    for (const QString &name : names) {
        const auto m = re.match(name.mid(prefix.size()));
        if (!m.hasMatch())
            continue;
        found.append({fi.absoluteDir().filePath(name), m.captured(1), m.captured(2).toInt(),
                      m.hasCaptured(3)});
    }
    std::sort(found.begin(), found.end(), [](const BackupName &a, const BackupName &b) {
        return a.stamp != b.stamp ? a.stamp > b.stamp : a.counter > b.counter;
    });
    QStringList out;
    for (const BackupName &b : found)
        out << b.path;
    return out;
}

Result<WriteOutcome> ClientConfigWriter::write(const ClientProfile &client,
                                               const ClientEndpoints &e,
                                               const QDateTime &nowUtc) const
{
    WriteOutcome out;
    out.path = configPath(client);
    if (out.path.isEmpty())
        return invalid(u"%1 has no config file: set the environment variables instead"_s.arg(
            client.displayName));
    const QFileInfo fi(out.path);
    const bool exists = fi.exists();
    QByteArray existing;
    if (exists) {
        if (!fi.isFile())
            return invalid(u"%1 is not a regular file; it was left as it is"_s.arg(out.path));
        QFile f(out.path);
        if (!f.open(QIODevice::ReadOnly))
            return invalid(u"cannot read %1: %2"_s.arg(out.path, f.errorString()));
        existing = f.readAll();
    }
    auto merged = merge(client, existing, e);
    if (!merged)
        return invalid(u"%1: %2; it was left as it is"_s.arg(out.path, merged.error().message));
    if (exists && merged.value() == existing)
        return out;
    if (!QDir().mkpath(fi.absolutePath()))
        return invalid(u"cannot create the folder %1"_s.arg(fi.absolutePath()));

    // The backup first: if it cannot be made, the file is not touched.
    const QString base = out.path + QString::fromUtf16(kBackupInfix) +
                         nowUtc.toUTC().toString(u"yyyyMMdd'T'HHmmss'Z'");
    QString backup;
    for (int n = 0; backup.isEmpty(); ++n) {
        const QString candidate = n == 0 ? base : base + u'-' + QString::number(n);
        if (!QFile::exists(candidate) &&
            !QFile::exists(candidate + QString::fromUtf16(kAbsentSuffix)))
            backup = candidate;
    }
    if (exists) {
        // QFile::copy keeps the permissions: a settings file holding keys stays private.
        if (!QFile::copy(out.path, backup))
            return invalid(u"cannot back up %1 to %2; nothing was changed"_s.arg(out.path, backup));
    } else {
        backup += QString::fromUtf16(kAbsentSuffix);
        QFile marker(backup);
        if (!marker.open(QIODevice::WriteOnly))
            return invalid(
                u"cannot write %1: %2; nothing was changed"_s.arg(backup, marker.errorString()));
    }
    // The client's own settings: keep their mode (a new file is the user's alone), and leave
    // them whole when the disk is full.
    const QFileDevice::Permissions mode = exists ? QFile::permissions(out.path) : kOwnerReadWrite;
    if (auto failed = writeFileAtomically(out.path, merged.value(), mode)) {
        QFile::remove(backup);
        return invalid(failed->message);
    }
    out.backupPath = backup;
    out.changed = true;
    return out;
}

Result<RestoreOutcome> ClientConfigWriter::restore(const ClientProfile &client) const
{
    RestoreOutcome out;
    out.path = configPath(client);
    const QStringList all = backups(client);
    if (all.isEmpty())
        return Error::make(Error::Kind::NotFound,
                           u"there is no backup of %1 to restore"_s.arg(
                               out.path.isEmpty() ? client.displayName : out.path));
    out.backupPath = all.first();
    if (out.backupPath.endsWith(QString::fromUtf16(kAbsentSuffix))) {
        // There was no file before our first write: undoing it means removing the file.
        if (QFile::exists(out.path) && !QFile::remove(out.path))
            return invalid(u"cannot remove %1"_s.arg(out.path));
        out.removed = true;
    } else {
        QFile b(out.backupPath);
        if (!b.open(QIODevice::ReadOnly))
            return invalid(u"cannot read %1: %2"_s.arg(out.backupPath, b.errorString()));
        const QByteArray bytes = b.readAll();
        b.close();
        if (auto failed = writeFileAtomically(out.path, bytes, QFile::permissions(out.backupPath)))
            return invalid(failed->message);
    }
    QFile::remove(out.backupPath);
    return out;
}

} // namespace qp::clients

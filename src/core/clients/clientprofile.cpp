#include "clientprofile.h"

using namespace Qt::StringLiterals;

namespace qp::clients {

ClientEndpoints endpointsFor(const QString &host, int port, const QString &model,
                             const QString &smallModel)
{
    QString h = host;
    if (h.isEmpty() || h == u"0.0.0.0" || h == u"::" || h == u"*")
        h = u"127.0.0.1"_s;
    if (h.contains(u':'))
        h = u"["_s + h + u"]"_s;
    ClientEndpoints e;
    e.anthropicBaseUrl = u"http://%1:%2"_s.arg(h).arg(port);
    e.openAIBaseUrl = e.anthropicBaseUrl + u"/v1"_s;
    e.apiKey = QString::fromUtf16(kPlaceholderKey);
    e.model = model;
    e.smallModel = smallModel.isEmpty() ? model : smallModel;
    return e;
}

const QList<ClientProfile> &clientProfiles()
{
    // Sources for each location are in docs/clients.md ("Where each client looks").
    static const QList<ClientProfile> profiles{
        {u"claude-code"_s,
         u"Claude Code"_s,
         ConfigFormat::Json,
         {u"CLAUDE_CONFIG_DIR"_s, QString(), u".claude"_s, {u"settings.json"_s}},
         true,
         false},
        {u"codex"_s,
         u"Codex CLI"_s,
         ConfigFormat::Toml,
         {u"CODEX_HOME"_s, QString(), u".codex"_s, {u"config.toml"_s}},
         false,
         false},
        {u"qwen-code"_s,
         u"Qwen Code"_s,
         ConfigFormat::Json,
         {u"QWEN_HOME"_s, QString(), u".qwen"_s, {u"settings.json"_s}, true},
         false,
         true},
        // opencode reads both names (and merges opencode.jsonc last, so its values win).
        {u"opencode"_s,
         u"opencode"_s,
         ConfigFormat::Json,
         {u"XDG_CONFIG_HOME"_s,
          u"opencode"_s,
          u".config/opencode"_s,
          {u"opencode.jsonc"_s, u"opencode.json"_s}},
         false,
         true},
        {u"openai-sdk"_s, u"OpenAI SDKs"_s, ConfigFormat::None, {}, false, false},
        {u"anthropic-sdk"_s, u"Anthropic SDKs"_s, ConfigFormat::None, {}, true, false},
    };
    return profiles;
}

const ClientProfile *findClient(QStringView id)
{
    for (const ClientProfile &p : clientProfiles())
        if (p.id == id)
            return &p;
    return nullptr;
}

} // namespace qp::clients

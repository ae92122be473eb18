#include "upstream/quirks.h"

#include "models/modelcatalog.h"
#include "upstream/upstream.h"

using namespace Qt::StringLiterals;

namespace qp {

namespace {
bool isAlibabaHost(const QString &host)
{
    const QString h = host.toLower();
    for (const QString &d : {u"aliyuncs.com"_s, u"alibabacloud.com"_s, u"qwen.ai"_s})
        if (h == d || h.endsWith(u'.' + d))
            return true;
    return false;
}
} // namespace

const QList<QuirkRow> &quirkTable()
{
    // clang-format off
    static const QList<QuirkRow> rows = {
        {Quirk::DashScopeHeaders, "dashscope-headers", ProfileQwen, "*", false,
         "DashScope identifies the client by User-Agent and X-DashScope-UserAgent (QwenCode/<v>); "
         "Alibaba's WAF answers unknown agents with an HTML page. Other upstreams get "
         "qwen-proxy's own User-Agent and no X-DashScope-* header."},
        {Quirk::OAuthAuthTypeHeader, "dashscope-oauth-authtype", ProfileQwenOAuth, "*", false,
         "X-DashScope-AuthType: qwen-oauth tells the portal the bearer is an OAuth token; an "
         "API key sent with it is the wrong credential kind, so key plans never send it."},
        {Quirk::QwenOnlyFields, "qwen-only-fields", ProfileQwen, "*", false,
         "enable_thinking, thinking_budget, repetition_penalty, top_k, vl_high_resolution_images "
         "and preserve_thinking are DashScope extensions; other upstreams reject or misread them."},
        {Quirk::ReasoningEffortToThinking, "reasoning-effort-to-thinking", ProfileQwen, "*", false,
         "Qwen switches reasoning with enable_thinking: reasoning_effort:\"none\" or "
         "reasoning.effort:\"none\" turns it off; reasoning.effort low/medium/high sets it on "
         "with a budget. An explicit enable_thinking wins."},
        {Quirk::StandardFieldsOnly, "standard-fields-only", ProfileStrict, "*", false,
         "Strict providers answer 400 to any field outside the OpenAI chat schema."},
        {Quirk::NoEmptyTools, "no-empty-tools", ProfileAny, "*", false,
         "Several providers reject `tools: []` (and a tool_choice without tools); qwen-code never "
         "sends one."},
        {Quirk::MaxTokensCap, "max-tokens-cap", ProfileAny, "*", false,
         "Asking for more output tokens than the model can give is a 400 on DashScope; the "
         "catalogue's cap is applied (unknown models: no clamp)."},
        {Quirk::ThinkingOffForForcedTools, "thinking-off-for-forced-tools", ProfileQwen,
         "qwen3.8-max*", true,
         "Thinking models (qwen3.8-max thinks by default) reject tool_choice \"required\" or a "
         "named function while thinking. Thinking is turned off for such a request, so the "
         "forced call the client asked for still happens; downgrading tool_choice to \"auto\" "
         "would keep thinking but let the model answer without calling the tool."},
        {Quirk::HtmlIsBlock, "html-is-block", ProfileAny, "*", false,
         "An HTML page where JSON or SSE was due (a firewall or captcha page, often with 200) is "
         "an upstream block: 502 with a clear message, never a JSON parse error."},
    };
    // clang-format on
    return rows;
}

UpstreamProfile profileOf(const Upstream &u)
{
    if (u.strictFields)
        return UpstreamProfile::Strict;
    if (u.auth == Upstream::Auth::QwenOAuth)
        return UpstreamProfile::QwenOAuth;
    if (u.qwenQuirks || isAlibabaHost(u.baseUrl.host()))
        return UpstreamProfile::QwenKey;
    return UpstreamProfile::Generic;
}

unsigned profileBit(UpstreamProfile p)
{
    switch (p) {
    case UpstreamProfile::QwenOAuth:
        return ProfileQwenOAuth;
    case UpstreamProfile::QwenKey:
        return ProfileQwenKey;
    case UpstreamProfile::Generic:
        return ProfileGeneric;
    case UpstreamProfile::Strict:
        return ProfileStrict;
    }
    return ProfileGeneric;
}

QString profileName(UpstreamProfile p)
{
    switch (p) {
    case UpstreamProfile::QwenOAuth:
        return u"qwen-oauth"_s;
    case UpstreamProfile::QwenKey:
        return u"qwen-key"_s;
    case UpstreamProfile::Generic:
        return u"generic"_s;
    case UpstreamProfile::Strict:
        return u"strict"_s;
    }
    return u"generic"_s;
}

QuirkSet quirksFor(const Upstream &upstream, const QString &model, const ModelCatalog *catalog)
{
    QuirkSet set;
    set.profile = profileOf(upstream);
    const unsigned bit = profileBit(set.profile);
    const ModelInfo *info = catalog && !model.isEmpty() ? catalog->find(model) : nullptr;
    for (const QuirkRow &row : quirkTable()) {
        if (!(row.profiles & bit))
            continue;
        // Most rows apply to every model: no pattern to build on this per-request path.
        const bool byGlob = (row.modelGlob[0] == '*' && row.modelGlob[1] == '\0') ||
                            globMatches(QString::fromLatin1(row.modelGlob), model);
        const bool byCatalog = row.alsoCatalogThinkers && info && info->thinksByDefault;
        if (byGlob || byCatalog)
            set.active.append(row.quirk);
    }
    if (set.has(Quirk::MaxTokensCap) && info)
        set.maxTokensCap = info->maxOutputTokens;
    return set;
}

const QList<QString> &standardChatFields()
{
    static const QList<QString> fields = {
        u"model"_s,
        u"messages"_s,
        u"temperature"_s,
        u"top_p"_s,
        u"n"_s,
        u"stream"_s,
        u"stream_options"_s,
        u"stop"_s,
        u"max_tokens"_s,
        u"max_completion_tokens"_s,
        u"presence_penalty"_s,
        u"frequency_penalty"_s,
        u"logit_bias"_s,
        u"logprobs"_s,
        u"top_logprobs"_s,
        u"user"_s,
        u"tools"_s,
        u"tool_choice"_s,
        u"parallel_tool_calls"_s,
        u"response_format"_s,
        u"seed"_s,
        u"reasoning_effort"_s,
        u"service_tier"_s,
        u"metadata"_s,
        u"store"_s,
        u"modalities"_s,
        u"prediction"_s,
        u"audio"_s,
    };
    return fields;
}

const QList<QString> &qwenOnlyChatFields()
{
    static const QList<QString> fields = {
        u"enable_thinking"_s, u"thinking_budget"_s,           u"repetition_penalty"_s,
        u"top_k"_s,           u"vl_high_resolution_images"_s, u"preserve_thinking"_s,
    };
    return fields;
}

} // namespace qp

#pragma once
// Upstream quirks per provider and model, in ONE table (issue 15 §6, docs/quirks.md).
//
// Each row says which kind of upstream it applies to (a profile), which models (a glob, plus the
// catalogue's "thinks by default" mark where the row says so) and what it does. quirksFor() picks
// the rows for one upstream and model; the request body (protocol/openaichat.cpp), the request
// headers (upstream/chatcall.cpp) and the response side (upstream/upstreamerror.cpp) act on the
// set it returns and on nothing else: no other code decides "is this Qwen?".

#include <QList>
#include <QString>

namespace qp {

struct Upstream;
class ModelCatalog;

// What kind of upstream this is, decided once from the Upstream value.
enum class UpstreamProfile {
    QwenOAuth, // Qwen OAuth accounts (portal.qwen.ai): DashScope flavour, OAuth headers
    QwenKey,   // Alibaba API-key plans (DashScope, Model Studio, Coding/Token Plan)
    Generic,   // any other OpenAI-compatible server (OpenRouter, Ollama, vLLM, LM Studio, ...)
    Strict,    // a provider that rejects anything but the standard OpenAI chat fields
};

enum ProfileBit : unsigned {
    ProfileQwenOAuth = 1u << 0,
    ProfileQwenKey = 1u << 1,
    ProfileGeneric = 1u << 2,
    ProfileStrict = 1u << 3,
    ProfileQwen = ProfileQwenOAuth | ProfileQwenKey,
    ProfileAny = ProfileQwen | ProfileGeneric | ProfileStrict,
};

enum class Quirk {
    DashScopeHeaders,          // User-Agent QwenCode/..., X-DashScope-UserAgent, -CacheControl
    OAuthAuthTypeHeader,       // X-DashScope-AuthType: qwen-oauth (OAuth accounts only)
    QwenOnlyFields,            // enable_thinking & co are forwarded (dropped everywhere else)
    ReasoningEffortToThinking, // reasoning(_effort) "none" -> enable_thinking:false, & co
    StandardFieldsOnly,        // everything outside the OpenAI chat schema is dropped
    NoEmptyTools,              // `tools: []` never sent (nor tool_choice/parallel_tool_calls)
    MaxTokensCap,              // max_tokens / max_completion_tokens clamped to the model's cap
    ThinkingOffForForcedTools, // thinking models reject tool_choice "required" while thinking
    HtmlIsBlock,               // an HTML page where JSON was due is an upstream block (502)
};

struct QuirkRow {
    Quirk quirk;
    const char *name;  // stable, for logs, docs and tests
    unsigned profiles; // ProfileBit mask
    const char *modelGlob;
    bool alsoCatalogThinkers; // the row also matches models the catalogue marks thinksByDefault
    const char *why;
};

// The table, in order. Tests walk it; docs/quirks.md describes each row.
const QList<QuirkRow> &quirkTable();

struct QuirkSet {
    UpstreamProfile profile = UpstreamProfile::Generic;
    QList<Quirk> active;
    qint64 maxTokensCap = 0; // MaxTokensCap: the model's output cap (0: unknown, no clamp)
    bool has(Quirk q) const { return active.contains(q); }
};

UpstreamProfile profileOf(const Upstream &upstream);
unsigned profileBit(UpstreamProfile p);
QString profileName(UpstreamProfile p);
// The rows that apply to `model` on `upstream`; the catalogue (optional) gives caps and thinkers.
QuirkSet quirksFor(const Upstream &upstream, const QString &model,
                   const ModelCatalog *catalog = nullptr);

// The standard OpenAI chat/completions request fields: all a strict provider gets.
const QList<QString> &standardChatFields();
// Fields only Qwen (DashScope) understands: never sent to other upstreams.
const QList<QString> &qwenOnlyChatFields();

} // namespace qp

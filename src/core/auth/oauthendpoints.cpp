#include "auth/oauthendpoints.h"

#include "settings/settings.h"

namespace qp {

OAuthConfig OAuthConfig::fromSettings(const Settings &s)
{
    OAuthConfig c = fromBase(QUrl(s.string(u"qwen_oauth_base_url")), s.string(u"qwen_client_id"),
                             s.string(u"qwen_scope"));
    const QString dce = s.string(u"qwen_device_code_endpoint");
    const QString te = s.string(u"qwen_token_endpoint");
    if (!dce.isEmpty() || !te.isEmpty())
        c = c.withEndpoints(dce.isEmpty() ? c.deviceCodeEndpoint : QUrl(dce),
                            te.isEmpty() ? c.tokenEndpoint : QUrl(te));
    return c;
}

} // namespace qp

#include "cliruntime.h"

#include "console.h"
#include "runtime.h"

using namespace Qt::StringLiterals;

namespace qp::cli {

std::unique_ptr<Runtime> openRuntime(const ParsedArgs &parsed)
{
    RuntimeOptions opts;
    opts.dataDir = parsed.values.value(u"data-dir"_s);
    opts.configFile = parsed.values.value(u"config"_s);
    auto created = Runtime::create(opts);
    if (!created) {
        console::err(u"qwen-proxy: "_s + created.error().message);
        return nullptr;
    }
    return std::move(created.value());
}

} // namespace qp::cli

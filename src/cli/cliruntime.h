#pragma once
// The Runtime of a command that works on the data dir without serving (auth, usage): --data-dir
// and --config are honoured; when it cannot be opened the error line is printed and null returned.

#include "cliargs.h"

#include <QEventLoop>
#include <functional>
#include <memory>

namespace qp {
class Runtime;
}

namespace qp::cli {

std::unique_ptr<Runtime> openRuntime(const ParsedArgs &parsed);

// Runs an asynchronous core operation to its answer: the CLI has nothing else to do meanwhile.
// `start` gets the callback to hand to the operation.
template <typename T> T awaitAnswer(const std::function<void(std::function<void(T)>)> &start)
{
    std::optional<T> out;
    QEventLoop loop;
    start([&](T v) {
        out = std::move(v);
        loop.quit();
    });
    if (!out)
        loop.exec();
    return std::move(*out);
}

} // namespace qp::cli

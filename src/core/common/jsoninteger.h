#pragma once
// JSON numbers are doubles; converting one to an integer type is undefined behaviour when it does
// not fit (a client's max_tokens of 1e300, an upstream's usage, an expiry_date in a credentials
// file), and the sanitizers only catch that in the fuzz build. Every such conversion of a
// number that came from outside goes through here.

#include <QtGlobal>
#include <algorithm>
#include <cmath>

namespace qp {

// The integers a double holds exactly: anything larger is not a count or a time anyone meant,
// and sums of a few such values still fit in 64 bits.
inline constexpr double kJsonIntegerLimit = 9007199254740992.0; // 2^53

// `d` truncated toward zero and clamped to +-2^53; NaN is 0.
inline qint64 jsonInteger(double d)
{
    if (std::isnan(d))
        return 0;
    return qint64(std::clamp(std::trunc(d), -kJsonIntegerLimit, kJsonIntegerLimit));
}

} // namespace qp

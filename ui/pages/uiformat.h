#pragma once
// Small display helpers the pages share: compact counts, local times, "in 3h 05m", state names in
// plain words, and a quota window as one line. Display only; no rule of the pool lives here.

#include "common/compactcount.h"
#include "pool/quotameter.h"

#include <QColor>
#include <QString>

namespace qp::ui {

using qp::compactCount; // the CLI's figures, so the pages print the same

// Local time of day for today, else date and time.
QString localTime(qint64 ms, qint64 nowMs);
// "in 58m", "in 3h 05m", "in 2d 4h".
QString inText(qint64 fromMs, qint64 toMs);
// "healthy" -> "Ready", "needs_login" -> "Needs login", ...
QString stateText(const QString &poolState);
// A colour per state for the small marker next to the text (the text says it too).
QColor stateColor(const QString &poolState);
// "312/1200 req, 1.2M/5M tok".
QString windowUsedText(const QuotaMeter::WindowUse &w);
// "resets 15:01 (in 3h 05m)", or "nothing counted" for an idle rolling window.
QString windowResetText(const QuotaMeter::WindowUse &w, qint64 nowMs);

} // namespace qp::ui

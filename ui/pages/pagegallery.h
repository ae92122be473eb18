#pragma once
// Renders every page of the main window offscreen to PNG with seeded demo data: an engine on a
// temporary data dir (memory secret store, port 0, no network needed), two Qwen OAuth logins and
// two API-key providers, a week of usage and some quota use. For `qwen-proxy-tray --screenshot`
// and for looking at the pages while working on them.
//
// Blocks in a local event loop until done (seconds): meant for a screenshot run, not for a
// running app. Files: <dir>/<page>-<theme>-<W>x<H>.png, page in accounts, providers, usage,
// logs, clients, settings; theme light or dark.

#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>

namespace qp {

struct PageGalleryOptions {
    QList<QSize> sizes{{900, 600}, {1400, 900}};
    bool light = true;
    bool dark = true;
    QString filePrefix; // put before each file name, e.g. "zh_CN-"
};

// Returns the files written; on failure an empty list and `error` says why.
QStringList renderPageGallery(const QString &dir, const PageGalleryOptions &options = {},
                              QString *error = nullptr);

} // namespace qp

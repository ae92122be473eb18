#include "screenshots.h"

#include "auth/freetierended.h"
#include "login/loginwindow.h"
#include "pages/pagegallery.h"
#include "pool/quotameter.h"
#include "tray/trayicon.h"
#include "tray/traymenu.h"
#include "tray/traystatus.h"

#include <QApplication>
#include <QDir>
#include <QPainter>
#include <QStyle>
#include <QStyleFactory>
#include <QTextStream>
#include <QTranslator>
#include <cstring>

using namespace Qt::StringLiterals;

namespace qp::screenshots {

namespace {

// 2026-12-07 10:00 UTC: every picture shows the same times.
constexpr qint64 kNowMs = 1796637600000;
constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 60 * kMinute;

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2b, 0x2e), base(0x1e, 0x1e, 0x21), text(0xe8, 0xe8, 0xea);
    const QColor disabled(0x8a, 0x8a, 0x90);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3e));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x48, 0x48, 0x4d));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3a, 0x3e));
    p.setColor(QPalette::Mid, QColor(0x24, 0x24, 0x27));
    p.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x1a));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

QList<QuotaMeter::WindowUse> windowsOf(const char *preset,
                                       std::initializer_list<std::pair<qint64, qint64>> uses)
{
    // Real meter arithmetic, so reset times and fractions are what the app would show.
    QuotaMeter meter(QuotaPlan::preset(QString::fromLatin1(preset)).value());
    for (const auto &[agoMs, requests] : uses)
        meter.record(kNowMs - agoMs, requests, requests * 2600);
    return meter.windows(kNowMs);
}

TrayInput demoInput()
{
    TrayInput in;
    in.nowMs = kNowMs;
    in.server.address = u"127.0.0.1:8765"_s;
    in.server.openAIBaseUrl = u"http://127.0.0.1:8765/v1"_s;
    in.server.anthropicBaseUrl = u"http://127.0.0.1:8765"_s;
    in.requestsToday = 1284;
    in.tokensToday = 3'412'000;
    in.defaultAccountId = u"work"_s;

    AccountSnapshot work;
    work.id = u"work"_s;
    work.provider = u"coding-plan"_s;
    work.windows =
        windowsOf("coding-plan-pro", {{4 * kHour, 900}, {2 * kHour, 1300}, {3 * 24 * kHour, 9000}});
    AccountSnapshot team;
    team.id = u"team"_s;
    team.provider = u"coding-plan"_s;
    team.state = AccountState::Cooling;
    team.reason = u"quota exhausted: Throttling.AllocationQuota"_s;
    team.untilMs = kNowMs + 47 * kMinute;
    team.windows = windowsOf("coding-plan-lite", {{4 * kHour + 13 * kMinute, 700}, {kHour, 400}});
    AccountSnapshot qwen;
    qwen.id = u"qwen-oauth"_s;
    qwen.provider = u"qwen-oauth"_s;
    qwen.state = AccountState::Parked;
    qwen.reason = freetier::endedMessage();
    in.accounts = {work, team, qwen};
    return in;
}

class Shooter
{
public:
    explicit Shooter(const QString &dir) : m_dir(dir) {}
    bool ok() const { return m_ok; }

    void save(const QImage &img, const QString &name)
    {
        const QString path = m_dir.filePath(name + u".png"_s);
        if (img.isNull() || !img.save(path)) {
            QTextStream(stderr) << "cannot write " << path << '\n';
            m_ok = false;
            return;
        }
        QTextStream(stdout) << path << '\n';
    }
    void save(QWidget *w, const QString &name) { save(w->grab().toImage(), name); }

private:
    QDir m_dir;
    bool m_ok = true;
};

void shootLogin(Shooter &shot, const QString &prefix)
{
    FakeClock clock(kNowMs);
    LoginWindow w(clock);
    auto shoot = [&](const QString &name) {
        w.resize(w.sizeHint().expandedTo(QSize(600, 360)));
        w.ensurePolished();
        shot.save(&w, prefix + u"login-"_s + name);
    };
    w.showRequesting();
    shoot(u"requesting"_s);
    w.showCode({u"https://chat.qwen.ai/authorize?user_code=QP7K-2M9X&client=qwen-code"_s,
                u"QP7K-2M9X"_s, kNowMs + 9 * kMinute + 42'000});
    shoot(u"code"_s);
    w.showSucceeded(u"account-2"_s);
    shoot(u"success"_s);
    const struct {
        const char16_t *name;
        Error::Kind kind;
        const char16_t *code;
        const char16_t *message;
    } failures[] = {
        {u"expired", Error::Kind::UpstreamTimeout, u"timeout",
         u"Authorization timeout: the code was not approved within 600 s. Please restart the "
         u"authentication process."},
        {u"denied", Error::Kind::Forbidden, u"access_denied",
         u"Authorization denied by user. Please restart the authentication process."},
        {u"network", Error::Kind::UpstreamUnavailable, u"network",
         u"Device authorization failed: Host chat.qwen.ai not found"},
        {u"discontinued", Error::Kind::Discontinued, u"discontinued",
         u"Qwen's free OAuth tier has ended (discontinued on 2026-04-15): the portal rejects Qwen "
         u"OAuth logins and tokens."},
    };
    for (const auto &f : failures) {
        Error e = Error::make(f.kind, QString::fromUtf16(f.message));
        e.code = QString::fromUtf16(f.code);
        w.showFailed(e);
        shoot(QString::fromUtf16(f.name));
    }
}

void shootMenu(Shooter &shot, const QString &prefix)
{
    TrayMenu menu;
    menu.setView(TrayStatus::compute(demoInput()));
    menu.ensurePolished();
    menu.resize(menu.sizeHint());
    shot.save(&menu, prefix + u"tray-menu"_s);
}

// Every state at the sizes tray hosts use, on the panel colour of the theme, at their real size;
// a second picture enlarges the small ones 8x without smoothing to judge the pixels.
void shootIcons(Shooter &shot, TrayTheme theme, const QString &prefix)
{
    const QColor panel =
        theme == TrayTheme::Dark ? QColor(0x2b, 0x2b, 0x2e) : QColor(0xee, 0xee, 0xee);
    const QList<std::pair<TrayIconState, std::optional<double>>> rows = {
        {TrayIconState::Serving, std::nullopt},
        {TrayIconState::Serving, 0.6},
        {TrayIconState::Serving, 0.15},
        {TrayIconState::Degraded, 0.6},
        {TrayIconState::NoUsableAccount, std::nullopt},
        {TrayIconState::Stopped, std::nullopt},
    };
    const QList<std::pair<int, qreal>> sizes = {{16, 1}, {22, 1}, {32, 1},
                                                {64, 1}, {16, 2}, {32, 2}};
    const int cell = 76;
    QImage sheet(cell * int(sizes.size()), cell * int(rows.size()), QImage::Format_ARGB32);
    sheet.fill(panel);
    QImage zoom(int(16 * 8 + 22 * 8 + 3 * 8) * 1, int(rows.size()) * (22 * 8 + 8),
                QImage::Format_ARGB32);
    zoom.fill(panel);
    QPainter p(&sheet);
    QPainter z(&zoom);
    for (int r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < sizes.size(); ++c) {
            QImage img = TrayIconPainter::render(rows[r].first, theme, rows[r].second,
                                                 sizes[c].first, sizes[c].second);
            img.setDevicePixelRatio(1); // drawn pixel for pixel
            p.drawImage(c * cell + (cell - img.width()) / 2, r * cell + (cell - img.height()) / 2,
                        img);
        }
        int x = 8;
        for (const int size : {16, 22}) {
            const QImage img =
                TrayIconPainter::render(rows[r].first, theme, rows[r].second, size, 1.0);
            z.drawImage(QRect(x, r * (22 * 8 + 8) + 4, size * 8, size * 8), img);
            x += size * 8 + 8;
        }
    }
    p.end();
    z.end();
    shot.save(sheet, prefix + u"tray-icons"_s);
    shot.save(zoom, prefix + u"tray-icons-zoom"_s);
}

} // namespace

std::optional<QString> requestedDir(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--screenshot") == 0)
            return i + 1 < argc ? QString::fromLocal8Bit(argv[i + 1]) : QString();
        if (std::strncmp(argv[i], "--screenshot=", 13) == 0)
            return QString::fromLocal8Bit(argv[i] + 13);
    }
    return std::nullopt;
}

int run(int argc, char *argv[], const QString &dir)
{
    // Offscreen whatever the session has: the pictures must not depend on a desktop, and none
    // may flash up on one.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    if (dir.isEmpty()) {
        QTextStream(stderr) << "usage: qwen-proxy-tray --screenshot DIR\n";
        return 2;
    }
    if (!QDir().mkpath(dir)) {
        QTextStream(stderr) << "cannot create " << dir << '\n';
        return 1;
    }
    // One style everywhere, so the pictures are the same on every machine.
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    const QPalette light = QApplication::style()->standardPalette();
    Shooter shot(dir);
    shootIcons(shot, TrayTheme::Light, u"light-"_s);
    shootIcons(shot, TrayTheme::Dark, u"dark-"_s);
    for (const QString &lang : {u"en"_s, u"zh_CN"_s}) {
        QTranslator translator;
        if (!translator.load(u":/i18n/qwen-proxy_"_s + lang + u".qm"_s)) {
            QTextStream(stderr) << "no translation for " << lang << '\n';
            return 1;
        }
        QApplication::installTranslator(&translator);
        QLocale::setDefault(QLocale(lang));
        for (const bool dark : {false, true}) {
            QApplication::setPalette(dark ? darkPalette() : light);
            const QString prefix = lang + (dark ? u"-dark-"_s : u"-light-"_s);
            shootLogin(shot, prefix);
            shootMenu(shot, prefix);
        }
        // The main window's pages, with a demo engine of their own (pagegallery.h).
        PageGalleryOptions pages;
        pages.filePrefix = lang + u"-"_s;
        QString error;
        const QStringList written = renderPageGallery(dir, pages, &error);
        if (written.isEmpty()) {
            QTextStream(stderr) << "pages: " << error << '\n';
            return 1;
        }
        for (const QString &path : written)
            QTextStream(stdout) << path << '\n';
        QApplication::setPalette(light);
        QApplication::removeTranslator(&translator);
    }
    return shot.ok() ? 0 : 1;
}

} // namespace qp::screenshots

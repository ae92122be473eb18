#include "login/loginwindow.h"

#include "displayformat.h"
#include "login/qrcodewidget.h"

#include <QCloseEvent>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QStackedWidget>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace qp {

namespace {

QFont scaled(const QFont &base, qreal factor, bool bold)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * factor);
    f.setBold(bold);
    return f;
}

// A round badge with a check mark (success) or an exclamation mark (a problem), drawn at the
// screen's pixel density.
QPixmap resultBadge(bool success, qreal dpr)
{
    const int s = int(std::lround(48 * dpr));
    QPixmap pm(s, s);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(success ? QColor(0x1e, 0x8e, 0x3e) : QColor(0xd9, 0x6c, 0x00));
    p.drawEllipse(QRectF(0, 0, s, s));
    QPen pen(Qt::white, s * 0.1, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    if (success) {
        QPainterPath check;
        check.moveTo(s * 0.28, s * 0.52);
        check.lineTo(s * 0.44, s * 0.67);
        check.lineTo(s * 0.72, s * 0.36);
        p.setBrush(Qt::NoBrush);
        p.drawPath(check);
    } else {
        p.drawLine(QPointF(s * 0.5, s * 0.26), QPointF(s * 0.5, s * 0.56));
        p.drawPoint(QPointF(s * 0.5, s * 0.74));
    }
    p.end();
    pm.setDevicePixelRatio(dpr);
    return pm;
}

// Fusion's buttons hug their text; CJK fonts then touch the frame. Room for the longest label the
// button shows, so "Copy code" -> "Copied" does not resize it either.
void fitText(QPushButton *b, const QStringList &texts)
{
    int widest = 0;
    for (const QString &t : texts)
        widest = std::max(widest, b->fontMetrics().horizontalAdvance(t));
    b->setMinimumWidth(widest + 2 * b->fontMetrics().averageCharWidth() + 16);
}

QLabel *wrapped(QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setWordWrap(true);
    return l;
}

} // namespace

LoginWindow::LoginWindow(Clock &clock, QWidget *parent) : QWidget(parent), m_clock(clock)
{
    setWindowFlag(Qt::Window);
    m_pages = new QStackedWidget(this);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_pages);
    buildRequestingPage();
    buildCodePage();
    buildResultPage();
    // Escape closes, as in a dialog; closing a running login cancels it (closeEvent).
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    connect(escape, &QShortcut::activated, this, &QWidget::close);
    m_ticker.setInterval(1000);
    connect(&m_ticker, &QTimer::timeout, this, &LoginWindow::tick);
    retranslate();
    setStage(Stage::Requesting);
}

void LoginWindow::buildRequestingPage()
{
    auto *page = new QWidget(m_pages);
    auto *v = new QVBoxLayout(page);
    v->setContentsMargins(24, 20, 24, 20);
    v->setSpacing(12);
    m_requestingTitle = new QLabel(page);
    m_requestingTitle->setFont(scaled(font(), 1.35, true));
    v->addWidget(m_requestingTitle);
    v->addStretch();
    m_requestingLabel = wrapped(page);
    m_requestingLabel->setAlignment(Qt::AlignCenter);
    v->addWidget(m_requestingLabel);
    // Moving, so a slow network does not look like a frozen window.
    auto *busy = new QProgressBar(page);
    busy->setRange(0, 0);
    busy->setTextVisible(false);
    busy->setFixedWidth(240);
    v->addWidget(busy, 0, Qt::AlignHCenter);
    v->addStretch();
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    m_requestingCancel = new QPushButton(page);
    connect(m_requestingCancel, &QPushButton::clicked, this, &LoginWindow::cancelRequested);
    buttons->addWidget(m_requestingCancel);
    v->addLayout(buttons);
    m_pages->addWidget(page);
}

void LoginWindow::buildCodePage()
{
    auto *page = new QWidget(m_pages);
    auto *v = new QVBoxLayout(page);
    v->setContentsMargins(24, 20, 24, 20);
    v->setSpacing(12);

    m_codeTitle = new QLabel(page);
    m_codeTitle->setFont(scaled(font(), 1.35, true));
    v->addWidget(m_codeTitle);
    m_codeIntro = wrapped(page);
    v->addWidget(m_codeIntro);

    auto *row = new QHBoxLayout;
    row->setSpacing(24);
    m_qr = new QrCodeWidget(page);
    row->addWidget(m_qr, 0, Qt::AlignTop);

    auto *side = new QVBoxLayout;
    side->setSpacing(8);
    m_codeCaption = new QLabel(page);
    side->addWidget(m_codeCaption);
    m_userCode = new QLabel(page);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(font().pointSizeF() * 2.2);
    mono.setBold(true);
    mono.setLetterSpacing(QFont::PercentageSpacing, 108);
    m_userCode->setFont(mono);
    m_userCode->setTextInteractionFlags(Qt::TextSelectableByMouse);
    side->addWidget(m_userCode);
    auto *codeButtons = new QHBoxLayout;
    m_copy = new QPushButton(page);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        emit copyRequested(m_code.userCode);
        m_copy->setText(tr("Copied"));
        QTimer::singleShot(2000, m_copy, [this] { m_copy->setText(tr("Copy code")); });
    });
    codeButtons->addWidget(m_copy);
    m_open = new QPushButton(page);
    m_open->setDefault(true);
    connect(m_open, &QPushButton::clicked, this,
            [this] { emit openUrlRequested(m_code.verificationUrl); });
    codeButtons->addWidget(m_open);
    codeButtons->addStretch();
    side->addLayout(codeButtons);
    side->addSpacing(8);
    m_countdown = new QLabel(page);
    m_countdown->setFont(scaled(font(), 1.1, true));
    side->addWidget(m_countdown);
    m_url = new QLabel(page);
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_url->setWordWrap(true);
    m_url->setForegroundRole(QPalette::PlaceholderText);
    side->addWidget(m_url);
    side->addStretch();
    row->addLayout(side, 1);
    v->addLayout(row);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    m_cancel = new QPushButton(page);
    connect(m_cancel, &QPushButton::clicked, this, &LoginWindow::cancelRequested);
    buttons->addWidget(m_cancel);
    v->addLayout(buttons);
    m_pages->addWidget(page);
}

void LoginWindow::buildResultPage()
{
    auto *page = new QWidget(m_pages);
    auto *v = new QVBoxLayout(page);
    v->setContentsMargins(24, 24, 24, 20);
    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(16);
    grid->setVerticalSpacing(8);
    m_resultIcon = new QLabel(page);
    m_resultIcon->setFixedSize(48, 48);
    grid->addWidget(m_resultIcon, 0, 0, 3, 1, Qt::AlignTop);
    m_resultTitle = wrapped(page);
    m_resultTitle->setFont(scaled(font(), 1.35, true));
    grid->addWidget(m_resultTitle, 0, 1);
    m_resultBody = wrapped(page);
    grid->addWidget(m_resultBody, 1, 1);
    m_resultDetail = wrapped(page);
    m_resultDetail->setForegroundRole(QPalette::PlaceholderText);
    m_resultDetail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(m_resultDetail, 2, 1);
    grid->setColumnStretch(1, 1);
    // Centred in the window, which keeps the size it had while the code was shown.
    v->addStretch(1);
    v->addLayout(grid);
    v->addStretch(2);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    m_addProvider = new QPushButton(page);
    connect(m_addProvider, &QPushButton::clicked, this, &LoginWindow::addProviderRequested);
    buttons->addWidget(m_addProvider);
    m_retry = new QPushButton(page);
    connect(m_retry, &QPushButton::clicked, this, &LoginWindow::retryRequested);
    buttons->addWidget(m_retry);
    m_done = new QPushButton(page);
    connect(m_done, &QPushButton::clicked, this, &LoginWindow::doneRequested);
    buttons->addWidget(m_done);
    v->addLayout(buttons);
    m_pages->addWidget(page);
}

void LoginWindow::retranslate()
{
    setWindowTitle(tr("Log in with Qwen"));
    m_requestingTitle->setText(tr("Log in with Qwen"));
    m_requestingLabel->setText(tr("Asking Qwen for a login code…"));
    m_requestingCancel->setText(tr("Cancel"));
    m_codeTitle->setText(tr("Log in with Qwen"));
    m_codeIntro->setText(tr("Scan the code with your phone, or open the login page in a browser "
                            "and check that it shows the code below."));
    m_codeCaption->setText(tr("Your code"));
    m_copy->setText(tr("Copy code"));
    m_open->setText(tr("Open in browser"));
    m_cancel->setText(tr("Cancel"));
    m_retry->setText(tr("Try again"));
    m_addProvider->setText(tr("Add an API key…"));
    fitText(m_copy, {tr("Copy code"), tr("Copied")});
    for (QPushButton *b : {m_open, m_cancel, m_requestingCancel, m_retry, m_addProvider})
        fitText(b, {b->text()});
    fitText(m_done, {tr("Done"), tr("Close")});
    // The problem's words were made in the old language: make them again.
    if (m_stage == Stage::Failed && m_error)
        m_problem = LoginMessages::describe(*m_error);
    else if (m_stage == Stage::Failed && m_problem.kind == LoginProblem::Kind::Expired)
        m_problem = LoginMessages::expired();
    setStage(m_stage);
}

void LoginWindow::setStage(Stage stage)
{
    m_stage = stage;
    switch (stage) {
    case Stage::Requesting:
        m_ticker.stop();
        m_pages->setCurrentIndex(0);
        break;
    case Stage::Waiting:
        m_qr->setText(m_code.verificationUrl);
        m_qr->setFixedSize(m_qr->sizeHint()); // exactly the code: no white gap beside it
        m_userCode->setText(m_code.userCode);
        // The host is what a user checks; the whole URL (long, with the code) is in the tooltip
        // and behind "Open in browser".
        m_url->setText(tr("Login page: %1").arg(QUrl(m_code.verificationUrl).host()));
        m_url->setToolTip(m_code.verificationUrl);
        m_pages->setCurrentIndex(1);
        tick();
        break;
    case Stage::Succeeded:
        m_ticker.stop();
        m_resultIcon->setPixmap(resultBadge(true, devicePixelRatioF()));
        m_resultTitle->setText(tr("You are logged in"));
        m_resultBody->setText(tr("Account %1 is ready; requests can use it now.").arg(m_accountId));
        m_resultDetail->clear();
        m_resultDetail->hide();
        m_retry->hide();
        m_addProvider->hide();
        m_done->setText(tr("Done"));
        m_done->setDefault(true);
        m_pages->setCurrentIndex(2);
        break;
    case Stage::Failed:
        m_ticker.stop();
        m_resultIcon->setPixmap(resultBadge(false, devicePixelRatioF()));
        m_resultTitle->setText(m_problem.title);
        m_resultBody->setText(m_problem.body);
        m_resultDetail->setText(m_problem.detail);
        m_resultDetail->setVisible(!m_problem.detail.isEmpty());
        m_retry->setVisible(m_problem.canRetry);
        m_addProvider->setVisible(m_problem.kind == LoginProblem::Kind::Discontinued);
        m_done->setText(tr("Close"));
        // Enter does what most people want next: try again, or add a key when that cannot work.
        m_retry->setDefault(m_problem.canRetry);
        m_addProvider->setDefault(!m_problem.canRetry);
        m_done->setDefault(false);
        m_pages->setCurrentIndex(2);
        break;
    }
}

void LoginWindow::showRequesting()
{
    setStage(Stage::Requesting);
}

void LoginWindow::showCode(const LoginCode &code)
{
    m_code = code;
    setStage(Stage::Waiting);
    m_ticker.start();
}

void LoginWindow::showSucceeded(const QString &accountId)
{
    m_accountId = accountId;
    setStage(Stage::Succeeded);
}

void LoginWindow::showFailed(const Error &error)
{
    showProblem(LoginMessages::describe(error));
    m_error = error;
}

void LoginWindow::showProblem(const LoginProblem &problem)
{
    m_problem = problem;
    m_error.reset();
    setStage(Stage::Failed);
}

void LoginWindow::tick()
{
    if (m_stage != Stage::Waiting)
        return;
    const qint64 left = m_code.expiresAtMs - m_clock.nowMs();
    if (left <= 0) {
        showProblem(LoginMessages::expired());
        return;
    }
    m_countdown->setText(tr("Expires in %1").arg(DisplayFormat::countdown(left)));
}

QString LoginWindow::countdownText() const
{
    return m_countdown->text();
}

QString LoginWindow::titleText() const
{
    return m_resultTitle->text();
}

QString LoginWindow::messageText() const
{
    return m_resultBody->text();
}

void LoginWindow::closeEvent(QCloseEvent *event)
{
    // Closing the window while a login runs is a cancel: nothing may keep polling unseen.
    if (m_stage == Stage::Requesting || m_stage == Stage::Waiting)
        emit cancelRequested();
    else
        emit doneRequested();
    QWidget::closeEvent(event);
}

void LoginWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace qp

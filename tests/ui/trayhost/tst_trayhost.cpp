// The tray icon in a real desktop protocol: under Xvfb with a private session bus, a
// StatusNotifierItem watcher (the tray host of KDE, GNOME's AppIndicator extension, waybar, ...)
// is played by this test. The icon registers with it, carries its tooltip and pixels, and its menu
// is read and clicked over D-Bus (com.canonical.dbusmenu) the way a panel does. Run by
// run-with-tray-host.sh.
#include "tray/traycontroller.h"
#include "tray/traymenu.h"

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusPendingCall>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QMutex>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QThread>
#include <QtTest>

using namespace qp;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kNow = 1796637600000;

// org.kde.StatusNotifierWatcher, on its own thread and connection: Qt asks it synchronously
// whether a host is registered, which would deadlock if it ran on the test's thread.
class FakeWatcher : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.kde.StatusNotifierWatcher")
    Q_PROPERTY(bool IsStatusNotifierHostRegistered READ isHostRegistered)
    Q_PROPERTY(int ProtocolVersion READ protocolVersion)
    Q_PROPERTY(QStringList RegisteredStatusNotifierItems READ items)
public:
    bool isHostRegistered() const { return true; }
    int protocolVersion() const { return 0; }
    QStringList items() const
    {
        QMutexLocker lock(&m_mutex);
        return m_items;
    }

public slots:
    void RegisterStatusNotifierItem(const QString &service, const QDBusMessage &message)
    {
        // Items name themselves by bus name, or by object path on the caller's connection.
        const QString item = service.startsWith(u'/') ? message.service() + service : service;
        {
            QMutexLocker lock(&m_mutex);
            m_items << item;
        }
        emit StatusNotifierItemRegistered(item);
    }
    void RegisterStatusNotifierHost(const QString &) {}

signals:
    void StatusNotifierItemRegistered(const QString &service);
    void StatusNotifierItemUnregistered(const QString &service);
    void StatusNotifierHostRegistered();

private:
    mutable QMutex m_mutex;
    QStringList m_items;
};

// One node of com.canonical.dbusmenu's layout: (ia{sv}av).
struct MenuNode {
    int id = 0;
    QVariantMap properties;
    QList<MenuNode> children;
    QString label() const { return properties.value(u"label"_s).toString(); }
};

void readNode(const QDBusArgument &arg, MenuNode &node)
{
    arg.beginStructure();
    arg >> node.id;
    arg >> node.properties;
    arg.beginArray();
    while (!arg.atEnd()) {
        QDBusVariant v;
        arg >> v;
        MenuNode child;
        readNode(v.variant().value<QDBusArgument>(), child);
        node.children.append(child);
    }
    arg.endArray();
    arg.endStructure();
}

const MenuNode *findLabel(const MenuNode &node, const QString &label)
{
    if (node.label() == label)
        return &node;
    for (const MenuNode &c : node.children)
        if (const MenuNode *found = findLabel(c, label))
            return found;
    return nullptr;
}

// The tooltip's (sa(iiay)ss): icon name, icon pixmaps, title, text.
QStringList toolTipTexts(const QDBusArgument &arg)
{
    QString iconName, title, text;
    arg.beginStructure();
    arg >> iconName;
    arg.beginArray();
    while (!arg.atEnd()) {
        int w = 0, h = 0;
        QByteArray data;
        arg.beginStructure();
        arg >> w >> h >> data;
        arg.endStructure();
    }
    arg.endArray();
    arg >> title >> text;
    arg.endStructure();
    return {title, text};
}

// IconPixmap: a(iiay), one entry per size.
QList<QSize> pixmapSizes(const QDBusArgument &arg)
{
    QList<QSize> sizes;
    arg.beginArray();
    while (!arg.atEnd()) {
        int w = 0, h = 0;
        QByteArray data;
        arg.beginStructure();
        arg >> w >> h >> data;
        arg.endStructure();
        if (data.size() == qsizetype(w) * h * 4)
            sizes << QSize(w, h);
    }
    arg.endArray();
    return sizes;
}

} // namespace

class TestTrayHost : public QObject
{
    Q_OBJECT
    QThread m_watcherThread;
    FakeWatcher *m_watcher = nullptr;

    // Calls asynchronously and waits in the event loop: the menu and the item live on this thread.
    QDBusMessage call(const QDBusMessage &message)
    {
        QDBusPendingCall pending = QDBusConnection::sessionBus().asyncCall(message, 5000);
        if (!QTest::qWaitFor([&] { return pending.isFinished(); }, 6000))
            return {};
        return pending.reply();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QDBusConnection::sessionBus().isConnected(), "no session bus");
        m_watcherThread.start();
        m_watcher = new FakeWatcher;
        m_watcher->moveToThread(&m_watcherThread);
        bool registered = false;
        QMetaObject::invokeMethod(
            m_watcher,
            [&] {
                QDBusConnection c =
                    QDBusConnection::connectToBus(QDBusConnection::SessionBus, u"watcher"_s);
                registered = c.registerObject(u"/StatusNotifierWatcher"_s, m_watcher,
                                              QDBusConnection::ExportAllSlots |
                                                  QDBusConnection::ExportAllSignals |
                                                  QDBusConnection::ExportAllProperties) &&
                             c.registerService(u"org.kde.StatusNotifierWatcher"_s);
            },
            Qt::BlockingQueuedConnection);
        QVERIFY(registered);
    }

    void cleanupTestCase()
    {
        QMetaObject::invokeMethod(
            m_watcher,
            [this] {
                QDBusConnection::disconnectFromBus(u"watcher"_s);
                delete m_watcher;
            },
            Qt::BlockingQueuedConnection);
        m_watcherThread.quit();
        m_watcherThread.wait();
    }

    void iconRegistersAndItsMenuWorks()
    {
        QVERIFY(QSystemTrayIcon::isSystemTrayAvailable());

        FakeClock clock(kNow);
        TrayController tray(clock);
        ServerStatus s;
        s.address = u"127.0.0.1:8765"_s;
        s.openAIBaseUrl = u"http://127.0.0.1:8765/v1"_s;
        s.anthropicBaseUrl = u"http://127.0.0.1:8765"_s;
        tray.setServerStatus(s);
        AccountSnapshot work;
        work.id = u"work"_s;
        tray.setAccounts({work}, u"work"_s, kNow);
        tray.trayIcon()->show();

        // Registered with the host.
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->items().size(), 1, 10000);
        const QString service = m_watcher->items().first();

        // The item's properties, as a panel reads them.
        QDBusMessage getAll = QDBusMessage::createMethodCall(
            service, u"/StatusNotifierItem"_s, u"org.freedesktop.DBus.Properties"_s, u"GetAll"_s);
        getAll << u"org.kde.StatusNotifierItem"_s;
        const QDBusMessage props = call(getAll);
        QCOMPARE(props.type(), QDBusMessage::ReplyMessage);
        const QVariantMap item = qdbus_cast<QVariantMap>(props.arguments().value(0));
        QCOMPARE(item.value(u"Status"_s).toString(), u"Active"_s);
        const QStringList tip = toolTipTexts(item.value(u"ToolTip"_s).value<QDBusArgument>());
        QVERIFY2(tip.join(u'\n').contains(u"Qwen Proxy: serving"_s), qPrintable(tip.join(u'|')));
        const QList<QSize> sizes = pixmapSizes(item.value(u"IconPixmap"_s).value<QDBusArgument>());
        QVERIFY(!sizes.isEmpty());
        const QString menuPath = item.value(u"Menu"_s).value<QDBusObjectPath>().path();
        QVERIFY(!menuPath.isEmpty());

        // The menu, read over dbusmenu.
        QDBusMessage getLayout = QDBusMessage::createMethodCall(
            service, menuPath, u"com.canonical.dbusmenu"_s, u"GetLayout"_s);
        getLayout << 0 << -1 << QStringList();
        QDBusMessage about = QDBusMessage::createMethodCall(
            service, menuPath, u"com.canonical.dbusmenu"_s, u"AboutToShow"_s);
        about << 0;
        QCOMPARE(call(about).type(), QDBusMessage::ReplyMessage);
        const QDBusMessage layout = call(getLayout);
        QCOMPARE(layout.type(), QDBusMessage::ReplyMessage);
        MenuNode root;
        readNode(layout.arguments().value(1).value<QDBusArgument>(), root);
        QVERIFY(findLabel(root, u"Serving on 127.0.0.1:8765"_s));
        QVERIFY(findLabel(root, u"work — ready"_s));
        const MenuNode *copy = findLabel(root, u"Copy OpenAI base URL"_s);
        QVERIFY(copy);

        // Clicked from the panel: the menu's intent fires.
        QSignalSpy copied(tray.menu(), &TrayMenu::copyRequested);
        QDBusMessage click = QDBusMessage::createMethodCall(
            service, menuPath, u"com.canonical.dbusmenu"_s, u"Event"_s);
        click << copy->id << u"clicked"_s << QVariant::fromValue(QDBusVariant(0)) << 0u;
        QCOMPARE(call(click).type(), QDBusMessage::ReplyMessage);
        QTRY_COMPARE(copied.size(), 1);
        QCOMPARE(copied[0][0].toString(), u"http://127.0.0.1:8765/v1"_s);
    }
};

QTEST_MAIN(TestTrayHost)
#include "tst_trayhost.moc"

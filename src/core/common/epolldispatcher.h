#pragma once
// The event dispatcher for the engine's worker thread: Linux's epoll in place of Qt's poll()
// (docs/engine-thread.md, "The dispatcher").
//
// Why: Qt's UNIX dispatcher builds an array of every socket notifier of the thread and hands it
// to poll() on every pass of the loop, and the kernel walks all of it again. A pass therefore
// costs time in proportion to the open sockets, however few of them have anything to do: with
// 1,000 streams open (2,000 sockets) each pass walked 2,000 entries twice. epoll keeps the
// interest list in the kernel and returns only the ready sockets, so a pass costs in proportion
// to the work it does. nginx and every other event-driven server on Linux work this way.
//
// Everywhere but Linux, and when QP_EVENT_DISPATCHER=qt is set (for comparisons, and as an
// escape hatch), the thread keeps Qt's own dispatcher.

#include <QByteArray>

class QAbstractEventDispatcher;

namespace qp {

// A new dispatcher for a thread that has none yet (QThread::setEventDispatcher), or nullptr to
// let Qt make its default one.
QAbstractEventDispatcher *createWorkerDispatcher();

// The name tests and logs use for a thread's dispatcher: "epoll" for ours, otherwise the Qt
// class name.
QByteArray dispatcherName(const QAbstractEventDispatcher *dispatcher);

} // namespace qp

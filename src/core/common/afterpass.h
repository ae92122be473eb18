#pragma once
// Work for "right after this event-loop pass", without posting an event.
//
// Why: deleteLater() and queued calls post an event, and every postEvent() wakes the dispatcher
// with a syscall (an eventfd write, then a read and an extra loop pass). A proxy request used to
// cost four of them (tests/bench: ~8 % of the CPU at 50 connections). Both dispatchers Qt uses on
// Linux (GLib and UNIX, with or without a QPA platform) emit aboutToBlock() or awake() at the top
// of every pass, before they sleep; the queue below runs there, from the loop itself, so no frame
// of the current pass is still on the stack.
//
// Elsewhere (Windows and macOS dispatchers do not promise both signals before sleeping), and in
// threads without an event dispatcher, it falls back to deleteLater() and queued calls.
//
// Caveat shared with any "later": a nested event loop (QEventLoop::exec in a slot) also runs the
// queue, so only hand over objects that nothing further up the stack still uses.

#include <QObject>
#include <functional>

namespace qp {

// Deletes `object` at the top of the next loop pass (or deleteLater()). Safe if it is deleted
// before then.
void deleteAfterPass(QObject *object);

// Runs `fn` at the top of the next loop pass, unless `context` has been deleted by then.
void runAfterPass(QObject *context, std::function<void()> fn);

} // namespace qp

#pragma once
// Hands work done on another thread (a pool thread counting tokens, the GUI thread answering a
// keychain call) back to the thread of the object that asked, and drops it when that object is
// gone. Posting to a destroyed QObject is undefined behaviour, and a QPointer cannot be checked
// safely from another thread, so the address is a small child object ("sentinel") whose
// destructor closes the address under a lock that post() also takes. Calls posted before the
// owner died are removed with the sentinel's pending events (docs/engine-thread.md).

#include <QObject>
#include <functional>
#include <memory>

namespace qp {

class ReturnAddress
{
public:
    // On `owner`'s thread. The address stays usable (as a no-op) after the owner is gone.
    explicit ReturnAddress(QObject *owner);
    // From any thread: runs `f` later on the owner's thread unless the owner is gone by then.
    void post(std::function<void()> f) const;

    struct Box;

private:
    std::shared_ptr<Box> m_box;
};

} // namespace qp

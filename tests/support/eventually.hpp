#pragma once
// Waits for something another process or thread does: true as soon as `done()` holds, false when
// `timeout` passed first. Tests assert on the result (EXPECT_TRUE(eventually(...))) instead of
// sleeping a fixed time, which is both slower and flaky on a loaded machine.
#include <chrono>
#include <thread>

namespace sharedstore::test_support {

template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout, std::chrono::milliseconds step = std::chrono::milliseconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (done()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(step);
    }
}

}  // namespace sharedstore::test_support

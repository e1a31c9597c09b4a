#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/audit_sink.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/records.hpp"

namespace tradebot::db {

struct event_log_options {
    // Events held in memory while waiting for a flush. ~0.5 KB each, so the default bounds the
    // queue near 5 MB through a database outage of any length.
    std::size_t capacity = 10'000;
    // Events written per flush() (one INSERT statement).
    std::size_t batch_size = 500;
};

// The audit log writer. append() only queues: the trading path never waits for the database,
// and the owner calls flush() on a timer. Memory is bounded: with `capacity` events queued, an
// append first drops the oldest queued debug/info event; only when the queue holds nothing but
// warnings and worse does it drop a debug/info newcomer or else the oldest warning. Drops are
// counted and reported in the log itself by a warning event ("event_log_overflow") written with
// the next batch. At most capacity + batch_size events are in memory (the batch in flight).
//
// Thread-safe: append() and the accessors may be called from any thread. flush() calls do not
// overlap (a second one returns 0 at once); the event_log must outlive a running flush().
class event_log final : public audit_sink {
public:
    explicit event_log(database& db, event_log_options options = {});

    void append(event_record e) override;

    // Writes up to batch_size queued events, oldest first, in one multi-row INSERT; returns how
    // many were written. If the database refuses the batch, each event is tried alone and the
    // ones it refuses (e.g. text that is not UTF-8) are dropped and counted as rejected, so one
    // bad event cannot block the log. If the database is unreachable the batch goes back to
    // the front of the queue and the error is returned.
    [[nodiscard]] boost::asio::awaitable<result<std::size_t>> flush();

    [[nodiscard]] std::size_t queued() const;
    // Debug/info events dropped on overflow since construction.
    [[nodiscard]] std::uint64_t dropped() const;
    // Warning and worse dropped on overflow since construction.
    [[nodiscard]] std::uint64_t dropped_important() const;
    // Events the database refused since construction.
    [[nodiscard]] std::uint64_t rejected() const;

private:
    struct entry {
        std::uint64_t seq = 0;
        event_record event;
    };

    // Callers hold mutex_.
    void shrink_to(std::size_t limit);  // drops oldest debug/info first, then oldest of the rest
    [[nodiscard]] std::vector<entry> take_batch();
    void requeue(std::vector<entry> batch);

    database& db_;
    event_log_options options_;
    mutable std::mutex mutex_;
    std::deque<entry> low_;   // debug, info
    std::deque<entry> high_;  // warning, error, critical
    std::uint64_t next_seq_ = 0;
    std::uint64_t dropped_ = 0;
    std::uint64_t dropped_important_ = 0;
    std::uint64_t unreported_drops_ = 0;  // drops not yet written as an overflow event
    std::uint64_t rejected_ = 0;
    bool flushing_ = false;
};

}  // namespace tradebot::db

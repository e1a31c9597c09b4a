#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tradebot/db/order_store.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

class position_book;

// The order journal as one venue's trading core writes it, with one exception to "the row before
// the request" (finding C4 of tests/integration/chaos): a protective order (a stop, or the close of
// a position that could not get one) whose row cannot be written because the database is down
// gets a client id made here, in the range the journal never counts
// (db::order_store::first_offline_attempt and up), and is sent at once. A position without
// an exchange-side stop is the worst state there is, and such an order needs no row to be found
// again: stops are found by listing the venue's stops, and a close reduces only. Its row and every
// later answer on it wait here, in memory, until flush() writes them once the database answers.
//
// Everything else goes to the journal unchanged. On the trading strand only.
class journal_backlog final : public db::order_store {
public:
    // `first_attempt`: where this process starts counting offline attempts, so that a restart
    // does not hand out the ids of the one before it (the caller derives it from the time).
    journal_backlog(db::order_store& journal, position_book& book, std::uint16_t first_attempt,
                    std::shared_ptr<spdlog::logger> log);

    [[nodiscard]] boost::asio::awaitable<db::result<journaled>> insert_next_attempt(db::order_record o) override;
    [[nodiscard]] boost::asio::awaitable<db::result<std::int64_t>> insert_known(db::order_record o) override;
    [[nodiscard]] boost::asio::awaitable<db::result<std::optional<db::order_record>>> find_by_client_id(
        std::string client_order_id) override;
    [[nodiscard]] boost::asio::awaitable<db::result<void>> update(std::int64_t id, db::order_update u) override;
    [[nodiscard]] boost::asio::awaitable<db::result<std::optional<venue_result>>> update_from_venue(
        std::string client_order_id, db::order_update u) override;
    [[nodiscard]] boost::asio::awaitable<db::result<int>> end_open_stops(
        std::int64_t position_id, db::order_status status, std::string why, std::optional<std::int64_t> keep) override;

    // Writes the waiting rows and their answers, oldest first; stops at the first one the
    // database cannot take. True when nothing is left waiting.
    [[nodiscard]] boost::asio::awaitable<bool> flush();
    [[nodiscard]] std::size_t waiting() const noexcept { return waiting_.size(); }

    // Whether `e` says the database could not be reached (not that it refused the statement).
    [[nodiscard]] static bool unavailable(const db::error& e) noexcept;

private:
    struct waiting_order {
        std::int64_t local_id = 0;                 // negative: what the callers hold until flush()
        std::optional<std::int64_t> row_id;        // once written
        db::order_record row;                      // as sent: client id, attempt, status pending
        std::vector<db::order_update> answers;     // replayed in order (the journal moves forward only)
        std::size_t answers_written = 0;
    };
    waiting_order* find_local(std::int64_t id);
    waiting_order* find_client(const std::string& client_order_id);
    // Notes the outage on the book when `r` failed for want of the database.
    template <class T>
    void watch(const db::result<T>& r);

    db::order_store& journal_;
    position_book& book_;
    std::uint16_t next_attempt_;
    std::int64_t next_local_ = -1;
    std::vector<waiting_order> waiting_;
    bool flushing_ = false;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tradebot::trading

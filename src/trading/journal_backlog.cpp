#include "trading/journal_backlog.hpp"

#include <algorithm>
#include <utility>

#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/position_book.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

// The orders that may leave without their row: those that protect a position (its stop, or the
// close of a position that cannot get one). Entries, trailing moves and planned exits wait for the
// database: none of them leaves a position less protected by waiting.
bool backlog_protective(core::order_purpose p) {
    return p == core::order_purpose::stop || p == core::order_purpose::exit;
}

bool backlog_is_stop(core::order_purpose p) {
    return p == core::order_purpose::stop || p == core::order_purpose::trailing;
}

}  // namespace

journal_backlog::journal_backlog(db::order_store& journal, position_book& book, std::uint16_t first_attempt,
                                 std::shared_ptr<spdlog::logger> log)
    : journal_{journal},
      book_{book},
      next_attempt_{std::max(first_attempt, db::order_store::first_offline_attempt)},
      log_{std::move(log)} {}

bool journal_backlog::unavailable(const db::error& e) noexcept {
    return e.is(db::errc::connect_failed) || e.is(db::errc::connection_lost) || e.is(db::errc::in_doubt);
}

template <class T>
void journal_backlog::watch(const db::result<T>& r) {
    if (!r && unavailable(r.error())) {
        book_.note_database_outage();
    }
}

journal_backlog::waiting_order* journal_backlog::find_local(std::int64_t id) {
    const auto it = std::find_if(waiting_.begin(), waiting_.end(), [id](const auto& w) { return w.local_id == id; });
    return it == waiting_.end() ? nullptr : &*it;
}

journal_backlog::waiting_order* journal_backlog::find_client(const std::string& client_order_id) {
    const auto it = std::find_if(waiting_.begin(), waiting_.end(),
                                 [&](const auto& w) { return w.row.client_order_id == client_order_id; });
    return it == waiting_.end() ? nullptr : &*it;
}

asio::awaitable<db::result<journal_backlog::journaled>> journal_backlog::insert_next_attempt(db::order_record o) {
    const auto purpose = o.purpose;
    auto r = co_await journal_.insert_next_attempt(o);
    watch(r);
    if (r || !unavailable(r.error()) || !backlog_protective(purpose) || !o.position_id) {
        co_return r;
    }
    // Ids only grow within the process; past the top of the range they start again at its
    // bottom, far from any id this process used recently.
    if (next_attempt_ == 0xFFFF) {
        next_attempt_ = db::order_store::first_offline_attempt;
    }
    const core::client_order_id id{*o.position_id, purpose, next_attempt_++, o.mode == core::mode::test};
    waiting_order w;
    w.local_id = next_local_--;
    w.row = std::move(o);
    w.row.client_order_id = id.str();
    w.row.attempt = id.attempt;
    w.row.status = db::order_status::pending;
    logging::warn(log_, "order journal unavailable, sending a protective order without its row",
                  kv("position", id.position_id), kv("client_id", id.str()),
                  kv("error", r.error().describe()));
    journaled out{w.local_id, id};
    waiting_.push_back(std::move(w));
    co_return out;
}

asio::awaitable<db::result<std::int64_t>> journal_backlog::insert_known(db::order_record o) {
    auto r = co_await journal_.insert_known(std::move(o));
    watch(r);
    co_return r;
}

asio::awaitable<db::result<std::optional<db::order_record>>> journal_backlog::find_by_client_id(
    std::string client_order_id) {
    if (const auto* w = find_client(client_order_id)) {
        co_return std::optional{w->row};
    }
    auto r = co_await journal_.find_by_client_id(std::move(client_order_id));
    watch(r);
    co_return r;
}

asio::awaitable<db::result<void>> journal_backlog::update(std::int64_t id, db::order_update u) {
    if (id < 0) {
        if (auto* w = find_local(id)) {
            w->answers.push_back(std::move(u));
        }
        co_return db::result<void>{};
    }
    auto r = co_await journal_.update(id, std::move(u));
    watch(r);
    co_return r;
}

asio::awaitable<db::result<std::optional<journal_backlog::venue_result>>> journal_backlog::update_from_venue(
    std::string client_order_id, db::order_update u) {
    if (auto* w = find_client(client_order_id); w != nullptr && !w->row_id) {
        auto seen = w->row;
        seen.status = u.status;
        w->answers.push_back(std::move(u));
        co_return std::optional{venue_result{std::move(seen), true}};
    }
    auto r = co_await journal_.update_from_venue(std::move(client_order_id), std::move(u));
    watch(r);
    co_return r;
}

asio::awaitable<db::result<int>> journal_backlog::end_open_stops(std::int64_t position_id, db::order_status status,
                                                                 std::string why, std::optional<std::int64_t> keep) {
    for (auto& w : waiting_) {
        if (w.row.position_id == position_id && backlog_is_stop(w.row.purpose) && w.local_id != keep.value_or(0) &&
            w.row_id != keep) {
            db::order_update u;
            u.status = status;
            u.error_message = why;
            w.answers.push_back(std::move(u));
        }
    }
    auto r = co_await journal_.end_open_stops(position_id, status, std::move(why), keep);
    watch(r);
    co_return r;
}

asio::awaitable<bool> journal_backlog::flush() {
    if (flushing_ || waiting_.empty()) {
        co_return waiting_.empty();
    }
    flushing_ = true;
    while (!waiting_.empty()) {
        // By value and looked up again after each await: an answer may arrive meanwhile.
        const auto local = waiting_.front().local_id;
        auto* w = find_local(local);
        if (!w->row_id) {
            auto row = w->row;
            auto written = co_await journal_.insert_known(std::move(row));
            w = find_local(local);
            if (written) {
                w->row_id = *written;
            } else if (written.error().is(db::errc::unique_violation)) {
                // Written already (an earlier flush whose answer was lost): its answers go by client id.
                auto found = co_await journal_.find_by_client_id(w->row.client_order_id);
                w = find_local(local);
                if (!found || !*found) {
                    break;
                }
                w->row_id = (*found)->id;
            } else if (unavailable(written.error())) {
                watch(written);
                logging::warn(log_, "order journal still unavailable, rows kept to write later",
                              kv("waiting", waiting_.size()), kv("error", written.error().describe()));
                break;
            } else if (written.error().is(db::errc::constraint_violation) && w->row.position_id) {
                // Its position's row is gone (lost with the server's last commits): the order is
                // still ours and on the venue, so it is journaled without it.
                logging::warn(log_, "position row of a kept order is gone, journaling the order without it",
                              kv("client_id", w->row.client_order_id), kv("error", written.error().describe()));
                w->row.position_id.reset();
                continue;
            } else {
                logging::error(log_, "kept order cannot be journaled, dropped", kv("client_id", w->row.client_order_id),
                               kv("error", written.error().describe()));
                waiting_.erase(waiting_.begin());
                continue;
            }
        }
        bool stalled = false;
        while (w->answers_written < w->answers.size()) {
            auto answer = w->answers[w->answers_written];
            auto saved = co_await journal_.update(*w->row_id, std::move(answer));
            w = find_local(local);
            if (!saved) {
                watch(saved);
                stalled = true;
                break;
            }
            ++w->answers_written;
        }
        if (stalled) {
            break;
        }
        logging::info(log_, "order journaled after the database came back", kv("client_id", w->row.client_order_id),
                      kv("row", *w->row_id), kv("answers", w->answers.size()));
        waiting_.erase(waiting_.begin());
    }
    flushing_ = false;
    co_return waiting_.empty();
}

}  // namespace tradebot::trading

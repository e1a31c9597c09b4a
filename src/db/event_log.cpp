#include "tradebot/db/event_log.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include <pqxx/subtransaction>

#include "db/sql_values.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db {

namespace {

constexpr const char* insert_head =
    "INSERT INTO events (ts, type, severity, position_id, order_id, symbol, exchange, correlation_id, message, "
    "data) VALUES ";

bool is_low(event_severity s) noexcept { return s == event_severity::debug || s == event_severity::info; }

std::string quoted_or_null(pqxx::work& tx, const std::optional<std::string>& v) {
    return v ? tx.quote(*v) : std::string{"NULL"};
}

std::string int_or_null(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string{"NULL"}; }

// jsonb built by the server from quoted strings: valid JSON whatever the text holds.
std::string data_of(pqxx::work& tx, const std::vector<std::pair<std::string, std::string>>& data) {
    if (data.empty()) {
        return "'{}'::jsonb";
    }
    std::string out = "jsonb_object(ARRAY[";
    for (std::size_t i = 0; i < data.size(); ++i) {
        out += (i == 0 ? "" : ", ") + tx.quote(data[i].first) + ", " + tx.quote(data[i].second);
    }
    return out + "]::text[])";
}

std::string values_of(pqxx::work& tx, const event_record& e) {
    // An unset time stamps the row when it is written (the column default).
    return "(" + (e.ts == time_point{} ? std::string{"DEFAULT"} : detail::ts_literal(e.ts)) + ", " + tx.quote(e.type) +
           ", " + tx.quote(std::string{to_string(e.severity)}) + ", " + int_or_null(e.position_id) + ", " +
           int_or_null(e.order_id) + ", " + quoted_or_null(tx, e.symbol) + ", " + quoted_or_null(tx, e.exchange) +
           ", " + quoted_or_null(tx, e.correlation_id) + ", " + quoted_or_null(tx, e.message) + ", " +
           data_of(tx, e.data) + ")";
}

event_record overflow_event(std::uint64_t drops) {
    event_record e;
    e.type = "event_log_overflow";
    e.severity = event_severity::warning;
    e.message = std::to_string(drops) + " audit events dropped: the event queue was full";
    e.data.emplace_back("dropped", std::to_string(drops));
    return e;
}

// One INSERT in a savepoint, so that a refused one leaves the transaction usable.
bool insert_in_savepoint(pqxx::work& tx, const std::string& sql) {
    pqxx::subtransaction sub{tx, "event_insert"};
    try {
        sub.exec(sql);
        sub.commit();
        return true;
    } catch (const pqxx::sql_error&) {
        sub.abort();
        return false;
    }
}

struct write_outcome {
    std::size_t written = 0;
    std::size_t rejected = 0;
};

}  // namespace

event_log::event_log(database& db, event_log_options options) : db_{db}, options_{options} {
    options_.capacity = std::max<std::size_t>(options_.capacity, 1);
    options_.batch_size = std::max<std::size_t>(options_.batch_size, 1);
}

void event_log::append(event_record e) {
    const bool low = is_low(e.severity);
    std::lock_guard lock{mutex_};
    if (low_.size() + high_.size() >= options_.capacity) {
        if (low_.empty() && low) {
            // Everything queued outranks the newcomer, which is the oldest debug/info there is.
            ++dropped_;
            ++unreported_drops_;
            return;
        }
        shrink_to(options_.capacity - 1);
    }
    auto& queue = low ? low_ : high_;
    queue.push_back(entry{next_seq_++, std::move(e)});
}

void event_log::shrink_to(std::size_t limit) {
    while (low_.size() + high_.size() > limit) {
        if (!low_.empty()) {
            low_.pop_front();
            ++dropped_;
        } else {
            high_.pop_front();
            ++dropped_important_;
        }
        ++unreported_drops_;
    }
}

std::vector<event_log::entry> event_log::take_batch() {
    std::vector<entry> out;
    while (out.size() < options_.batch_size && !(low_.empty() && high_.empty())) {
        auto& q = high_.empty()  ? low_
                  : low_.empty() ? high_
                  : low_.front().seq < high_.front().seq ? low_
                                                          : high_;
        out.push_back(std::move(q.front()));
        q.pop_front();
    }
    return out;
}

void event_log::requeue(std::vector<entry> batch) {
    // The batch is older than anything queued since, so it goes back in front, in order.
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
        auto& queue = is_low(it->event.severity) ? low_ : high_;
        queue.push_front(std::move(*it));
    }
    shrink_to(options_.capacity);
}

boost::asio::awaitable<result<std::size_t>> event_log::flush() {
    std::vector<entry> batch;
    std::uint64_t drops = 0;
    {
        std::lock_guard lock{mutex_};
        if (!flushing_) {
            batch = take_batch();
            drops = std::exchange(unreported_drops_, 0);
            flushing_ = !batch.empty() || drops != 0;
        }
    }
    if (batch.empty() && drops == 0) {
        co_return std::size_t{0};
    }

    const std::vector<entry>* rows = &batch;
    auto job = [rows, drops](pqxx::work& tx) {
        // Written off the trading path, but on the one DB thread the order journal also uses: an
        // fsync here would delay the journal insert queued behind it. The audit log may lose its
        // last batch in a crash; the journal and positions do not depend on it.
        tx.exec("SET LOCAL synchronous_commit = off");
        write_outcome out;
        std::vector<std::string> values;
        values.reserve(rows->size() + 1);
        for (const auto& r : *rows) {
            try {
                values.push_back(values_of(tx, r.event));
            } catch (const pqxx::argument_error&) {
                ++out.rejected;  // libpq cannot quote it (not valid in the client encoding)
            }
        }
        const std::size_t events = values.size();
        if (drops != 0) {
            values.push_back(values_of(tx, overflow_event(drops)));
        }
        if (values.empty()) {
            return out;
        }
        std::string all = insert_head;
        for (std::size_t i = 0; i < values.size(); ++i) {
            all += (i == 0 ? "" : ", ") + values[i];
        }
        if (insert_in_savepoint(tx, all)) {
            out.written = events;
            return out;
        }
        for (std::size_t i = 0; i < values.size(); ++i) {
            const bool ok = insert_in_savepoint(tx, insert_head + values[i]);
            if (i < events) {
                ++(ok ? out.written : out.rejected);
            }
        }
        return out;
    };
    auto r = co_await transact(db_, job);

    std::lock_guard lock{mutex_};
    flushing_ = false;
    if (!r) {
        requeue(std::move(batch));
        unreported_drops_ += drops;
        co_return r.error();
    }
    rejected_ += r->rejected;
    co_return r->written;
}

std::size_t event_log::queued() const {
    std::lock_guard lock{mutex_};
    return low_.size() + high_.size();
}

std::uint64_t event_log::dropped() const {
    std::lock_guard lock{mutex_};
    return dropped_;
}

std::uint64_t event_log::dropped_important() const {
    std::lock_guard lock{mutex_};
    return dropped_important_;
}

std::uint64_t event_log::rejected() const {
    std::lock_guard lock{mutex_};
    return rejected_;
}

}  // namespace tradebot::db

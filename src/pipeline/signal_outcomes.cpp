#include "tradebot/pipeline/signal_outcomes.hpp"

#include <utility>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::pipeline {

namespace asio = boost::asio;
using logging::kv;

signal_outcomes::signal_outcomes(events::router& router, db::signal_repository& repo, deferred_signals& deferred,
                                 signals::signal_window window, const core::clock& clock, std::string instance)
    : events_{router.topic<events::signal_event>(events::topic_name::signal_event)},
      repo_{repo},
      deferred_{deferred},
      window_{window},
      clock_{clock},
      instance_{std::move(instance)},
      log_{logging::get("signals")} {}

asio::awaitable<std::vector<signals::signal>> signal_outcomes::validate_rows(std::vector<db::signal_row> rows) {
    std::vector<signals::signal> out;
    out.reserve(rows.size());
    const auto now = clock_.now();
    for (const auto& row : rows) {
        auto v = signals::validate(row);
        if (!v) {
            co_await mark(row.id, db::signal_status::rejected, "rejected", signals::to_string(v.error().reason),
                          v.error().message);
            continue;
        }
        // Judged before the selection: a row outside the window never becomes the newest candle.
        auto judged = window_.judge(*v, now);
        if (judged.verdict == signals::window_verdict::future) {
            co_await mark(row.id, db::signal_status::rejected, "rejected",
                          signals::to_string(signals::reject_reason::future_time), judged.message);
        } else if (judged.verdict == signals::window_verdict::too_old) {
            co_await mark(row.id, db::signal_status::expired, "expired", "too_old", judged.message);
        } else {
            publish(row.id, "received", "valid");
            out.push_back(std::move(*v));
        }
    }
    co_return out;
}

asio::awaitable<bool> signal_outcomes::claim(const signals::signal& s) {
    std::vector<std::int64_t> ids{s.id};
    auto claimed = co_await repo_.claim_by_ids(std::move(ids), instance_);
    co_return claimed && !claimed->empty();
}

asio::awaitable<void> signal_outcomes::decided(const signals::signal& s, const decision& d) {
    switch (d.kind) {
        case verdict::taken:
            co_await mark(s.id, db::signal_status::taken, "taken", d.reason, d.message, d.position);
            break;
        case verdict::skipped:
            co_await mark(s.id, db::signal_status::skipped, "skipped", d.reason, d.message);
            break;
        case verdict::failed:
            co_await mark(s.id, db::signal_status::failed, "failed", d.reason, d.message, d.position);
            break;
        case verdict::deferred:
            co_await defer(s, d.reason, d.message);
            break;
        case verdict::elsewhere:
            publish(s.id, "skipped", "taken_elsewhere");
            deferred_.forget(s.id);
            logging::info(log_, "signal decided elsewhere", kv("id", s.id), kv("detail", d.message));
            break;
    }
}

asio::awaitable<void> signal_outcomes::defer(const signals::signal& s, std::string_view reason, std::string message) {
    if (!deferred_.contains(s.id)) {
        // Claimed now, so that no other reader decides it while it waits; a row claimed from the
        // table or chosen by a wave is ours already and the claim just confirms it.
        std::vector<std::int64_t> ids{s.id};
        auto claimed = co_await repo_.claim_by_ids(std::move(ids), instance_);
        if (!claimed) {
            // Left new and unclaimed: the next read finds it again.
            logging::warn(log_, "cannot claim a deferred signal", kv("id", s.id), kv("error", claimed.error().describe()));
            co_return;
        }
        if (claimed->empty()) {
            co_return;  // decided or claimed by another meanwhile
        }
    }
    const auto pause = deferred_.note(s, reason, std::move(message), clock_.now(), clock_.steady_now());
    const auto& d = *deferred_.find(s.id);
    if (!pause) {
        co_await expire(d, "its window closed");
        co_return;
    }
    publish(s.id, "deferred", reason, d.message);
    logging::info(log_, "signal deferred", kv("id", s.id), kv("reason", reason), kv("detail", d.message),
                  kv("attempt", d.attempts), kv("retry_in_s", pause->count()));
}

asio::awaitable<void> signal_outcomes::expire(const deferred_signals::entry& d, std::string_view why) {
    // Copied first: mark() drops the entry `d` may refer to.
    const auto id = d.sig.id;
    const auto reason = d.reason;
    const auto detail = deferred_signals::expiry_detail(d, why);
    co_await mark(id, db::signal_status::expired, "expired", reason, detail);
}

asio::awaitable<void> signal_outcomes::mark(std::int64_t id, db::signal_status status, std::string_view outcome,
                                            std::string_view reason, std::string_view message,
                                            std::optional<std::int64_t> position) {
    deferred_.forget(id);
    publish(id, outcome, reason, message, position);
    logging::info(log_, "signal decided", kv("id", id), kv("outcome", outcome), kv("reason", reason),
                  kv("detail", message));
    auto text = std::string{reason};
    if (!message.empty()) {
        text.append(": ").append(message);
    }
    auto saved = co_await repo_.mark(id, status, std::move(text), instance_, position);
    if (!saved) {
        logging::error(log_, "cannot record the signal's outcome", kv("id", id), kv("error", saved.error().describe()));
    } else if (!*saved) {
        logging::info(log_, "signal outcome not recorded: decided or claimed by another", kv("id", id));
    }
}

void signal_outcomes::publish(std::int64_t id, std::string_view outcome, std::string_view reason,
                              std::string_view detail, std::optional<std::int64_t> position) {
    events::signal_event e;
    e.signal_id = id;
    e.outcome = outcome;
    e.reason = reason;
    e.detail = detail;
    e.position_id = position;
    e.ts = clock_.now();
    events_.publish(e);
}

}  // namespace tradebot::pipeline

#include "tradebot/trading/stop_loss_manager.hpp"

#include <utility>
#include <variant>

#include "tradebot/db/order_store.hpp"
#include "tradebot/logging/crash_point.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

exchange::stop_trigger trigger_of(const protection::stop_policy& policy) {
    return policy.settings().trigger == config::trigger_price::last ? exchange::stop_trigger::last
                                                                    : exchange::stop_trigger::mark;
}

exchange::stop_request fixed_stop(const stop_target& target, core::decimal trigger, core::client_order_id id,
                                  exchange::stop_trigger trigger_by) {
    exchange::stop_request request;
    request.trigger_by = trigger_by;
    request.symbol = target.symbol;
    request.position = target.side;
    request.kind = exchange::stop_kind::fixed;
    request.trigger_price = trigger;
    request.client_id = id;
    return request;
}

}  // namespace

stop_loss_manager::stop_loss_manager(exchange::venue_client& venue, db::order_store& journal,
                                     protection::stop_policy policy, core::mode mode,
                                     std::shared_ptr<spdlog::logger> log)
    : venue_{venue}, journal_{journal}, policy_{std::move(policy)}, mode_{mode}, log_{std::move(log)} {}

asio::awaitable<stop_outcome> stop_loss_manager::place_initial(stop_target target, exchange::instrument_rules rules) {
    co_return co_await place(std::move(target), std::move(rules), basis::initial);
}

asio::awaitable<stop_outcome> stop_loss_manager::restore(stop_target target, exchange::instrument_rules rules) {
    co_return co_await place(std::move(target), std::move(rules), basis::restore);
}

asio::awaitable<stop_outcome> stop_loss_manager::place(stop_target target, exchange::instrument_rules rules, basis b) {
    stop_outcome out;
    const int attempts = std::max(1, policy_.settings().place_attempts);
    auto known_mark = target.known_mark;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        // A fresh mark for every attempt: the check against it is what keeps the stop placeable.
        core::decimal mark_price;
        const bool from_list = attempt == 0 && known_mark.has_value();
        if (from_list) {
            mark_price = *known_mark;
        } else {
            auto mark = co_await venue_.mark_price(target.symbol, exchange::request_priority::critical);
            if (!mark) {
                out.reason = "no mark price";
                out.error = mark.error();
                continue;
            }
            mark_price = mark->mark_price;
        }
        protection::stop_inputs in;
        in.side = target.side;
        in.entry_price = target.entry_price;
        in.mark_price = mark_price;
        in.attempt = attempt;
        in.last_stop = target.last_stop;
        const auto decision =
            b == basis::initial ? policy_.initial_stop(rules, in) : policy_.restore_stop(rules, in);
        if (const auto* refused = std::get_if<protection::stop_refused>(&decision)) {
            if (from_list) {
                // A refusal closes the position: never on a mark the venue's list may have had
                // for a while (a paper venue lists a restored position at its entry price).
                known_mark.reset();
                --attempt;
                continue;
            }
            out.reason = std::string{"stop refused by policy: "} + std::string{protection::to_string(refused->reason)};
            out.error.reset();
            out.refusal = refused->reason;
            co_return out;
        }
        const auto trigger = std::get<protection::place_stop>(decision).trigger;
        auto journaled = co_await journal_attempt(target, trigger, core::order_purpose::stop);
        if (!journaled) {
            out.reason = "order journal unavailable";
            continue;
        }
        logging::crash_point(log_, "stop_journaled");
        auto request = fixed_stop(target, trigger, journaled->second, trigger_of(policy_));
        auto placed = co_await venue_.place_stop(std::move(request));
        logging::crash_point(log_, "stop_sent");
        co_await journal_result(target.position_id, journaled->first, placed);
        logging::crash_point(log_, "stop_recorded");
        if (placed) {
            out.placed = stop_placed{*placed, trigger, attempt + 1};
            out.reason.clear();
            out.error.reset();
            co_return out;
        }
        out.error = placed.error();
        out.reason = "stop rejected: " + placed.error().describe();
        logging::warn(log_, "stop placement failed", kv("position", target.position_id),
                      kv("symbol", target.symbol.str()), kv("attempt", attempt + 1), kv("trigger", trigger.to_string()),
                      kv("error", placed.error().describe()));
        switch (placed.error().kind) {
            case exchange::error_kind::unknown_outcome:
            case exchange::error_kind::bad_response:
            case exchange::error_kind::duplicate_client_id:
                // It may be live: look before sending another one.
                if (auto live = co_await find_live_stop(target)) {
                    const auto live_trigger = live->trigger_price.value_or(trigger);
                    out.placed = stop_placed{*live, live_trigger, attempt + 1};
                    out.reason.clear();
                    out.error.reset();
                    co_return out;
                }
                break;
            case exchange::error_kind::would_trigger_immediately:
            case exchange::error_kind::retryable:
            case exchange::error_kind::rate_limited:
            case exchange::error_kind::clock_skew:
                break;
            default:
                co_return out;
        }
    }
    if (out.reason.empty()) {
        out.reason = "stop not placed";
    }
    co_return out;
}

asio::awaitable<stop_outcome> stop_loss_manager::move(stop_target target, exchange::stop_state current,
                                                      core::decimal trigger) {
    stop_outcome out;
    auto journaled = co_await journal_attempt(target, trigger, core::order_purpose::trailing);
    if (!journaled) {
        out.reason = "order journal unavailable";
        co_return out;
    }
    logging::crash_point(log_, "trail_journaled");
    auto request = fixed_stop(target, trigger, journaled->second, trigger_of(policy_));
    auto moved = co_await venue_.amend_stop(std::move(current), std::move(request));
    logging::crash_point(log_, "trail_sent");
    co_await journal_result(target.position_id, journaled->first, moved);
    logging::crash_point(log_, "trail_recorded");
    if (moved) {
        out.placed = stop_placed{*moved, trigger, 1};
        co_return out;
    }
    out.error = moved.error();
    out.reason = "stop move rejected: " + moved.error().describe();
    co_return out;
}

asio::awaitable<stop_outcome> stop_loss_manager::place_trailing(stop_target target, core::decimal callback_pct) {
    stop_outcome out;
    auto journaled =
        co_await journal_attempt(target, std::nullopt, core::order_purpose::trailing, core::order_type::trailing_stop_market);
    if (!journaled) {
        out.reason = "order journal unavailable";
        co_return out;
    }
    exchange::stop_request request;
    request.symbol = target.symbol;
    request.position = target.side;
    request.kind = exchange::stop_kind::trailing;
    request.callback_pct = callback_pct;
    request.client_id = journaled->second;
    request.trigger_by = trigger_of(policy_);
    auto placed = co_await venue_.place_stop(std::move(request));
    co_await journal_result(target.position_id, journaled->first, placed, false);
    if (placed) {
        out.placed = stop_placed{*placed, core::decimal{}, 1};
        co_return out;
    }
    out.error = placed.error();
    out.reason = "venue trailing stop rejected: " + placed.error().describe();
    co_return out;
}

asio::awaitable<int> stop_loss_manager::cancel_all(core::symbol symbol) {
    auto stops = co_await venue_.open_stops(symbol);
    if (!stops) {
        logging::warn(log_, "cannot list stops to cancel", kv("symbol", symbol.str()),
                      kv("error", stops.error().describe()));
        co_return 0;
    }
    int cancelled = 0;
    for (auto& s : *stops) {
        auto r = co_await venue_.cancel_stop(s);
        if (r || r.error().kind == exchange::error_kind::unknown_order) {
            ++cancelled;
        } else {
            logging::warn(log_, "stop cancel failed", kv("symbol", symbol.str()), kv("error", r.error().describe()));
        }
    }
    co_return cancelled;
}

asio::awaitable<bool> stop_loss_manager::cancel_duplicate(exchange::stop_state duplicate) {
    auto r = co_await venue_.cancel_stop(duplicate);
    const bool gone = r || r.error().kind == exchange::error_kind::unknown_order;
    if (gone && duplicate.client_id) {
        db::order_update u;
        u.status = db::order_status::canceled;
        u.error_message = "duplicate stop";
        (void)co_await journal_.update_from_venue(duplicate.client_id->str(), std::move(u));
    }
    logging::warn(log_, "duplicate stop cancelled", kv("symbol", duplicate.symbol.str()),
                  kv("venue_id", duplicate.venue_id), kv("ok", gone));
    co_return gone;
}

asio::awaitable<std::optional<std::pair<std::int64_t, core::client_order_id>>> stop_loss_manager::journal_attempt(
    const stop_target& target, std::optional<core::decimal> trigger, core::order_purpose purpose,
    core::order_type type) {
    db::order_record row;
    row.position_id = target.position_id;
    row.exchange = venue_.venue();
    row.symbol = target.symbol;
    row.mode = mode_;
    row.purpose = purpose;
    row.side = core::exit_side(target.side);
    row.type = type;
    row.quantity = target.quantity;
    row.stop_price = trigger;
    row.reduce_only = true;
    auto journaled = co_await journal_.insert_next_attempt(std::move(row));
    if (!journaled) {
        logging::error(log_, "stop not journalled", kv("position", target.position_id),
                       kv("error", journaled.error().describe()));
        co_return std::nullopt;
    }
    co_return std::make_pair(journaled->id, journaled->client_id);
}

asio::awaitable<void> stop_loss_manager::journal_result(std::int64_t position_id, std::int64_t journal_id,
                                                        const exchange::result<exchange::stop_state>& r,
                                                        bool replaces) {
    db::order_update u;
    if (r) {
        u.status = db::order_status::new_;
        if (!r->venue_id.empty()) {
            u.venue_order_id = r->venue_id;
        }
    } else {
        u.status = r.error().kind == exchange::error_kind::unknown_outcome ? db::order_status::unknown
                                                                            : db::order_status::rejected;
        u.error_code = std::to_string(r.error().venue_code);
        u.error_message = r.error().message;
    }
    auto saved = co_await journal_.update(journal_id, std::move(u));
    if (!saved) {
        logging::error(log_, "stop journal update failed", kv("journal_id", journal_id),
                       kv("error", saved.error().describe()));
    }
    if (replaces && r && !r->client_id) {
        auto ended = co_await journal_.end_open_stops(position_id, db::order_status::canceled, "replaced", journal_id);
        if (!ended) {
            logging::warn(log_, "replaced stops not journaled", kv("position", position_id),
                          kv("error", ended.error().describe()));
        }
    }
}

asio::awaitable<std::optional<exchange::stop_state>> stop_loss_manager::find_live_stop(const stop_target& target) {
    auto stops = co_await venue_.open_stops(target.symbol);
    if (!stops) {
        co_return std::nullopt;
    }
    for (auto& s : *stops) {
        if (s.position == target.side) {
            co_return s;
        }
    }
    co_return std::nullopt;
}

}  // namespace tradebot::trading

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/protection/stop_policy.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::db {
class order_store;
}

namespace tradebot::trading {

// The position a stop protects, as the stop loss manager needs it.
struct stop_target {
    std::int64_t position_id = 0;
    core::symbol symbol;
    core::position_side side = core::position_side::long_;
    core::decimal quantity;
    core::decimal entry_price;
    std::optional<core::decimal> last_stop;  // the recorded stop: restore() never places a looser one
    // A mark read moments ago (the reconcile's position list): the first attempt uses it instead
    // of a mark read of its own; a retry always reads the mark again.
    std::optional<core::decimal> known_mark;
};

struct stop_placed {
    exchange::stop_state stop;
    core::decimal trigger;
    int attempts = 1;
};

// Either a live stop, or why there is none.
struct stop_outcome {
    std::optional<stop_placed> placed;
    std::string reason;  // when not placed: for the position's close_reason and the log
    // The last venue error, when the venue refused (nullopt: the policy refused to place at all).
    std::optional<exchange::error> error;
    // Why the policy refused to place at all (nullopt: it did not refuse).
    std::optional<protection::stop_refusal> refusal;

    [[nodiscard]] explicit operator bool() const noexcept { return placed.has_value(); }
};

// The only code that creates, moves or cancels protective stops (DESIGN.md rule 3). Every stop
// request is journalled first (purpose stop, type stop_market) so that its client id is derived
// from durable state; prices come from protection::stop_policy and are checked against a fresh mark.
//
// place(): up to stop_loss.place_attempts attempts; "would trigger immediately" re-reads the mark
// and widens the distance by the safety margin; an unknown outcome is settled by reading the
// venue's open stops before anything else is sent. move(): gap-free (the adapter's amend_stop).
class stop_loss_manager {
public:
    stop_loss_manager(exchange::venue_client& venue, db::order_store& journal, protection::stop_policy policy,
                      core::mode mode, std::shared_ptr<spdlog::logger> log);

    // The first stop of a freshly filled position: from the fill price (target.entry_price).
    [[nodiscard]] boost::asio::awaitable<stop_outcome> place_initial(stop_target target,
                                                                     exchange::instrument_rules rules);
    // A live position found without a stop: from the entry, or the mark if it drifted too far.
    [[nodiscard]] boost::asio::awaitable<stop_outcome> restore(stop_target target, exchange::instrument_rules rules);
    // Moves `current` to `trigger` (already on the tick grid and on the protective side).
    [[nodiscard]] boost::asio::awaitable<stop_outcome> move(stop_target target, exchange::stop_state current,
                                                            core::decimal trigger);
    // Hands the trailing to the venue (protection.trailing.venue_native): its own trailing stop,
    // active at once, `callback_pct` behind the best price; the fixed stop stays. One attempt.
    [[nodiscard]] boost::asio::awaitable<stop_outcome> place_trailing(stop_target target, core::decimal callback_pct);
    // Cancels every stop of the symbol (after the position is gone: an orphan stop could open a
    // position the other way, original-bot.md §4.1).
    [[nodiscard]] boost::asio::awaitable<int> cancel_all(core::symbol symbol);
    // Cancels one stop of a live position that has another (a duplicate: two stops can both fire
    // and over-close, original-bot.md §11 #18-19). True when it is gone.
    [[nodiscard]] boost::asio::awaitable<bool> cancel_duplicate(exchange::stop_state duplicate);

    [[nodiscard]] const protection::stop_policy& policy() const noexcept { return policy_; }

private:
    enum class basis : std::uint8_t { initial, restore };
    boost::asio::awaitable<stop_outcome> place(stop_target target, exchange::instrument_rules rules, basis b);
    // Journals one stop attempt; nullopt when the journal is unavailable (nothing is sent then).
    boost::asio::awaitable<std::optional<std::pair<std::int64_t, core::client_order_id>>> journal_attempt(
        const stop_target& target, std::optional<core::decimal> trigger, core::order_purpose purpose,
        core::order_type type = core::order_type::stop_market);
    // The venue's answer on the stop's row; a fixed stop the venue knows without our client id
    // (one per position, replaced in place) also ends the position's older stop rows when
    // `replaces`: no report will.
    boost::asio::awaitable<void> journal_result(std::int64_t position_id, std::int64_t journal_id,
                                                const exchange::result<exchange::stop_state>& r, bool replaces = true);
    boost::asio::awaitable<std::optional<exchange::stop_state>> find_live_stop(const stop_target& target);

    exchange::venue_client& venue_;
    db::order_store& journal_;
    protection::stop_policy policy_;
    core::mode mode_;
    std::shared_ptr<spdlog::logger> log_;
};

}  // namespace tradebot::trading

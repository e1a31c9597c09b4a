#include "tradebot/pipeline/entry_decider.hpp"

#include <algorithm>
#include <utility>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/signals/spread.hpp"

namespace tradebot::pipeline {

namespace asio = boost::asio;
using logging::kv;

namespace {

// A datum that could not be read, as opposed to a rule that said no: the decision waits.
bool transient(signals::skip_reason r) noexcept { return r == signals::skip_reason::no_market_data; }
bool transient(trading::risk_reason r) noexcept {
    return r == trading::risk_reason::balance_unknown || r == trading::risk_reason::pnl_unknown;
}

decision skipped(std::string_view reason, std::string message) {
    return decision{verdict::skipped, std::string{reason}, std::move(message), std::nullopt};
}

decision of(const signals::skip& sk) {
    return decision{transient(sk.reason) ? verdict::deferred : verdict::skipped,
                    std::string{signals::to_string(sk.reason)}, sk.message, std::nullopt};
}

decision of(const trading::rejection& r) {
    return decision{transient(r.reason) ? verdict::deferred : verdict::skipped,
                    std::string{trading::to_string(r.reason)}, r.message, std::nullopt};
}

}  // namespace

entry_decider::entry_decider(trading_port& port, decision_sink& sink, trading::trading_metrics& metrics,
                             const config::settings& settings, const core::clock& clock, std::string instance)
    : port_{port},
      sink_{sink},
      metrics_{metrics},
      settings_{settings},
      clock_{clock},
      instance_{std::move(instance)},
      log_{logging::get("signals")},
      selector_{signals::wave_selector::from_settings(settings.signals)},
      filters_{settings},
      risk_{settings},
      account_{port, settings, clock} {
    const auto& f = settings.signals.filters;
    logging::info(log_, "market filters", kv("open_interest", f.open_interest_enabled),
                  kv("volume_1h", f.volume_enabled), kv("price_change_5min", f.price_change_enabled),
                  kv("source", stats_wanted() ? "venue REST per candidate, once per batch" : "none needed"));
}

void entry_decider::read_began() noexcept { woke_ = clock_.steady_now(); }

void entry_decider::read_answered() noexcept { read_done_ = step_from_ = clock_.steady_now(); }

void entry_decider::read_at(std::chrono::steady_clock::time_point began,
                            std::chrono::steady_clock::time_point answered) noexcept {
    woke_ = began;
    read_done_ = step_from_ = answered;
}

bool entry_decider::stats_wanted() const noexcept {
    const auto& f = settings_.signals.filters;
    return f.open_interest_enabled || f.volume_enabled || f.price_change_enabled;
}

asio::awaitable<void> entry_decider::decide(std::vector<signals::signal> batch, std::optional<signals::wave> wave,
                                            wave_state& state) {
    if (batch.empty()) {
        co_return;
    }
    batch_started_ = clock_.steady_now();
    auto snap = co_await snapshot_for(batch);
    const auto judged = co_await filter(batch, wave, snap);
    std::optional<core::clock::time_point> candle;
    if (wave) {
        candle = wave->candle_open;
    }
    const auto selection = selector_.select(
        batch, [&judged](const signals::signal& s) { return judged.at(s.id); }, candle);
    std::optional<trading::portfolio> portfolio;
    for (const auto& ex : selection.exchanges) {
        for (const auto& sk : ex.skipped) {
            const auto d = of(sk.why);
            co_await sink_.decided(sk.sig, d);
        }
        for (const auto& s : ex.selected) {
            if (stopped_) {
                co_return;
            }
            co_await decide_selected(s, ex, wave, state, snap, portfolio);
        }
    }
}

asio::awaitable<signals::market_snapshot> entry_decider::snapshot_for(const std::vector<signals::signal>& batch) {
    signals::market_snapshot snap;
    for (const auto& s : batch) {
        const signals::instrument_key key{s.exchange, s.symbol};
        if (snap.instruments.contains(key)) {
            continue;
        }
        if (const auto* rules = port_.rules(s.exchange, s.symbol)) {
            snap.instruments.emplace(key, *rules);
            auto mark_price = co_await port_.mark(s.exchange, s.symbol);
            signals::market_data data;
            if (mark_price) {
                data.price = mark_price->mark_price;
            }
            snap.market.emplace(key, data);
        }
    }
    port_.open_keys(snap.open_positions);
    co_return snap;
}

asio::awaitable<entry_decider::verdicts> entry_decider::filter(const std::vector<signals::signal>& batch,
                                                               const std::optional<signals::wave> & wave,
                                                               signals::market_snapshot& snap) {
    // The chain in its two halves, each once per signal: the market numbers (OI, volume, change)
    // are read between them, and only for the signals the first half (position, lists,
    // tradability, price, size) let through. The newest candle of a key is its signals' time.
    verdicts out;
    std::map<signals::instrument_key, core::clock::time_point> wanted;
    for (const auto& s : batch) {
        if (wave && s.candle_time > wave->candle_open) {
            continue;  // a later wave's: the selection leaves it untouched
        }
        auto why = filters_.check_instrument(s, snap);
        if (!why && stats_wanted()) {
            auto& at = wanted[signals::instrument_key{s.exchange, s.symbol}];
            at = std::max(at, s.candle_time);
        }
        out.insert_or_assign(s.id, std::move(why));
    }
    if (!wanted.empty()) {
        co_await add_market_stats(wanted, snap);
    }
    for (const auto& s : batch) {
        const auto it = out.find(s.id);
        if (it != out.end() && !it->second) {
            it->second = filters_.check_market_and_slots(s, snap);
        }
    }
    co_return out;
}

asio::awaitable<void> entry_decider::add_market_stats(
    const std::map<signals::instrument_key, core::clock::time_point>& wanted, signals::market_snapshot& snap) {
    const auto& f = settings_.signals.filters;
    std::size_t failed = 0;
    std::string first_error;
    // Serially: a handful of candidates per batch, each a few weight-1 reads that the venue's rate
    // limiter paces anyway.
    for (const auto& [key, at] : wanted) {
        exchange::market_stats_request request;
        request.symbol = key.symbol;
        request.signal_ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
        request.open_interest = f.open_interest_enabled;
        request.volume_1h = f.volume_enabled;
        request.price_change_5min = f.price_change_enabled;
        auto stats = co_await port_.market_stats(key.exchange, std::move(request));
        if (!stats) {
            if (failed++ == 0) {
                first_error = key.symbol.str() + " on " + std::string{core::to_string(key.exchange)} + ": " +
                              stats.error().describe();
            }
            continue;  // the numbers stay unknown: no_market_data, fail closed
        }
        auto& data = snap.market[key];
        data.open_interest_usdt = stats->open_interest_usdt;
        data.volume_1h_usdt = stats->volume_1h_usdt;
        data.price_change_5min_percent = stats->price_change_5min_percent;
    }
    if (failed > 0) {
        logging::warn(log_, "market data for the filters unavailable; those signals are skipped as no_market_data",
                      kv("failed", failed), kv("of", wanted.size()), kv("first", first_error));
    }
}

asio::awaitable<void> entry_decider::decide_selected(const signals::signal& s, const signals::exchange_selection& ex,
                                                     const std::optional<signals::wave>& wave, wave_state& state,
                                                     signals::market_snapshot& snap,
                                                     std::optional<trading::portfolio>& portfolio) {
    if (state.opened[ex.exchange] >= ex.max_trades) {
        const auto d = skipped("wave_full", "the wave already opened max_trades_per_wave positions");
        co_await sink_.decided(s, d);
        co_return;
    }
    if (wave && !co_await sink_.claim(s)) {
        co_return;  // another instance took it, or it was decided meanwhile
    }
    // The chain passed this signal against the snapshot's positions; only they can have changed
    // since (earlier entries of this batch), so only the steps that count them run again.
    port_.open_keys(snap.open_positions);
    snap.in_flight.clear();
    if (auto sk = filters_.check_positions(s, snap)) {
        const auto d = of(*sk);
        co_await sink_.decided(s, d);
        co_return;
    }
    if (auto d = co_await check_spread(s)) {
        co_await sink_.decided(s, *d);
        co_return;
    }
    const signals::instrument_key key{s.exchange, s.symbol};
    const auto price = snap.market.at(key).price.value_or(core::decimal{});
    auto sized = risk_.size_quantity(settings_.trading.position_size_usd, price, snap.instruments.at(key));
    if (!sized) {
        const auto d = skipped(trading::to_string(sized.error().reason), sized.error().message);
        co_await sink_.decided(s, d);
        co_return;
    }
    trading::entry_intent intent;
    intent.signal_id = s.id;
    intent.signal_owner = instance_;
    intent.exchange = s.exchange;
    intent.symbol = s.symbol;
    intent.side = s.side == core::side::buy ? core::position_side::long_ : core::position_side::short_;
    intent.quantity = sized->quantity;
    intent.reference_price = price;
    intent.leverage = settings_.leverage_for(s.exchange);
    intent.max_notional = co_await port_.max_notional(s.exchange, s.symbol, intent.leverage);
    if (!portfolio) {
        // Daily PnL, balances and the kill switch are read once per batch and after each entry,
        // not per signal: round trips the signal -> order path should not repeat. Only the
        // signal's venue's balance: another venue's may not be readable now (C3).
        portfolio = co_await account_.read(s.exchange);
    } else if (!portfolio->free_balance_usd.contains(s.exchange)) {
        co_await account_.add_balance(*portfolio, s.exchange);
    }
    portfolio->positions = port_.exposures();
    if (auto ok = risk_.check(intent, *portfolio); !ok) {
        const auto d = of(ok.error());
        if (d.kind == verdict::deferred) {
            portfolio.reset();  // read again for the next signal: the fault may have passed
        }
        co_await sink_.decided(s, d);
        co_return;
    }
    co_await enter(s, std::move(intent), ex, state, portfolio);
}

asio::awaitable<std::optional<decision>> entry_decider::check_spread(const signals::signal& s) {
    const auto& t = settings_.trading;
    // Only a check that may refuse the entry waits for the venue (see quote_wait).
    auto top = co_await port_.book_top(s.exchange, s.symbol,
                                       t.block_on_spread ? quote_wait::read : quote_wait::cached_only);
    std::optional<core::decimal> spread;
    if (top) {
        spread = signals::spread_percent(top->bid, top->ask);
    }
    if (!spread) {
        const auto why = top ? "no two-sided book (bid " + top->bid.to_string() + ", ask " + top->ask.to_string() + ")"
                             : top.error().describe();
        metrics_.spread_check(s.exchange, "unknown");
        if (t.block_on_spread) {
            logging::warn(log_, "spread unknown, entry deferred", kv("signal", s.id),
                          kv("exchange", core::to_string(s.exchange)), kv("symbol", s.symbol.str()), kv("error", why));
            co_return decision{verdict::deferred, "spread_unknown", "best bid/ask unknown: " + why, std::nullopt};
        }
        logging::info(log_, "spread unknown, entry goes ahead", kv("signal", s.id),
                      kv("exchange", core::to_string(s.exchange)), kv("symbol", s.symbol.str()), kv("error", why),
                      kv("block_on_spread", false));
        co_return std::nullopt;
    }
    if (*spread <= t.max_spread_percent) {
        metrics_.spread_check(s.exchange, "within");
        co_return std::nullopt;
    }
    metrics_.spread_check(s.exchange, t.block_on_spread ? "wide_blocked" : "wide_logged");
    logging::warn(log_, "spread above max_spread_percent", kv("signal", s.id),
                  kv("exchange", core::to_string(s.exchange)), kv("symbol", s.symbol.str()),
                  kv("bid", top->bid.to_string()), kv("ask", top->ask.to_string()),
                  kv("spread_percent", spread->to_string()), kv("max_spread_percent", t.max_spread_percent.to_string()),
                  kv("blocked", t.block_on_spread));
    if (!t.block_on_spread) {
        co_return std::nullopt;
    }
    co_return skipped("spread_too_wide", "spread " + spread->to_string() + " % above max_spread_percent " +
                                             t.max_spread_percent.to_string() + " % (bid " + top->bid.to_string() +
                                             ", ask " + top->ask.to_string() + ")");
}

asio::awaitable<void> entry_decider::enter(const signals::signal& s, trading::entry_intent intent,
                                           const signals::exchange_selection& ex, wave_state& state,
                                           std::optional<trading::portfolio>& portfolio) {
    const auto handed = clock_.steady_now();
    auto opened = co_await port_.open(std::move(intent));
    metrics_.signal_to_order(std::chrono::duration<double>(clock_.steady_now() - batch_started_).count());
    if (opened.entry_sent) {
        using seconds = std::chrono::duration<double>;
        metrics_.signal_to_entry_sent(seconds(*opened.entry_sent - woke_).count());
        metrics_.signal_path(seconds(read_done_ - woke_).count(), seconds(handed - step_from_).count(),
                             seconds(*opened.entry_sent - handed).count());
    }
    step_from_ = clock_.steady_now();
    if (opened.entry_sent || opened.kind == trading::open_result_kind::protected_) {
        // The wave's limit counts every entry that went out, whatever became of it (closed
        // unprotected, or left to the reconciler).
        ++state.opened[ex.exchange];
        portfolio.reset();  // the balance changed: read it again before the next entry
    }
    decision d;
    switch (opened.kind) {
        case trading::open_result_kind::protected_:
            d = decision{verdict::taken, "opened", "position protected", opened.position_id};
            break;
        case trading::open_result_kind::already_live:
            d = skipped("already_open", opened.reason);
            break;
        case trading::open_result_kind::not_filled:
            // The slippage bound said no, as a filter would: the market moved away.
            d = skipped("entry_not_filled", opened.reason);
            break;
        case trading::open_result_kind::signal_taken:
            // Not ours to record: the claimer that has it decides it.
            d = decision{verdict::elsewhere, "taken_elsewhere", opened.reason, std::nullopt};
            break;
        default:
            d = decision{verdict::failed, std::string{trading::to_string(opened.kind)}, opened.reason,
                         opened.position_id > 0 ? std::optional<std::int64_t>{opened.position_id} : std::nullopt};
            break;
    }
    co_await sink_.decided(s, d);
}

}  // namespace tradebot::pipeline

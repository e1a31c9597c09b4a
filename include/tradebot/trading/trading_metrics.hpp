#pragma once

#include <optional>
#include <string_view>

#include "tradebot/core/types.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace tradebot::trading {

// The trading core's Prometheus metrics, one set per process (label exchange where it applies):
//   tradebot_signals_total{outcome, reason}      taken / rejected / skipped, and why
//   tradebot_positions_open{exchange}            live positions
//   tradebot_entries_total{exchange, result}     how opens ended (open_result_kind)
//   tradebot_exits_total{exchange, reason}       closes by reason (stop_loss, trailing, aged_*, ...)
//   tradebot_stop_moves_total{exchange, result}  trailing moves confirmed / rejected
//   tradebot_stops_restored_total{exchange}      stops found missing and placed again
//   tradebot_mark_resubscribes_total{exchange}   live positions' symbols resubscribed because
//                                                their marks stopped (trading.mark_stale_seconds)
//   tradebot_realized_pnl_usdt{exchange}         realized PnL since start
//   tradebot_wallet_balance{exchange, asset}     the venue's last wallet balance report
//   tradebot_available_balance{exchange, asset}  its available balance, where the venue sends one
//   tradebot_signal_to_order_seconds             signal row seen -> entry order answered
//   tradebot_signal_to_entry_sent_seconds        wake-up (NOTIFY, poll, wave check) -> entry order
//                                                handed to the venue client (issue 7's signal row)
//   tradebot_signal_path_seconds{step}           the same split into its steps: read (the claim or
//                                                the wave's read), decide (validation, filters,
//                                                sizing, risk), rows (positions and journal rows,
//                                                with the leverage call beside them)
//   tradebot_positions_unprotected{exchange}     live positions the book holds without a stop
//                                                (the alert rule PositionWithoutStop)
//   tradebot_entry_spread_checks_total{exchange, result}  the spread check before each entry:
//                                                within, wide_logged, wide_blocked, unknown
class trading_metrics {
public:
    explicit trading_metrics(prometheus::Registry& registry);

    void signal(std::string_view outcome, std::string_view reason);
    void set_open_positions(core::exchange_id venue, double count);
    void set_unprotected_positions(core::exchange_id venue, double count);
    void entry(core::exchange_id venue, std::string_view result);
    void exit(core::exchange_id venue, std::string_view reason);
    void stop_move(core::exchange_id venue, bool confirmed);
    void stop_restored(core::exchange_id venue);
    void mark_resubscribes(core::exchange_id venue, double symbols);
    void realized_pnl(core::exchange_id venue, double delta);
    void balance(core::exchange_id venue, std::string_view asset, double wallet, std::optional<double> available);
    // result: within, wide_logged, wide_blocked, unknown (trading.max_spread_percent).
    void spread_check(core::exchange_id venue, std::string_view result);
    void signal_to_order(double seconds);
    void signal_to_entry_sent(double seconds);
    void signal_path(double read_seconds, double decide_seconds, double rows_seconds);

private:
    prometheus::Family<prometheus::Counter>& signals_;
    prometheus::Family<prometheus::Gauge>& open_;
    prometheus::Family<prometheus::Gauge>& unprotected_;
    prometheus::Family<prometheus::Counter>& entries_;
    prometheus::Family<prometheus::Counter>& exits_;
    prometheus::Family<prometheus::Counter>& moves_;
    prometheus::Family<prometheus::Counter>& restored_;
    prometheus::Family<prometheus::Counter>& resubscribes_;
    prometheus::Family<prometheus::Gauge>& pnl_;
    prometheus::Family<prometheus::Gauge>& wallet_;
    prometheus::Family<prometheus::Gauge>& available_;
    prometheus::Family<prometheus::Counter>& spreads_;
    prometheus::Histogram& latency_;
    prometheus::Histogram& to_sent_;
    prometheus::Family<prometheus::Histogram>& path_;
    prometheus::Histogram& read_;
    prometheus::Histogram& decide_;
    prometheus::Histogram& rows_;
};

}  // namespace tradebot::trading

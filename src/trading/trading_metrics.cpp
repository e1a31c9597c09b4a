#include "tradebot/trading/trading_metrics.hpp"

#include <map>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace tradebot::trading {

namespace {

// 50 µs .. 2.5 s: the NOTIFY path should sit in the first buckets, a REST round trip later.
prometheus::Histogram::BucketBoundaries latency_buckets() {
    return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
}

prometheus::Histogram& latency_histogram(prometheus::Registry& registry, const std::string& name,
                                         const std::string& help) {
    return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add({}, latency_buckets());
}

std::string label(core::exchange_id v) { return std::string{core::to_string(v)}; }

}  // namespace

trading_metrics::trading_metrics(prometheus::Registry& registry)
    : signals_{prometheus::BuildCounter()
                   .Name("tradebot_signals_total")
                   .Help("Signals decided, by outcome and reason")
                   .Register(registry)},
      open_{prometheus::BuildGauge().Name("tradebot_positions_open").Help("Live positions").Register(registry)},
      unprotected_{prometheus::BuildGauge()
                       .Name("tradebot_positions_unprotected")
                       .Help("Live positions without a stop (venue-native trailing counts as one)")
                       .Register(registry)},
      entries_{prometheus::BuildCounter()
                   .Name("tradebot_entries_total")
                   .Help("Position opens by how they ended")
                   .Register(registry)},
      exits_{prometheus::BuildCounter().Name("tradebot_exits_total").Help("Position closes by reason").Register(registry)},
      moves_{prometheus::BuildCounter()
                 .Name("tradebot_stop_moves_total")
                 .Help("Trailing stop moves by result")
                 .Register(registry)},
      restored_{prometheus::BuildCounter()
                    .Name("tradebot_stops_restored_total")
                    .Help("Stops found missing on the venue and placed again")
                    .Register(registry)},
      resubscribes_{prometheus::BuildCounter()
                        .Name("tradebot_mark_resubscribes_total")
                        .Help("Symbols of live positions resubscribed because their marks stopped arriving")
                        .Register(registry)},
      pnl_{prometheus::BuildGauge()
               .Name("tradebot_realized_pnl_usdt")
               .Help("Realized PnL of positions closed since start (USDT)")
               .Register(registry)},
      wallet_{prometheus::BuildGauge()
                  .Name("tradebot_wallet_balance")
                  .Help("Wallet balance in the venue's last balance report, by asset")
                  .Register(registry)},
      available_{prometheus::BuildGauge()
                     .Name("tradebot_available_balance")
                     .Help("Available balance in the venue's last balance report that carried one, by asset")
                     .Register(registry)},
      spreads_{prometheus::BuildCounter()
                   .Name("tradebot_entry_spread_checks_total")
                   .Help("Spread checks before an entry by result: within, wide_logged, wide_blocked, unknown")
                   .Register(registry)},
      latency_{latency_histogram(registry, "tradebot_signal_to_order_seconds",
                                 "Time from a signal row being read to the entry order's answer")},
      to_sent_{latency_histogram(registry, "tradebot_signal_to_entry_sent_seconds",
                                 "Time from the signal reader's wake-up (NOTIFY, poll, wave check) to the entry order "
                                 "handed to the venue client, its rows written")},
      path_{prometheus::BuildHistogram()
                .Name("tradebot_signal_path_seconds")
                .Help("The wake-up -> entry order handed to the venue client, by step: read (claim or wave read), "
                      "decide (validation, filters, sizing, risk), rows (positions and journal rows)")
                .Register(registry)},
      read_{path_.Add({{"step", "read"}}, latency_buckets())},
      decide_{path_.Add({{"step", "decide"}}, latency_buckets())},
      rows_{path_.Add({{"step", "rows"}}, latency_buckets())} {}

void trading_metrics::spread_check(core::exchange_id venue, std::string_view result) {
    spreads_.Add({{"exchange", label(venue)}, {"result", std::string{result}}}).Increment();
}

void trading_metrics::signal(std::string_view outcome, std::string_view reason) {
    signals_.Add({{"outcome", std::string{outcome}}, {"reason", std::string{reason}}}).Increment();
}

void trading_metrics::set_open_positions(core::exchange_id venue, double count) {
    open_.Add({{"exchange", label(venue)}}).Set(count);
}

void trading_metrics::set_unprotected_positions(core::exchange_id venue, double count) {
    unprotected_.Add({{"exchange", label(venue)}}).Set(count);
}

void trading_metrics::entry(core::exchange_id venue, std::string_view result) {
    entries_.Add({{"exchange", label(venue)}, {"result", std::string{result}}}).Increment();
}

void trading_metrics::exit(core::exchange_id venue, std::string_view reason) {
    exits_.Add({{"exchange", label(venue)}, {"reason", std::string{reason}}}).Increment();
}

void trading_metrics::stop_move(core::exchange_id venue, bool confirmed) {
    moves_.Add({{"exchange", label(venue)}, {"result", confirmed ? "confirmed" : "rejected"}}).Increment();
}

void trading_metrics::stop_restored(core::exchange_id venue) { restored_.Add({{"exchange", label(venue)}}).Increment(); }

void trading_metrics::mark_resubscribes(core::exchange_id venue, double symbols) {
    resubscribes_.Add({{"exchange", label(venue)}}).Increment(symbols);
}

void trading_metrics::realized_pnl(core::exchange_id venue, double delta) {
    pnl_.Add({{"exchange", label(venue)}}).Increment(delta);
}

void trading_metrics::balance(core::exchange_id venue, std::string_view asset, double wallet,
                              std::optional<double> available) {
    const std::map<std::string, std::string> labels{{"exchange", label(venue)}, {"asset", std::string{asset}}};
    wallet_.Add(labels).Set(wallet);
    if (available) {
        available_.Add(labels).Set(*available);
    }
}

void trading_metrics::signal_to_order(double seconds) { latency_.Observe(seconds); }

void trading_metrics::signal_to_entry_sent(double seconds) { to_sent_.Observe(seconds); }

void trading_metrics::signal_path(double read_seconds, double decide_seconds, double rows_seconds) {
    read_.Observe(read_seconds);
    decide_.Observe(decide_seconds);
    rows_.Observe(rows_seconds);
}

}  // namespace tradebot::trading

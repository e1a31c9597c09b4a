#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "tradebot/config/settings.hpp"
#include "tradebot/core/clock.hpp"
#include "tradebot/db/external_signal_repository.hpp"
#include "tradebot/signals/timestamp.hpp"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
class Gauge;
}  // namespace prometheus

namespace spdlog {
class logger;
}

namespace tradebot::signals {

// The external scoring adapter (the original read fas.scoring_history, original-bot.md §2.1).
// Every poll interval it runs the configured query for the rows whose candle is at or after the
// watermark, checks each row (validate_external), and copies the good ones into the signals
// table; (source, external_id) is unique there, so a re-read row inserts nothing. The insert
// trigger NOTIFYs the daemon, which then handles the rows like any other signal. A bad row is
// logged once with its reason and skipped; a failing query or insert is logged and retried at the
// next poll, never stopping the poller. Runs on its strand; SQL runs on the databases' threads.
class external_source {
public:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    struct poll_result {
        bool ok = false;             // the query and the insert both succeeded
        std::size_t read = 0;        // rows the query returned
        std::int64_t inserted = 0;   // rows new to the signals table
        std::size_t rejected = 0;    // rows rejected for the first time
    };

    // `reader` runs the query (the external database, or a second connection to our own, so a
    // slow query never holds up the trading writes); `writer` is the daemon's database.
    external_source(strand_type strand, config::external_signals_settings settings, db::database& reader,
                    db::database& writer, const core::clock& clock, prometheus::Registry& registry);
    ~external_source();
    external_source(const external_source&) = delete;
    external_source& operator=(const external_source&) = delete;

    // Polls now and then every poll_interval_ms. Any thread.
    void start();
    // No new poll starts; a running one finishes. Any thread.
    void stop();
    // True once the poll loop has ended (or never started). Any thread.
    [[nodiscard]] bool idle() const noexcept { return !polling_.load(); }

    // One poll; start() runs these in a loop. Call on the strand.
    [[nodiscard]] boost::asio::awaitable<poll_result> poll_once();

    // The lower candle bound of the next read: the newest candle seen minus overlap_minutes, but
    // never before now minus lookback_minutes.
    [[nodiscard]] time_point watermark() const;
    // The reason of the last failed poll, empty after a good one.
    [[nodiscard]] const std::string& last_error() const noexcept { return last_error_; }

private:
    boost::asio::awaitable<void> run();
    void reject_row(const db::external_signal_row& row, std::string_view reason, const std::string& message);
    void failed(std::string_view stage, const std::string& error);
    void forget_rejects_before(time_point since);

    strand_type strand_;
    config::external_signals_settings settings_;
    db::external_signal_repository reader_;
    db::external_signal_repository writer_;
    const core::clock& clock_;
    std::shared_ptr<spdlog::logger> log_;
    boost::asio::steady_timer timer_;
    prometheus::Counter& read_;
    prometheus::Counter& inserted_;
    prometheus::Family<prometheus::Counter>& rejected_;
    prometheus::Family<prometheus::Counter>& polls_;
    prometheus::Gauge& newest_candle_;
    time_point newest_{};         // the newest candle read so far
    bool resume_exact_ = false;   // the last read hit max_rows: go on from its last candle, no overlap
    // Rows already reported, by key, with their candle: a row re-read in the overlap is not
    // reported (or counted) again.
    std::map<std::string, time_point> rejected_seen_;
    std::string last_error_;
    std::int64_t failed_polls_ = 0;
    std::atomic<bool> polling_{false};
    bool stopped_ = false;
};

}  // namespace tradebot::signals

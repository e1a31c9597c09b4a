#include "tradebot/signals/external_source.hpp"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/chrono.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/signals/external_signal.hpp"
#include "tradebot/signals/timestamp.hpp"

namespace tradebot::signals {
namespace asio = boost::asio;
using logging::kv;

namespace {

raw_signal to_raw(const db::external_signal_row& row, const std::string& source) {
    raw_signal raw;
    raw.source = source;
    raw.external_id = row.external_id;
    raw.exchange = row.exchange.value_or("");
    raw.symbol = row.symbol.value_or("");
    raw.side = row.side.value_or("");
    raw.score_week = row.score_week;
    raw.score_month = row.score_month;
    raw.candle_time = row.candle_time;
    return raw;
}

db::external_signal_insert to_insert(const signal& s) {
    return db::external_signal_insert{s.source,
                                      *s.external_id,
                                      std::string{core::to_string(s.exchange)},
                                      s.symbol.str(),
                                      std::string{core::to_string(s.side)},
                                      s.score_week,
                                      s.score_month,
                                      s.candle_time};
}

// What identifies a row for "already reported": its id, or all of it when the id is missing.
std::string row_key(const db::external_signal_row& row) {
    if (row.external_id && !row.external_id->empty()) {
        return "id:" + *row.external_id;
    }
    std::string key = "row";
    for (const auto* f : {&row.exchange, &row.symbol, &row.side, &row.score_week, &row.score_month, &row.candle_time}) {
        key += '\x1f';
        key += f->value_or("<null>");
    }
    return key;
}

prometheus::Counter& counter(prometheus::Registry& r, const char* name, const char* help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(r).Add({});
}

}  // namespace

external_source::external_source(strand_type strand, config::external_signals_settings settings, db::database& reader,
                                 db::database& writer, const core::clock& clock, prometheus::Registry& registry)
    : strand_{std::move(strand)},
      settings_{std::move(settings)},
      reader_{reader},
      writer_{writer},
      clock_{clock},
      log_{logging::get("signals")},
      timer_{strand_},
      read_{counter(registry, "tradebot_external_signals_read_total", "Rows returned by the external signal query")},
      inserted_{counter(registry, "tradebot_external_signals_inserted_total",
                        "External rows copied into the signals table")},
      rejected_{prometheus::BuildCounter()
                    .Name("tradebot_external_signals_rejected_total")
                    .Help("External rows skipped as invalid, each counted once, by reason")
                    .Register(registry)},
      polls_{prometheus::BuildCounter()
                 .Name("tradebot_external_signal_polls_total")
                 .Help("Polls of the external signal query, by result")
                 .Register(registry)},
      newest_candle_{prometheus::BuildGauge()
                         .Name("tradebot_external_signals_newest_candle_seconds")
                         .Help("Open time of the newest candle read from the external table (epoch seconds)")
                         .Register(registry)
                         .Add({})} {}

external_source::~external_source() = default;

void external_source::start() {
    polling_ = true;
    asio::dispatch(strand_, [this] {
        if (stopped_) {
            polling_ = false;
            return;
        }
        logging::info(log_, "external signal source started", kv("source", settings_.source),
                      kv("poll_interval_ms", settings_.poll_interval_ms.count()), kv("since", format_timestamp(watermark())));
        asio::co_spawn(strand_, run(), [this](const std::exception_ptr& e) {
            polling_ = false;
            if (e) {
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    logging::error(log_, "external signal source failed", kv("error", ex.what()));
                }
            }
        });
    });
}

void external_source::stop() {
    asio::dispatch(strand_, [this] {
        stopped_ = true;
        timer_.cancel();
    });
}

asio::awaitable<void> external_source::run() {
    while (!stopped_) {
        (void)co_await poll_once();
        if (stopped_) {
            break;
        }
        timer_.expires_after(settings_.poll_interval_ms);
        (void)co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

time_point external_source::watermark() const {
    const auto floor = clock_.now() - settings_.lookback_minutes;
    if (newest_ == time_point{}) {
        return floor;
    }
    return std::max(resume_exact_ ? newest_ : newest_ - settings_.overlap_minutes, floor);
}

asio::awaitable<external_source::poll_result> external_source::poll_once() {
    poll_result out;
    const auto since = watermark();
    forget_rejects_before(since);
    auto query = settings_.query;
    auto rows = co_await reader_.read(std::move(query), since, settings_.max_rows, settings_.query_timeout_ms);
    if (!rows) {
        failed("query", rows.error().describe());
        co_return out;
    }
    out.read = rows->size();
    read_.Increment(static_cast<double>(out.read));

    auto newest = newest_;
    std::vector<db::external_signal_insert> inserts;
    inserts.reserve(rows->size());
    for (const auto& row : *rows) {
        const auto candle = row.candle_time ? parse_timestamp(*row.candle_time) : std::nullopt;
        if (candle) {
            newest = std::max(newest, *candle);
        }
        const auto checked = validate_external(to_raw(row, settings_.source));
        if (checked) {
            inserts.push_back(to_insert(*checked));
        } else if (rejected_seen_.emplace(row_key(row), candle.value_or(time_point::max())).second) {
            ++out.rejected;
            reject_row(row, to_string(checked.error().reason), checked.error().message);
        }
    }

    auto inserted = co_await writer_.insert(std::move(inserts));
    if (!inserted) {
        // The watermark stays: the next poll reads the same rows again.
        failed("insert", inserted.error().describe());
        co_return out;
    }
    out.inserted = *inserted;
    out.ok = true;
    inserted_.Increment(static_cast<double>(out.inserted));
    polls_.Add({{"result", "ok"}}).Increment();

    const bool full = out.read >= static_cast<std::size_t>(settings_.max_rows);
    if (full && newest <= since) {
        logging::error(log_, "external signal query returns more rows for one candle than max_rows; raise it",
                       kv("candle", format_timestamp(since)), kv("max_rows", settings_.max_rows));
    } else if (full) {
        logging::warn(log_, "external signal query hit max_rows, reading on from its last candle",
                      kv("max_rows", settings_.max_rows), kv("candle", format_timestamp(newest)));
    }
    resume_exact_ = full;
    newest_ = newest;
    if (newest_ != time_point{}) {
        newest_candle_.Set(static_cast<double>(
            std::chrono::duration_cast<std::chrono::seconds>(newest_.time_since_epoch()).count()));
    }
    if (!last_error_.empty()) {
        logging::info(log_, "external signal source recovered", kv("failed_polls", failed_polls_));
        last_error_.clear();
        failed_polls_ = 0;
    }
    if (out.inserted > 0 || out.rejected > 0) {
        logging::info(log_, "external signals copied", kv("source", settings_.source), kv("read", out.read),
                      kv("inserted", out.inserted), kv("rejected", out.rejected), kv("since", format_timestamp(since)),
                      kv("next_since", format_timestamp(watermark())));
    } else {
        logging::debug(log_, "external signals polled", kv("read", out.read), kv("since", format_timestamp(since)));
    }
    co_return out;
}

void external_source::reject_row(const db::external_signal_row& row, std::string_view reason,
                                 const std::string& message) {
    rejected_.Add({{"reason", std::string{reason}}}).Increment();
    // The message quotes the offending value (bounded), never the whole row.
    logging::warn(log_, "external signal row rejected", kv("source", settings_.source),
                  kv("external_id", row.external_id.value_or("")), kv("reason", reason), kv("error", message));
}

void external_source::failed(std::string_view stage, const std::string& error) {
    polls_.Add({{"result", std::string{stage} + "_error"}}).Increment();
    ++failed_polls_;
    auto text = std::string{stage} + ": " + error;
    // A broken query fails every poll; the same error is reported once, not every interval.
    if (text != last_error_) {
        logging::error(log_, stage == "query" ? "external signal query failed" : "external signal insert failed",
                       kv("source", settings_.source), kv("error", error),
                       kv("retry_ms", settings_.poll_interval_ms.count()));
    } else {
        logging::debug(log_, "external signal poll failed again", kv("stage", stage), kv("failed_polls", failed_polls_));
    }
    last_error_ = std::move(text);
}

void external_source::forget_rejects_before(time_point since) {
    std::erase_if(rejected_seen_, [since](const auto& entry) { return entry.second < since; });
}

}  // namespace tradebot::signals

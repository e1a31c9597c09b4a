#include "app/signal_intake.hpp"

#include <optional>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "tradebot/core/symbol.hpp"
#include "tradebot/db/transaction.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::app {
namespace asio = boost::asio;
using logging::kv;

namespace {

// One batch per query: a backlog after downtime is read in bounded steps.
constexpr int batch_size = 500;

struct signal_row {
    std::int64_t id = 0;
    std::string exchange;
    std::string symbol;
    std::string side;
    std::string score_week;
    std::string score_month;
};

prometheus::Family<prometheus::Counter>& wakeups_family(prometheus::Registry& r) {
    return prometheus::BuildCounter()
        .Name("tradebot_signal_wakeups_total")
        .Help("Reads of the signals table, by what triggered them")
        .Register(r);
}

}  // namespace

signal_intake::signal_intake(strand_type strand, db::database& database, prometheus::Registry& registry,
                             std::chrono::milliseconds poll_interval)
    : strand_{std::move(strand)},
      database_{database},
      log_{logging::get("signals")},
      poll_interval_{poll_interval},
      poll_timer_{strand_},
      received_{prometheus::BuildCounter()
                    .Name("tradebot_signals_received_total")
                    .Help("New signal rows read from the signals table")
                    .Register(registry)
                    .Add({})},
      invalid_{prometheus::BuildCounter()
                   .Name("tradebot_signals_invalid_total")
                   .Help("Signal rows whose exchange, symbol or side cannot be understood")
                   .Register(registry)
                   .Add({})},
      wakeups_notify_{wakeups_family(registry).Add({{"trigger", "notify"}})},
      wakeups_poll_{wakeups_family(registry).Add({{"trigger", "poll"}})} {}

void signal_intake::start() { schedule_poll(); }

void signal_intake::on_notification(const db::notification& n) {
    wakeups_notify_.Increment();
    logging::debug(log_, "signal notification", kv("channel", n.channel), kv("payload", n.payload));
    catch_up();
}

void signal_intake::catch_up() {
    if (stopped_) {
        return;
    }
    if (running_) {
        again_ = true;  // the running read loops once more instead of a second query in parallel
        return;
    }
    running_ = true;
    asio::co_spawn(strand_, drain(), [this](const std::exception_ptr& e) {
        running_ = false;
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                logging::error(log_, "signal read failed", kv("error", ex.what()));
            }
        }
        if (on_idle_) {
            std::exchange(on_idle_, {})();
        }
    });
}

void signal_intake::stop() {
    stopped_ = true;
    poll_timer_.cancel();
}

void signal_intake::when_idle(std::function<void()> done) {
    if (!running_) {
        done();
        return;
    }
    on_idle_ = std::move(done);
}

void signal_intake::schedule_poll() {
    if (stopped_ || poll_interval_.count() <= 0) {
        return;
    }
    poll_timer_.expires_after(poll_interval_);
    poll_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_) {
            return;
        }
        wakeups_poll_.Increment();
        catch_up();
        schedule_poll();
    });
}

asio::awaitable<void> signal_intake::drain() {
    do {
        again_ = false;
        const std::int64_t after = last_id_;
        auto rows = co_await db::transact(database_, [after](pqxx::work& tx) {
            std::vector<signal_row> out;
            const auto r = tx.exec_params(
                "SELECT id, exchange, symbol, side, coalesce(score_week::text, ''), coalesce(score_month::text, '') "
                "FROM signals WHERE status = 'new' AND id > $1 ORDER BY id LIMIT $2",
                after, batch_size);
            out.reserve(r.size());
            for (const auto& row : r) {
                out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                               row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::string>()});
            }
            return out;
        });
        if (!rows) {
            logging::warn(log_, "cannot read new signals", kv("error", rows.error().describe()));
            co_return;  // the next notification or poll tries again
        }
        for (const auto& row : *rows) {
            last_id_ = std::max(last_id_, row.id);
            const auto venue = core::parse_exchange(row.exchange);
            const auto sym = core::symbol::parse(row.symbol);
            const auto side = core::parse_side(row.side);
            if (!venue || !sym || !side) {
                invalid_.Increment();
                logging::warn(log_, "invalid signal", kv("id", row.id), kv("exchange", row.exchange),
                              kv("symbol", row.symbol), kv("side", row.side));
                continue;
            }
            received_.Increment();
            logging::info(log_, "signal received", kv("id", row.id), kv("exchange", *venue), kv("symbol", *sym),
                          kv("side", *side), kv("score_week", row.score_week), kv("score_month", row.score_month));
        }
        if (rows->size() == static_cast<std::size_t>(batch_size)) {
            again_ = true;
        }
    } while (again_ && !stopped_);
}

}  // namespace tradebot::app

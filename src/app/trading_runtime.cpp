#include "app/trading_runtime.hpp"

#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tradebot/logging/logger.hpp"
#include "tradebot/net/backoff.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::app {

namespace asio = boost::asio;
using logging::kv;

namespace {
// How often the streamed symbol set is brought in line with the positions.
constexpr std::chrono::seconds symbols_refresh{2};

// How often audit events are written (one multi-row INSERT, off the trading path).
constexpr std::chrono::seconds audit_interval{1};
}  // namespace

trading_runtime::trading_runtime(asio::io_context& io, strand_type strand, const config::settings& settings,
                                 const core::clock& clock, db::database& database, prometheus::Registry& registry)
    : io_{io},
      strand_{std::move(strand)},
      settings_{settings},
      clock_{clock},
      registry_{registry},
      router_{registry},
      metrics_{registry},
      position_metrics_{strand_, router_, metrics_},
      account_metrics_{strand_, router_, metrics_},
      positions_{database},
      journal_{database},
      audit_{database},
      trades_{database},
      port_{strand_, settings, clock, positions_, trades_},
      starter_{settings, positions_, port_},
      symbols_timer_{strand_},
      audit_timer_{strand_} {}

trading_runtime::~trading_runtime() = default;

std::optional<std::string> trading_runtime::build() {
    const bool paper = settings_.app.mode == core::mode::test;
    for (const auto id : {core::exchange_id::binance, core::exchange_id::bybit}) {
        const auto& s = settings_.exchange(id);
        if (!s.enabled) {
            continue;
        }
        std::string error;
        auto v = std::make_unique<runtime_venue>();
        v->stack = venue_stack::create(io_, clock_, router_, registry_, id, s, !paper, error);
        if (!v->stack) {
            return error;
        }
        if (paper) {
            exchange::paper::paper_options po;
            v->paper = std::make_unique<exchange::paper::client>(clock_, v->stack->client(), po, &router_);
            // The paper venue fills and triggers on the real stream's mark prices.
            auto& marks = router_.topic<events::mark_price>(events::topic_name::mark_price,
                                                            events::policy::coalesce_by_key{events::by_venue_symbol{}});
            auto* client = v->paper.get();
            v->paper_feed = marks.subscribe(strand_, [client](const events::mark_price& m) { client->on_mark_price(m); });
        }
        v->manager = std::make_unique<trading::position_manager>(strand_, v->trading_client(), positions_, journal_,
                                                                 audit_, trades_, router_, metrics_, settings_, clock_);
        // A live position's symbol whose marks stopped is asked for again on its stream (§11 #39).
        v->manager->on_stale_marks(
            [stack = v->stack.get()](std::set<core::symbol> stale) { stack->resubscribe(std::move(stale)); });
        port_.add(id, venue_port::built_venue{&v->trading_client(), v->manager.get()});
        venues_.emplace(id, std::move(v));
    }
    if (venues_.empty()) {
        return std::string{"no exchange is enabled (exchanges.binance.enabled / exchanges.bybit.enabled)"};
    }
    port_.follow_marks(router_);
    return std::nullopt;
}

asio::awaitable<bool> trading_runtime::start() {
    // Before the reconciliation: positions it adopts, and the first entry, take ids from the block.
    positions_.reserve_ids_ahead();
    std::vector<runtime_venue*> todo;
    for (auto& entry : venues_) {
        if (!entry.second->started) {
            todo.push_back(entry.second.get());
        }
    }
    bool all = true;
    if (!todo.empty()) {
        all = co_await starter_.start_venues(todo, 0, todo.size());
    }
    if (all) {
        start_shared();
    }
    co_return all;
}

void trading_runtime::start_shared() {
    if (following_ || stopped_) {
        return;
    }
    following_ = true;
    asio::co_spawn(strand_, follow_symbols(), [this](const std::exception_ptr&) { following_ = false; });
    if (!flushing_) {
        flushing_ = true;
        asio::co_spawn(strand_, flush_audit(), [this](const std::exception_ptr&) { flushing_ = false; });
    }
    port_.start();
}

void trading_runtime::start_each(std::function<void(core::exchange_id)> on_ready) {
    // Before the reconciliation: positions it adopts, and the first entry, take ids from the block.
    positions_.reserve_ids_ahead();
    for (auto& [id, v] : venues_) {
        if (v->started || v->starting || stopped_) {
            continue;
        }
        v->starting = true;
        ++starters_;
        asio::co_spawn(strand_, keep_starting(*v, on_ready), [this, id = id, p = v.get()](const std::exception_ptr& e) {
            p->starting = false;
            --starters_;
            if (e) {
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    logging::error(logging::get("trading"), "venue start-up failed", kv("exchange", core::to_string(id)),
                                   kv("error", ex.what()));
                }
            }
        });
    }
}

asio::awaitable<void> trading_runtime::keep_starting(runtime_venue& v, std::function<void(core::exchange_id)> on_ready) {
    const auto id = v.manager->venue();
    net::backoff delay{settings_.database.reconnect_backoff_min_ms, settings_.database.reconnect_backoff_max_ms};
    v.retry = std::make_unique<asio::steady_timer>(strand_);
    while (!stopped_) {
        const bool ready = co_await starter_.start_venue(v);
        if (ready) {
            port_.set_ready(id);
            start_shared();
            on_ready(id);
            co_return;
        }
        if (stopped_) {
            co_return;
        }
        const auto wait = delay.next();
        logging::warn(logging::get("trading"), "venue start-up failed, retrying", kv("exchange", core::to_string(id)),
                      kv("retry_ms", wait.count()));
        v.retry->expires_after(wait);
        boost::system::error_code ec;
        co_await v.retry->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

bool trading_runtime::all_started() const {
    for (const auto& [id, v] : venues_) {
        if (!v->started) {
            return false;
        }
    }
    return true;
}

std::string trading_runtime::not_started() const {
    std::string out;
    for (const auto& [id, v] : venues_) {
        if (!v->started) {
            out += (out.empty() ? "" : ",") + std::string{core::to_string(id)};
        }
    }
    return out;
}

asio::awaitable<bool> trading_runtime::prepare() {
    positions_.reserve_ids_ahead();
    bool all = true;
    for (auto& [id, v] : venues_) {
        if (v->paper && !v->paper_restored) {
            v->paper_restored = co_await starter_.restore_paper(*v);
        }
        const bool loaded = co_await v->manager->prepare();
        if (!loaded) {
            all = false;
            continue;
        }
        // Streams for the marks (the paper venue fills on them) and the venue's own reports.
        v->stack->set_symbols(v->manager->watched_symbols());
        v->stack->start();
    }
    if (all && !flushing_) {
        flushing_ = true;
        asio::co_spawn(strand_, flush_audit(), [this](const std::exception_ptr&) { flushing_ = false; });
    }
    co_return all;
}

asio::awaitable<void> trading_runtime::warm() {
    auto rows = co_await positions_.load_live(settings_.app.mode);
    for (auto& [id, v] : venues_) {
        if (v->started || stopped_) {
            continue;
        }
        // The real venue's client: the streams map names with the instruments it loaded.
        auto instruments = co_await v->stack->client().load_instruments();
        if (!instruments) {
            logging::warn(logging::get("trading"), "standby: cannot load instruments yet",
                          kv("exchange", core::to_string(id)), kv("error", instruments.error().describe()));
            continue;
        }
        std::set<core::symbol> symbols;
        if (rows) {
            for (const auto& row : *rows) {
                if (row.exchange == id) {
                    symbols.insert(row.symbol);
                }
            }
        }
        if (v->started || stopped_) {
            continue;  // took over meanwhile: start() set the symbols
        }
        logging::info(logging::get("trading"), "standby: market stream warm", kv("exchange", core::to_string(id)),
                      kv("instruments", instruments->size()), kv("symbols", symbols.size()));
        v->stack->set_symbols(std::move(symbols));
        v->stack->start_market();
    }
}

void trading_runtime::database_state(bool connected) {
    if (stopped_) {
        return;
    }
    for (auto& [id, v] : venues_) {
        if (!connected) {
            v->manager->database_outage();
        } else if (v->started) {
            v->manager->database_back();
        }
    }
}

std::vector<trading_runtime::venue_handle> trading_runtime::venues() {
    std::vector<venue_handle> out;
    for (auto& [id, v] : venues_) {
        out.push_back(venue_handle{id, v->manager.get(), &v->trading_client()});
    }
    return out;
}

asio::awaitable<void> trading_runtime::follow_symbols() {
    while (!stopped_) {
        symbols_timer_.expires_after(symbols_refresh);
        boost::system::error_code ec;
        co_await symbols_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopped_) {
            co_return;
        }
        for (auto& [id, v] : venues_) {
            v->stack->set_symbols(v->manager->watched_symbols());
        }
    }
}

asio::awaitable<void> trading_runtime::flush_audit() {
    for (;;) {
        audit_timer_.expires_after(audit_interval);
        boost::system::error_code ec;
        co_await audit_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        auto written = co_await audit_.flush();
        if (!written) {
            logging::warn(logging::get("trading"), "audit events not written yet", kv("error", written.error().describe()),
                          kv("queued", audit_.queued()));
        }
        if (stopped_) {
            co_return;  // the flush above was the last one: nothing is lost at shutdown
        }
    }
}

void trading_runtime::stop() {
    stopped_ = true;
    symbols_timer_.cancel();
    audit_timer_.cancel();
    port_.stop();
    for (auto& [id, v] : venues_) {
        if (v->retry) {
            v->retry->cancel();
        }
        v->paper_feed.reset();
        v->manager->stop();
        v->stack->stop();
    }
}

bool trading_runtime::idle() const {
    if (following_ || flushing_ || !port_.idle()) {
        return false;
    }
    for (const auto& [id, v] : venues_) {
        if (!v->manager->idle()) {
            return false;
        }
    }
    return true;
}

}  // namespace tradebot::app

#include "trading/operator_desk.hpp"

#include <chrono>
#include <utility>

#include "trading/position_closer.hpp"
#include "trading/reconciler.hpp"
#include "trading/task_group.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/stop_loss_manager.hpp"

namespace tradebot::trading {

namespace asio = boost::asio;
using logging::kv;

namespace {

// A position busy with a stop move waits for it this long, in steps, before the close gives up.
constexpr auto busy_step = std::chrono::milliseconds{200};
constexpr int busy_steps = 50;
// Between the two reads that must both show a zombie before it is cancelled.
constexpr auto zombie_confirm_pause = std::chrono::seconds{1};

std::set<core::symbol> symbols_of(const std::vector<exchange::position_state>& held) {
    std::set<core::symbol> out;
    for (const auto& p : held) {
        out.insert(p.symbol);
    }
    return out;
}

}  // namespace

operator_desk::operator_desk(exchange::venue_client& venue, position_book& book, position_closer& closer,
                             stop_loss_manager& stops, reconciler& reconcile, task_group& tasks,
                             std::shared_ptr<spdlog::logger> log)
    : venue_{venue},
      book_{book},
      closer_{closer},
      stops_{stops},
      reconciler_{reconcile},
      tasks_{tasks},
      log_{std::move(log)} {}

asio::awaitable<close_report> operator_desk::close(core::symbol symbol) {
    const in_flight counted{in_flight_};
    close_report report;
    report.exchange = book_.venue();
    report.symbol = symbol;
    if (book_.opening().contains(symbol)) {
        report.had_position = true;
        report.error = "an entry is in flight on this symbol; try again in a moment";
        co_return report;
    }
    if (book_.find(symbol) == nullptr) {
        // A position the book does not know yet (opened by hand, or listed late) is adopted first.
        co_await reconciler_.reconcile();
    }
    auto orders = co_await venue_.open_orders(symbol);
    if (orders) {
        for (const auto& o : *orders) {
            if (!o.client_id) {
                continue;  // not ours
            }
            auto done = co_await venue_.cancel_order(symbol, *o.client_id, exchange::request_priority::critical);
            report.orders_cancelled += done ? 1 : 0;
            logging::warn(log_, "operator close: order cancelled", kv("symbol", symbol.str()),
                          kv("client_id", o.raw_client_id), kv("ok", static_cast<bool>(done)));
        }
    } else {
        logging::warn(log_, "operator close: open orders unavailable", kv("symbol", symbol.str()),
                      kv("error", orders.error().describe()));
    }
    for (int step = 0; step < busy_steps; ++step) {
        auto* pos = book_.find(symbol);
        if (pos == nullptr) {
            break;
        }
        report.had_position = true;
        report.position_id = pos->id;
        if (!pos->busy) {
            logging::warn(log_, "operator close", kv("position", pos->id), kv("symbol", symbol.str()),
                          kv("exchange", core::to_string(book_.venue())));
            std::string reason = "manual_close";  // named: no temporaries in a co_await (GCC 12)
            (void)co_await closer_.close(symbol, std::move(reason));
            break;
        }
        const bool awake = co_await tasks_.pause(busy_step);
        if (!awake) {
            report.error = "shutting down";
            co_return report;
        }
    }
    auto held = co_await venue_.positions(exchange::request_priority::critical);
    if (!held) {
        report.error = "cannot confirm on the venue: " + held.error().describe();
        co_return report;
    }
    report.flat_on_venue = !symbols_of(*held).contains(symbol);
    report.had_position = report.had_position || !report.flat_on_venue;
    if (report.flat_on_venue) {
        // Stops of ours the close left behind (their cancel failed) would open a new position.
        auto stops = co_await venue_.open_stops(symbol);
        if (stops) {
            for (const auto& st : *stops) {
                if (st.client_id && !st.venue_id.empty() && !book_.busy_with(symbol)) {
                    auto done = co_await venue_.cancel_stop(st);
                    report.stops_cancelled += done ? 1 : 0;
                }
            }
        }
    }
    report.closed = report.flat_on_venue && book_.find(symbol) == nullptr && report.position_id.has_value();
    if (!report.flat_on_venue) {
        report.error = book_.find(symbol) != nullptr ? "the close did not fill; the position is still open"
                                                      : "the venue still lists a position the book does not hold";
    } else if (book_.find(symbol) != nullptr) {
        // Flat on the venue, live in the book: it was closed there (its stop fired) and the
        // reconcile pass records it closed after a second read; nothing was sent.
        report.error = "the venue holds no position: it was closed on the venue; 'tradebot sync --apply' records it";
    }
    co_return report;
}

asio::awaitable<std::vector<protect_report>> operator_desk::protect() {
    const in_flight counted{in_flight_};
    co_await reconciler_.reconcile();
    auto stops = co_await venue_.open_stops(std::nullopt);
    std::vector<protect_report> out;
    for (const auto& [symbol, pos] : book_.live()) {
        protect_report r;
        r.symbol = symbol;
        r.position_id = pos.id;
        if (pos.stop) {
            r.stop_price = pos.stop->trigger_price;
        }
        if (stops) {
            for (const auto& st : *stops) {
                r.stop_on_venue = r.stop_on_venue || is_fixed_stop_of(st, symbol, pos.side);
            }
        }
        out.push_back(std::move(r));
    }
    co_return out;
}

asio::awaitable<std::optional<stray_report>> operator_desk::read_zombies() {
    auto held = co_await venue_.positions(exchange::request_priority::background);
    if (!held) {
        stray_report failed;
        failed.error = "positions unavailable: " + held.error().describe();
        co_return failed;
    }
    auto orders = co_await venue_.open_orders(std::nullopt);
    if (!orders) {
        stray_report failed;
        failed.error = "open orders unavailable: " + orders.error().describe();
        co_return failed;
    }
    auto stops = co_await venue_.open_stops(std::nullopt);
    if (!stops) {
        stray_report failed;
        failed.error = "open stops unavailable: " + stops.error().describe();
        co_return failed;
    }
    std::set<core::symbol> book_symbols;
    for (const auto& [s, _] : book_.live()) {
        book_symbols.insert(s);
    }
    book_symbols.insert(book_.opening().begin(), book_.opening().end());
    stray_report r;
    r.items = find_zombies(symbols_of(*held), book_symbols, *orders, *stops);
    co_return r;
}

asio::awaitable<stray_report> operator_desk::zombies(bool clean) {
    const in_flight counted{in_flight_};
    auto first = co_await read_zombies();
    if (!first->error.empty() || !clean || first->items.empty()) {
        co_return std::move(*first);
    }
    const bool awake = co_await tasks_.pause(zombie_confirm_pause);
    if (!awake) {
        first->error = "shutting down";
        co_return std::move(*first);
    }
    auto second = co_await read_zombies();
    if (!second->error.empty()) {
        co_return std::move(*second);
    }
    stray_report out;
    out.items = confirmed_zombies(first->items, second->items);
    // The stops as listed now: cancel_stop needs the venue's own description of each.
    auto stops = co_await venue_.open_stops(std::nullopt);
    for (auto& z : out.items) {
        if (book_.busy_with(z.symbol)) {
            z.error = "a position appeared on the symbol; left alone";
            continue;
        }
        if (z.kind == "order") {
            const auto id = core::client_order_id::parse(z.client_id);
            if (!id) {
                continue;
            }
            auto done = co_await venue_.cancel_order(z.symbol, *id, exchange::request_priority::background);
            z.cancelled = static_cast<bool>(done);
            if (!done) {
                z.error = done.error().describe();
            }
        } else if (stops) {
            for (const auto& st : *stops) {
                if (st.venue_id == z.venue_id && st.symbol == z.symbol) {
                    auto done = co_await venue_.cancel_stop(st);
                    z.cancelled = static_cast<bool>(done);
                    if (!done) {
                        z.error = done.error().describe();
                    }
                    break;
                }
            }
        }
        logging::warn(log_, "operator: zombie cancelled", kv("exchange", core::to_string(book_.venue())),
                      kv("symbol", z.symbol.str()), kv("kind", z.kind), kv("client_id", z.client_id),
                      kv("ok", z.cancelled));
    }
    co_return out;
}

asio::awaitable<stray_report> operator_desk::duplicates(bool cancel) {
    const in_flight counted{in_flight_};
    stray_report out;
    auto stops = co_await venue_.open_stops(std::nullopt);
    if (!stops) {
        out.error = "open stops unavailable: " + stops.error().describe();
        co_return out;
    }
    std::vector<held_position> live;
    for (const auto& [symbol, pos] : book_.live()) {
        live.push_back(held_position{symbol, pos.side});
    }
    out.items = find_duplicate_stops(live, *stops);
    if (!cancel) {
        co_return out;
    }
    for (auto& d : out.items) {
        auto* pos = book_.find(d.symbol);
        if (pos == nullptr || pos->busy) {
            d.error = "position busy or gone; left alone";
            continue;
        }
        const auto id = pos->id;
        for (const auto& st : *stops) {
            if (st.venue_id != d.venue_id || st.symbol != d.symbol) {
                continue;
            }
            pos->busy = true;
            auto copy = st;
            d.cancelled = co_await stops_.cancel_duplicate(std::move(copy));
            if (auto* again = book_.find(d.symbol, id)) {
                again->busy = false;
            }
            break;
        }
        logging::warn(log_, "operator: duplicate stop cancelled", kv("exchange", core::to_string(book_.venue())),
                      kv("symbol", d.symbol.str()), kv("venue_id", d.venue_id), kv("ok", d.cancelled));
    }
    co_return out;
}

}  // namespace tradebot::trading

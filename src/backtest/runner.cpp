#include "tradebot/backtest/runner.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <prometheus/registry.h>

#include "backtest/backtest_port.hpp"
#include "backtest/market_data.hpp"
#include "backtest/replay_model.hpp"
#include "backtest/replay_signals.hpp"
#include "backtest/trade_ledger.hpp"
#include "tradebot/backtest/memory_stores.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/paper/client.hpp"
#include "tradebot/trading/position_manager.hpp"
#include "tradebot/trading/trading_metrics.hpp"

namespace tradebot::backtest {

namespace asio = boost::asio;
using core::decimal;
using time_point = core::clock::time_point;

namespace {

constexpr auto point_step = std::chrono::seconds{15};
constexpr auto hop_wait = std::chrono::milliseconds{50};
constexpr std::size_t progress_every = 1440;  // minutes: one simulated day
const sim::engine::account_id paper_account = "paper";  // the paper venue's one account

class replay {
public:
    replay(const config::settings& settings, const price_history& prices, const std::vector<signal_line>& signals,
           const run_options& options)
        : settings_{model::adapted(settings, result_.notes)},
          prices_{prices},
          path_{options.marks != nullptr ? *options.marks : prices},
          signals_{signals},
          options_{options},
          clock_{model::at_ms(first_minute(path_)) - std::chrono::minutes{2}},
          port_{settings_, positions_},
          decisions_{signals, port_, metrics_, settings_, clock_, strand_, [this] { settle(); }} {}

    ~replay() = default;
    replay(const replay&) = delete;
    replay& operator=(const replay&) = delete;

    run_result run() {
        build();
        start();
        make_lanes();
        // The minutes: the union of all symbols' bar times, merged from the sorted series.
        std::size_t total = 0;
        for (std::int64_t t = 0; next_minute(t);) {
            if (total++ == 0) result_.first_ms = t;
            result_.last_ms = t;
            for (auto& l : lanes_) {
                if (l.next < l.series->bars.size() && l.series->bars[l.next].open_ms == t) ++l.next;
            }
        }
        for (auto& l : lanes_) l.next = 0;
        result_.order = options_.order;
        result_.symbols = prices_.size();
        result_.minutes = total;
        result_.starting_equity = equity();
        std::size_t done = 0;
        for (std::int64_t t = 0; next_minute(t);) {
            minute(t);
            if (++done % progress_every == 0 && options_.progress) options_.progress(done, total);
        }
        finish();
        if (options_.progress && done % progress_every != 0) options_.progress(done, total);
        result_.final_equity = equity();
        result_.trades = ledger_->trades(positions_);
        return std::move(result_);
    }

private:
    struct venue_parts {
        venue_parts(core::exchange_id id, const price_history& prices, const core::clock& clock,
                    const std::map<core::symbol, exchange::instrument_rules>* instruments,
                    exchange::paper::paper_options po, events::router& router)
            : data{id, prices, clock, instruments}, paper{clock, data, std::move(po), &router} {}
        market_data data;
        exchange::paper::client paper;
        std::unique_ptr<trading::position_manager> manager;
        events::subscription paper_feed;
    };

    // One symbol of the replayed path: its bars' cursor, the venues' stored marks (set on the
    // first mark), and per minute its bar, whether it is in play and the side its path follows.
    struct lane {
        const core::symbol* symbol = nullptr;
        const kline_series* series = nullptr;
        std::size_t next = 0;                 // the first bar not replayed yet
        std::vector<core::decimal*> slots;    // per venue (venues_ order): market_data's mark
        const bar* current = nullptr;         // the bar of the minute being replayed
        bool playing = false;
        std::optional<core::position_side> side;
        std::optional<std::array<decimal, 4>> path;
    };

    void make_lanes() {
        for (const auto& [s, series] : path_) {
            lane l;
            l.symbol = &s;
            l.series = &series;
            l.slots.assign(venues_.size(), nullptr);
            lane_of_.emplace(s, lanes_.size());
            lanes_.push_back(std::move(l));
        }
    }

    // The earliest bar time after the last minute replayed (its bars consumed): false when done.
    bool next_minute(std::int64_t& t) const {
        bool any = false;
        for (const auto& l : lanes_) {
            if (l.next < l.series->bars.size()) {
                const auto at = l.series->bars[l.next].open_ms;
                if (!any || at < t) t = at;
                any = true;
            }
        }
        return any;
    }

    static std::int64_t first_minute(const price_history& prices) {
        std::int64_t first = 0;
        for (const auto& [s, series] : prices) {
            if (!series.bars.empty() && (first == 0 || series.bars.front().open_ms < first)) {
                first = series.bars.front().open_ms;
            }
        }
        return first;
    }

    // The venues the signals name that the configuration enables (binance if none is named).
    void build() {
        if (options_.instruments != nullptr) {
            for (auto& n : result_.notes) {
                if (n.starts_with("instruments derived")) {
                    n = "instruments as given (the scenario's: tick, step, min notional, leverage as the simulator lists "
                        "them); a symbol without one derived from its prices";
                }
            }
        }
        std::set<core::exchange_id> wanted;
        for (const auto& s : signals_) {
            if (const auto id = core::parse_exchange(s.raw.exchange)) wanted.insert(*id);
        }
        if (wanted.empty()) wanted.insert(core::exchange_id::binance);
        auto& marks = marks_topic();
        for (const auto id : wanted) {
            if (!settings_.exchange(id).enabled) {
                result_.notes.push_back(std::string{core::to_string(id)} + " is not enabled: its signals are skipped");
                continue;
            }
            exchange::paper::paper_options po;
            po.starting_balance = options_.starting_balance;
            po.slippage_bps = options_.slippage_bps;
            po.maker_fee_rate = options_.maker_fee_rate;
            po.taker_fee_rate = options_.taker_fee_rate;
            // Every hour is a funding time of the engine; a rate is set only for the hour it is
            // due (settle_funding), so the recorded times of any interval settle exactly.
            po.funding_interval = std::chrono::hours{1};
            auto v = std::make_unique<venue_parts>(id, prices_, clock_, options_.instruments, po, router_);
            v->paper.on_funding([this, id](const sim::engine::funding_event& f) { book_funding(id, f); });
            // As trading_runtime wires paper mode: the paper venue fills and triggers on the marks
            // before the trading core sees them.
            auto* paper = &v->paper;
            v->paper_feed = marks.subscribe(strand_, [paper](const events::mark_price& m) { paper->on_mark_price(m); });
            v->manager = std::make_unique<trading::position_manager>(strand_, v->paper, positions_, journal_, audit_, trades_,
                                                                     router_, metrics_, settings_, clock_);
            port_.add(id, backtest_port::venue{&v->paper, v->manager.get()});
            venues_.push_back(std::move(v));
        }
        ledger_.emplace(router_, strand_);
        marks_ = &marks;
    }

    events::topic<events::mark_price>& marks_topic() {
        return router_.topic<events::mark_price>(events::topic_name::mark_price,
                                                 events::policy::coalesce_by_key{events::by_venue_symbol{}});
    }

    void start() {
        int started = 0;
        for (auto& v : venues_) {
            asio::co_spawn(strand_, v->manager->start(), [&started](const std::exception_ptr&, bool) { ++started; });
        }
        settle();
        for (int i = 0; i < 60 && started < static_cast<int>(venues_.size()); ++i) {
            clock_.advance(std::chrono::seconds{1});
            settle();
        }
        plan_funding();
    }

    // The funding settlements of the run, by time: the recorded rates, or the constant rate on
    // every symbol at 00/08/16 UTC.
    void plan_funding() {
        const auto first = first_minute(path_);
        std::int64_t last = first;
        for (const auto& [s, series] : path_) {
            if (!series.bars.empty()) last = std::max(last, series.bars.back().open_ms);
        }
        std::size_t recorded = 0;
        if (options_.funding != nullptr) {
            for (const auto& [symbol, points] : *options_.funding) {
                recorded += points.size();
                for (const auto& p : points) {
                    if (p.ms > first && p.ms <= last) funding_plan_.push_back({p.ms, symbol, p.rate});
                }
            }
        } else if (!options_.funding_rate.is_zero()) {
            constexpr std::int64_t every_ms = 8 * 3'600'000;
            for (std::int64_t t = first - first % every_ms + every_ms; t <= last; t += every_ms) {
                for (const auto& [symbol, series] : path_) funding_plan_.push_back({t, symbol, options_.funding_rate});
            }
        }
        std::stable_sort(funding_plan_.begin(), funding_plan_.end(),
                         [](const auto& a, const auto& b) { return a.ms < b.ms; });
        if (options_.funding != nullptr) {
            std::string missing;
            for (const auto& [symbol, series] : path_) {
                if (!options_.funding->contains(symbol)) missing += (missing.empty() ? "" : ", ") + symbol.str();
            }
            result_.notes.push_back("funding from the recorded rates: " + std::to_string(funding_plan_.size()) + " of " +
                                    std::to_string(recorded) +
                                    " funding times fall inside the prices; each settles on the open position at the "
                                    "mark then, booked to its trade" +
                                    (missing.empty() ? std::string{} : "; no rates for " + missing + ": no funding there"));
        } else if (options_.funding_rate.is_zero()) {
            result_.notes.emplace_back("no funding: klines carry no funding rates (--funding FILE or --funding-rate R)");
        } else {
            result_.notes.push_back("funding at a constant rate of " + options_.funding_rate.normalized().to_string() +
                                    " every 8 h (00/08/16 UTC) on every symbol, booked to the open trades");
        }
    }

    // Settles the planned funding times up to `until` (ms), each at its own time: the clock moves
    // to it, the symbol's rate is set for that hour only and the engine settles it on the open
    // position at its current mark (a mark fed again at that time, the price unchanged).
    void settle_funding(std::int64_t until) {
        while (next_funding_ < funding_plan_.size() && funding_plan_[next_funding_].ms <= until) {
            const auto& f = funding_plan_[next_funding_++];
            advance_to(model::at_ms(f.ms));
            for (auto& v : venues_) {
                const auto& engine = v->paper.engine();
                const auto held = engine.position(paper_account, f.symbol);
                const auto* prices = engine.prices(f.symbol);
                if (!held || held->size.is_zero() || prices == nullptr) continue;
                v->paper.set_funding_rate(f.symbol, f.rate);
                events::mark_price m;
                m.exchange = v->paper.venue();
                m.symbol = f.symbol;
                m.price = prices->mark;
                m.exchange_ts = clock_.now();
                m.receive_ts = clock_.now();
                v->paper.on_mark_price(m);
                v->paper.set_funding_rate(f.symbol, decimal{});
            }
            settle();
        }
    }

    // A funding payment: the trade's when the trading core holds the symbol's position.
    void book_funding(core::exchange_id venue, const sim::engine::funding_event& f) {
        result_.funding += f.amount;
        ++result_.funding_settlements;
        for (const auto& v : venues_) {
            if (v->paper.venue() == venue && v->manager->live().contains(f.symbol)) {
                ledger_->funding(venue, f.symbol, f.amount);
            }
        }
    }

    // Runs every handler that is ready. A decision still running then may be waiting for a hop
    // to another thread (a file check): that is waited for, up to hop_wait each time; a decision
    // waiting on the manual clock goes on when the replay moves it.
    void settle() {
        for (;;) {
            io_.restart();
            if (io_.poll() > 0) continue;
            if (!decisions_.deciding() || io_.run_one_for(hop_wait) == 0) break;
        }
    }

    void advance_to(time_point t) {
        if (t > clock_.now()) clock_.advance(t - clock_.now());
        settle();
    }

    void feed(lane& l, decimal price) {
        const auto now = clock_.now();
        quote(l, price);
        for (auto& v : venues_) {
            events::mark_price m;
            m.exchange = v->paper.venue();
            m.symbol = *l.symbol;
            m.price = price;
            m.exchange_ts = now;
            m.receive_ts = now;
            marks_->publish(m);
        }
    }

    // The REST view of a mark (market_data) without the stream's.
    void quote(lane& l, decimal price) {
        for (std::size_t i = 0; i < venues_.size(); ++i) {
            if (l.slots[i] != nullptr) {
                *l.slots[i] = price;
            } else {
                l.slots[i] = venues_[i]->data.set_mark(*l.symbol, price);
            }
        }
    }

    // The symbols whose marks can change anything but the marks themselves: a position (the trading
    // core's or the engine's), an order or stop resting on it, or an entry decision still running
    // (it may open one at the next mark). A flat symbol's marks move nothing else: the decider
    // reads a symbol's mark through the venue (market_data, always current, which feeds the
    // engine), every open is fed before a decision, and funding settles on positions only.
    // Skipping them is most of the replay's work on many symbols, with byte-identical results.
    // While a decision runs every symbol is in play.
    void mark_in_play() {
        const bool all = decisions_.deciding() || options_.every_mark;
        for (auto& l : lanes_) l.playing = all;
        if (all) return;
        const auto play = [this](const core::symbol& s) {
            if (const auto it = lane_of_.find(s); it != lane_of_.end()) lanes_[it->second].playing = true;
        };
        for (const auto& v : venues_) {
            for (const auto& [symbol, pos] : v->manager->live()) play(symbol);
            const auto& engine = v->paper.engine();
            engine.held_symbols(paper_account, held_);
            for (const auto& s : held_) play(s);
            for (const auto& o : engine.open_orders(paper_account)) play(o.symbol);
            for (const auto& c : engine.open_conditionals(paper_account)) play(c.request.symbol);
        }
    }

    // The side a lane's intrabar path follows: its position's on the first venue holding one.
    void take_sides() {
        for (const auto i : active_) lanes_[i].side.reset();
        for (const auto& v : venues_) {
            for (const auto& [symbol, pos] : v->manager->live()) {
                if (const auto it = lane_of_.find(symbol); it != lane_of_.end() && !lanes_[it->second].side) {
                    lanes_[it->second].side = pos.side;
                }
            }
        }
    }

    const std::array<decimal, 4>& path_of(lane& l) const {
        if (!l.path) l.path = model::bar_path(*l.current, options_.order, l.side);
        return *l.path;
    }

    // A flat symbol's marks before the close are read by no one: the decider reads marks only
    // after every open was fed, the stop logic only its position's. Its close is kept (quote) as
    // the REST mark a later decision sees when the symbol has no bar then.
    void minute(std::int64_t t) {
        active_.clear();
        for (std::size_t i = 0; i < lanes_.size(); ++i) {
            auto& l = lanes_[i];
            if (l.next < l.series->bars.size() && l.series->bars[l.next].open_ms == t) {
                l.current = &l.series->bars[l.next++];
                l.path.reset();
                active_.push_back(i);
            }
        }
        settle_funding(t);
        advance_to(model::at_ms(t));
        // Before a decision every symbol's open is fed (the decider reads any of them); otherwise
        // only the symbols in play need it (mark_in_play: a flat symbol's marks move nothing else).
        const bool all = options_.every_mark || decisions_.may_decide(model::at_ms(t));
        if (!all) mark_in_play();
        for (const auto i : active_) {
            if (all || lanes_[i].playing) feed(lanes_[i], lanes_[i].current->open);
        }
        settle();
        decisions_.decide(model::at_ms(t));
        take_sides();
        for (std::size_t k = 1; k < 4; ++k) {
            advance_to(model::at_ms(t) + point_step * static_cast<int>(k));
            mark_in_play();
            for (const auto i : active_) {
                auto& l = lanes_[i];
                if (l.playing) {
                    feed(l, path_of(l)[k]);
                } else if (k == 3) {
                    quote(l, l.current->close);
                }
            }
            settle();
        }
        result_.equity.push_back({t, equity()});
        if (std::any_of(venues_.begin(), venues_.end(), [](const auto& v) { return !v->manager->live().empty(); })) {
            ++result_.exposed_minutes;
        }
    }

    decimal equity() const {
        decimal sum;
        for (const auto& v : venues_) {
            if (const auto m = v->paper.engine().margin_balance(paper_account)) sum += model::money(*m);
        }
        return sum;
    }

    // After the last bar: open positions are closed at market, the trading core stopped.
    void finish() {
        for (auto& v : venues_) {
            for (const auto& [symbol, pos] : v->manager->live()) {
                asio::co_spawn(strand_, v->manager->close(symbol, "backtest_end"), asio::detached);
            }
        }
        settle();
        const auto any_live = [&] {
            return std::any_of(venues_.begin(), venues_.end(), [](const auto& v) { return !v->manager->live().empty(); });
        };
        for (int i = 0; i < 60 && any_live(); ++i) {
            clock_.advance(std::chrono::seconds{1});
            settle();
        }
        if (any_live()) result_.notes.emplace_back("some positions could not be closed at the end; see the trades");
        for (auto& v : venues_) v->manager->stop();
        const auto idle = [&] {
            return !decisions_.deciding() &&
                   std::all_of(venues_.begin(), venues_.end(), [](const auto& v) { return v->manager->idle(); });
        };
        for (int i = 0; i < 600 && !idle(); ++i) {
            clock_.advance(std::chrono::seconds{1});
            settle();
        }
        result_.signals = decisions_.finish();
    }

    // Declared first: destroyed last, after everything that holds its executor.
    asio::io_context io_;
    asio::strand<asio::io_context::executor_type> strand_{asio::make_strand(io_)};
    run_result result_;
    config::settings settings_;
    const price_history& prices_;
    const price_history& path_;  // the marks replayed: the mark-price klines, else the klines
    const std::vector<signal_line>& signals_;
    const run_options& options_;
    core::manual_clock clock_;
    prometheus::Registry registry_;
    events::router router_{registry_};
    trading::trading_metrics metrics_{registry_};
    memory_journal journal_;
    memory_positions positions_{journal_};
    memory_audit audit_;
    memory_trades trades_;
    backtest_port port_;
    replay_signals decisions_;
    std::vector<std::unique_ptr<venue_parts>> venues_;
    std::optional<trade_ledger> ledger_;  // from build(): subscribed after the venues' managers
    events::topic<events::mark_price>* marks_ = nullptr;
    std::vector<lane> lanes_;
    std::map<core::symbol, std::size_t> lane_of_;
    std::vector<std::size_t> active_;  // the lanes with a bar in the minute being replayed
    std::vector<core::symbol> held_;   // scratch of mark_in_play
    struct planned_funding {
        std::int64_t ms = 0;
        core::symbol symbol;
        decimal rate;
    };
    std::vector<planned_funding> funding_plan_;  // by time
    std::size_t next_funding_ = 0;
};

}  // namespace

run_result run(const config::settings& settings, const price_history& prices, const std::vector<signal_line>& signals,
               const run_options& options) {
    replay r{settings, prices, signals, options};
    return r.run();
}

}  // namespace tradebot::backtest

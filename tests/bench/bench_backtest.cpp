// Backtest replay through the protection logic: ticks per second per core.
//
// 200 positions on 200 symbols (even ones long, odd ones short) replay a deterministic random
// walk of marks (seeded; generated into memory before timing, one mark per symbol per round,
// 1 s of the manual clock per round). Per tick, what protection_driver::on_mark does with the
// protection policies, with the venue's side played by the replay:
//   - the mark crossed the live stop (long: mark <= stop; short: mark >= stop): the stop fired,
//     the position is closed and a new one opened at the mark (so the work stays constant);
//   - protection::trailing_stop::on_price: move_stop is confirmed at once (confirm_move),
//     close_now closes and reopens, save_peak is counted;
//   - protection::aged_policy::evaluate (trailing_active when the trailing stop is no longer
//     inactive): an aged_close closes and reopens.
// A tick is one mark applied to one position. Single thread: items_per_second is ticks/s per core.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <vector>

#include "tradebot/core/clock.hpp"
#include "tradebot/protection/aged_policy.hpp"
#include "tradebot/protection/trailing_stop.hpp"

namespace {

namespace tb = tradebot;
namespace pr = tb::protection;
using tb::core::decimal;
using tb::core::position_side;

constexpr std::size_t positions_count = 200;
constexpr std::size_t rounds = 5'000;  // 1 M ticks, ~16 MB of marks: replayed from memory, not cache

struct market {
    std::vector<tb::exchange::instrument_rules> rules;
    std::vector<decimal> marks;  // round-major: marks[round * positions_count + symbol]
};

// Random walk in ticks: 0-20 ticks (of 20,000-99,999) per step, so a position sees its trailing
// activation (1.5 %), moves, stop hits and, when the walk stays flat, the aged phases.
const market& replay() {
    static const market m = [] {
        market out;
        std::mt19937_64 rng{20260127};
        std::vector<std::int64_t> ticks(positions_count);
        std::vector<int> scale(positions_count);
        for (std::size_t s = 0; s < positions_count; ++s) {
            scale[s] = 1 + static_cast<int>(rng() % 6);
            ticks[s] = 20'000 + static_cast<std::int64_t>(rng() % 80'000);
            tb::exchange::instrument_rules r;
            r.symbol = tb::core::symbol::from_string("S" + std::to_string(s) + "USDT");
            r.tick_size = decimal::from_raw(1, scale[s]);
            r.min_price = r.tick_size;
            r.max_price = decimal::from_int(10'000'000);
            out.rules.push_back(r);
        }
        out.marks.reserve(rounds * positions_count);
        for (std::size_t k = 0; k < rounds; ++k) {
            for (std::size_t s = 0; s < positions_count; ++s) {
                const auto step = static_cast<std::int64_t>(rng() % 41) - 20;
                ticks[s] = std::max<std::int64_t>(1'000, ticks[s] + step);
                out.marks.push_back(decimal::from_raw(ticks[s], scale[s]));
            }
        }
        return out;
    }();
    return m;
}

struct position {
    position_side side = position_side::long_;
    decimal entry;
    tb::core::clock::time_point opened_at;
    decimal stop;
    std::optional<pr::trailing_stop> trailing;
};

struct counters {
    std::int64_t moves = 0, stop_hits = 0, trailing_exits = 0, aged_exits = 0, peak_saves = 0;
};

class backtest {
public:
    backtest() {
        const auto& m = replay();
        positions_.resize(positions_count);
        for (std::size_t s = 0; s < positions_count; ++s) {
            positions_[s].side = s % 2 == 0 ? position_side::long_ : position_side::short_;
            open(s, m.marks[s]);
            // The replay starts with positions of every age (0-13 h), so the aged phases are
            // reached from the first pass on, not only after 3 h of replayed time.
            positions_[s].opened_at -= std::chrono::minutes{4 * static_cast<int>(s)};
        }
    }

    void tick(std::size_t s, decimal mark) {
        auto& p = positions_[s];
        const auto now = clock_.now();
        const bool crossed = p.side == position_side::long_ ? mark <= p.stop : mark >= p.stop;
        if (crossed) {
            ++counters_.stop_hits;
            open(s, mark);
            return;
        }
        const auto decision = p.trailing->on_price(mark, now);
        if (const auto* move = std::get_if<pr::move_stop>(&decision)) {
            p.trailing->confirm_move(move->new_trigger, now);
            p.stop = move->new_trigger;
            ++counters_.moves;
        } else if (std::holds_alternative<pr::close_now>(decision)) {
            ++counters_.trailing_exits;
            open(s, mark);
            return;
        } else if (std::holds_alternative<pr::save_peak>(decision)) {
            ++counters_.peak_saves;
        }
        pr::aged_inputs in;
        in.side = p.side;
        in.entry_price = p.entry;
        in.opened_at = p.opened_at;
        in.now = now;
        in.mark_price = mark;
        in.trailing_active = p.trailing->phase() != pr::trailing_phase::inactive;
        if (std::holds_alternative<pr::aged_close>(aged_.evaluate(in))) {
            ++counters_.aged_exits;
            open(s, mark);
        }
    }

    void next_round() { clock_.advance(std::chrono::seconds{1}); }
    [[nodiscard]] const counters& stats() const noexcept { return counters_; }

private:
    // A new position at the mark, protected 2 % away (rounded as the venue stop would be).
    void open(std::size_t s, decimal mark) {
        auto& p = positions_[s];
        const auto& rules = replay().rules[s];
        p.entry = mark;
        p.opened_at = clock_.now();
        const decimal two = decimal::from_raw(2, 2);
        p.stop = rules.stop_price(p.side, p.side == position_side::long_ ? mark * (decimal::from_int(1) - two)
                                                                         : mark * (decimal::from_int(1) + two));
        pr::trailing_params tp;
        tp.side = p.side;
        tp.entry_price = mark;
        tp.initial_stop = p.stop;
        p.trailing.emplace(tp, trailing_settings_, rules);
    }

    tb::core::manual_clock clock_;
    tb::config::trailing_settings trailing_settings_;
    pr::aged_policy aged_{tb::config::aged_settings{}, decimal::from_raw(5, 2)};  // 0.05 % per side
    std::vector<position> positions_;
    counters counters_;
};

void backtest_replay(benchmark::State& state) {
    const auto& m = replay();
    backtest bt;
    std::size_t i = 0;
    std::size_t s = 0;
    for (auto _ : state) {
        bt.tick(s, m.marks[i]);
        if (++s == positions_count) {
            s = 0;
            bt.next_round();
        }
        if (++i == m.marks.size()) {
            i = 0;
        }
    }
    state.SetItemsProcessed(state.iterations());
    const auto& c = bt.stats();
    const auto per_m = [&](std::int64_t n) {
        return static_cast<double>(n) * 1e6 / static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
    };
    state.counters["moves_per_M"] = per_m(c.moves);
    state.counters["stop_hits_per_M"] = per_m(c.stop_hits);
    state.counters["trailing_exits_per_M"] = per_m(c.trailing_exits);
    state.counters["aged_exits_per_M"] = per_m(c.aged_exits);
    // Every kind of decision must occur in a full pass, or the benchmark no longer measures the
    // logic it claims to (the smoke run is shorter than a pass and only checks that it runs).
    if (state.iterations() >= static_cast<benchmark::IterationCount>(m.marks.size()) &&
        (c.moves == 0 || c.stop_hits == 0 || c.aged_exits == 0)) {
        std::fprintf(stderr, "moves %lld, stop hits %lld, trailing exits %lld, aged exits %lld\n",
                     static_cast<long long>(c.moves), static_cast<long long>(c.stop_hits),
                     static_cast<long long>(c.trailing_exits), static_cast<long long>(c.aged_exits));
        state.SkipWithError("the replay no longer exercises moves, stop hits and aged exits");
    }
}
BENCHMARK(backtest_replay);

}  // namespace

BENCHMARK_MAIN();

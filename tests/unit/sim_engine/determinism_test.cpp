#include <cstdint>

#include "fixture.hpp"

namespace tradebot::sim::engine::test {
namespace {

// A fixed scenario: a pseudo-random walk (its own LCG, so the path is the same everywhere),
// orders, a stop, a trailing stop and funding. Returns the event log, one line per event.
std::string run_scenario(std::uint64_t seed) {
    core::manual_clock clock;
    exchange_config cfg;
    cfg.seed = seed;
    cfg.slippage_bps = "2"_d;
    exchange ex{clock, cfg};
    ex.add_instrument(btc_spec());
    account_config a;
    a.id = key;
    ex.add_account(a);
    ex.set_funding_rate(btc, "0.0001"_d);
    ex.set_prices(btc, at("50000"_d));

    std::string log;
    auto record = [&] {
        for (const auto& e : ex.drain_events()) {
            log += to_string(e) + "\n";
        }
    };
    order_request entry;
    entry.symbol = btc;
    entry.side = core::side::buy;
    entry.qty = "0.05"_d;
    entry.client_id = "entry-1";
    ex.place_order(key, entry);
    conditional_request sl;
    sl.symbol = btc;
    sl.side = core::side::sell;
    sl.trigger_price = "49000"_d;
    sl.close_position = true;
    sl.working = working_type::mark;
    ex.place_conditional(key, sl);
    conditional_request ts;
    ts.symbol = btc;
    ts.side = core::side::sell;
    ts.kind = conditional_kind::trailing_stop_market;
    ts.qty = "0.05"_d;
    ts.reduce_only = true;
    ts.callback_rate = "0.5"_d;
    ex.place_conditional(key, ts);
    record();

    std::uint64_t state = 12345;
    decimal mid = "50000"_d;
    for (int i = 0; i < 500; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const auto step = static_cast<std::int64_t>((state >> 33U) % 201U) - 100;  // -10.0 .. +10.0
        mid = mid + decimal::from_raw(step, 1);
        clock.advance(std::chrono::minutes{5});
        ex.on_price(btc, at(mid));
        ex.advance_to(clock.now());
        if (i % 50 == 0) {
            order_request again = entry;
            again.client_id = "entry-" + std::to_string(i + 2);
            again.side = i % 100 == 0 ? core::side::buy : core::side::sell;
            ex.place_order(key, again);
        }
        record();
    }
    return log;
}

TEST(determinism, same_seed_and_inputs_give_the_same_event_log) {
    const std::string first = run_scenario(7);
    EXPECT_GT(first.size(), 1000U);
    EXPECT_NE(first.find("funding"), std::string::npos);
    EXPECT_EQ(first, run_scenario(7));
}

TEST(determinism, the_seed_changes_the_ids) { EXPECT_NE(run_scenario(7), run_scenario(8)); }

}  // namespace
}  // namespace tradebot::sim::engine::test

#include "tradebot/pipeline/entry_decider.hpp"

#include <filesystem>

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "unit/pipeline/fake_trading.hpp"
#include "unit/signals/signals_test_support.hpp"

namespace tradebot::pipeline {
namespace {

using namespace core::literals;
using core::exchange_id;
using signals::test::make_signal;
using signals::test::utc;

class entry_decider_test : public ::testing::Test {
protected:
    entry_decider_test() {
        settings_.risk.kill_switch_file = std::filesystem::path{::testing::TempDir()} / "no-such-kill-switch";
        settings_.signals.filters.stop_list = {core::symbol::from_string("SOLUSDT")};
        port_.add(exchange_id::binance, "ETHUSDT", "2000"_d);
        port_.add(exchange_id::binance, "BTCUSDT", "50000"_d);
        port_.add(exchange_id::binance, "SOLUSDT", "100"_d);
        port_.add(exchange_id::bybit, "ETHUSDT", "2000"_d);
    }

    // Built on first use, so that a test can change the settings first.
    entry_decider& decider() {
        if (!decider_) {
            decider_.emplace(port_, sink_, metrics_, settings_, clock_, "me");
        }
        return *decider_;
    }

    void decide(std::vector<signals::signal> batch, std::optional<signals::wave> wave = std::nullopt) {
        test::run([&]() { return decider().decide(batch, wave, state_); });
    }

    static signals::signal eth(std::int64_t id, const char* week = "10") {
        return make_signal(id, exchange_id::binance, "ETHUSDT", week, "10", utc(0));
    }

    config::settings settings_;
    core::manual_clock clock_;
    prometheus::Registry registry_;
    trading::trading_metrics metrics_{registry_};
    test::fake_trading port_{clock_};
    test::recording_sink sink_;
    wave_state state_;
    std::optional<entry_decider> decider_;
};

TEST_F(entry_decider_test, a_signal_the_filters_pass_is_sized_risk_checked_and_opened) {
    decide({eth(1)});

    ASSERT_EQ(port_.opened.size(), 1u);
    const auto& intent = port_.opened[0];
    EXPECT_EQ(intent.signal_id, 1);
    EXPECT_EQ(intent.signal_owner, "me");
    EXPECT_EQ(intent.side, core::position_side::long_);
    EXPECT_EQ(intent.quantity, "0.1"_d);  // 200 USD at 2000
    EXPECT_EQ(intent.reference_price, "2000"_d);
    EXPECT_EQ(intent.leverage, settings_.trading.leverage);
    ASSERT_EQ(sink_.decisions.size(), 1u);
    EXPECT_EQ(sink_.decisions[0].d.kind, verdict::taken);
    EXPECT_EQ(sink_.decisions[0].d.reason, "opened");
    EXPECT_EQ(sink_.decisions[0].d.position, 100);
    EXPECT_TRUE(sink_.claims.empty());  // immediate mode: the row's decision claims it
}

TEST_F(entry_decider_test, market_numbers_are_read_once_per_instrument_and_only_for_what_the_listing_lets_through) {
    port_.positions.insert({exchange_id::binance, core::symbol::from_string("BTCUSDT")});
    decide({eth(1, "20"), eth(2), make_signal(3, exchange_id::binance, "SOLUSDT", "10", "10", utc(0)),
            make_signal(4, exchange_id::binance, "BTCUSDT", "10", "10", utc(0)),
            make_signal(5, exchange_id::binance, "XRPUSDT", "10", "10", utc(0))});

    // SOL is stop-listed, BTC open, XRP unknown: no reads for them, one for both ETH signals.
    ASSERT_EQ(port_.stats_reads.size(), 1u);
    EXPECT_EQ(port_.stats_reads[0].symbol.str(), "ETHUSDT");
    ASSERT_EQ(sink_.decisions.size(), 5u);
    EXPECT_EQ(sink_.of(3)->reason, "stop_list");
    EXPECT_EQ(sink_.of(4)->reason, "already_open");
    EXPECT_EQ(sink_.of(5)->reason, "not_tradable");
    EXPECT_EQ(sink_.of(1)->kind, verdict::taken);
    // Passed the chain against the snapshot; the entry of signal 1 then took its instrument.
    EXPECT_EQ(sink_.of(2)->kind, verdict::skipped);
    EXPECT_EQ(sink_.of(2)->reason, "already_open");
    EXPECT_EQ(port_.opened.size(), 1u);
}

TEST_F(entry_decider_test, a_market_number_that_cannot_be_read_defers_the_signal) {
    port_.stats.clear();
    decide({eth(1)});

    ASSERT_EQ(sink_.decisions.size(), 1u);
    EXPECT_EQ(sink_.decisions[0].d.kind, verdict::deferred);
    EXPECT_EQ(sink_.decisions[0].d.reason, "no_market_data");
    EXPECT_TRUE(port_.opened.empty());
}

TEST_F(entry_decider_test, without_enabled_market_filters_nothing_is_read) {
    settings_.signals.filters.open_interest_enabled = false;
    settings_.signals.filters.volume_enabled = false;
    settings_.signals.filters.price_change_enabled = false;
    port_.stats.clear();
    decide({eth(1)});

    EXPECT_TRUE(port_.stats_reads.empty());
    EXPECT_EQ(sink_.of(1)->kind, verdict::taken);
}

TEST_F(entry_decider_test, a_rule_the_market_numbers_break_skips_the_signal) {
    port_.stats[{exchange_id::binance, core::symbol::from_string("ETHUSDT")}].open_interest_usdt = "10"_d;
    decide({eth(1)});

    EXPECT_EQ(sink_.of(1)->kind, verdict::skipped);
    EXPECT_EQ(sink_.of(1)->reason, "open_interest");
}

TEST_F(entry_decider_test, an_unknown_balance_defers_and_the_next_batch_reads_it_again) {
    port_.free_usdt.reset();
    decide({eth(1)});
    ASSERT_EQ(sink_.decisions.size(), 1u);
    EXPECT_EQ(sink_.decisions[0].d.kind, verdict::deferred);
    EXPECT_EQ(sink_.decisions[0].d.reason, "balance_unknown");
    const auto reads = port_.balance_reads;

    port_.free_usdt = "10000"_d;
    decide({eth(1)});
    EXPECT_GT(port_.balance_reads, reads);
    EXPECT_EQ(sink_.decisions.back().d.kind, verdict::taken);
}

// Issue 19, C3: the risk check read every venue's balance, so a Binance signal waited for a
// Bybit balance read that Bybit's 403 ban held for ten minutes.
TEST_F(entry_decider_test, a_signal_reads_the_balance_of_its_own_venue_only) {
    decide({eth(1)});
    EXPECT_EQ(sink_.of(1)->kind, verdict::taken);
    EXPECT_EQ(port_.balance_reads_of[exchange_id::binance], 1);
    EXPECT_EQ(port_.balance_reads_of[exchange_id::bybit], 0);

    // A batch of both venues reads each one's balance when it reaches that venue's signal.
    decide({make_signal(2, exchange_id::bybit, "ETHUSDT", "10", "10", utc(0)),
            make_signal(3, exchange_id::binance, "BTCUSDT", "10", "10", utc(0))});
    EXPECT_EQ(sink_.of(2)->kind, verdict::taken);
    EXPECT_EQ(sink_.of(3)->kind, verdict::taken);
    EXPECT_EQ(port_.balance_reads_of[exchange_id::bybit], 1);
}

TEST_F(entry_decider_test, a_wave_claims_before_each_entry_and_stops_at_its_limit) {
    settings_.signals.max_trades_per_wave = 1;
    const signals::wave wave{utc(0, 16), utc(0), utc(0, 17)};
    decide({eth(1, "20"), make_signal(2, exchange_id::binance, "BTCUSDT", "10", "10", utc(0)),
            make_signal(3, exchange_id::bybit, "ETHUSDT", "10", "10", utc(0))},
           wave);

    EXPECT_EQ(sink_.of(1)->kind, verdict::taken);
    EXPECT_EQ(sink_.of(2)->reason, "wave_full");
    EXPECT_EQ(sink_.of(3)->kind, verdict::taken);  // the limit is per exchange
    EXPECT_EQ(sink_.claims, (std::vector<std::int64_t>{1, 3}));
    EXPECT_EQ(state_.opened[exchange_id::binance], 1);
    EXPECT_EQ(state_.opened[exchange_id::bybit], 1);
}

TEST_F(entry_decider_test, a_signal_of_a_later_candle_is_left_for_its_wave) {
    const signals::wave wave{utc(0, 16), utc(0), utc(0, 17)};
    decide({eth(1), make_signal(2, exchange_id::binance, "BTCUSDT", "10", "10", utc(0, 15))}, wave);

    EXPECT_EQ(sink_.of(1)->kind, verdict::taken);
    EXPECT_EQ(sink_.of(2), nullptr);
    ASSERT_EQ(port_.stats_reads.size(), 1u);  // nor are its numbers read
}

TEST_F(entry_decider_test, a_signal_another_instance_claimed_is_neither_opened_nor_recorded) {
    sink_.claimable = std::vector<std::int64_t>{};
    decide({eth(1)}, signals::wave{utc(0, 16), utc(0), utc(0, 17)});

    EXPECT_TRUE(port_.opened.empty());
    EXPECT_TRUE(sink_.decisions.empty());
}

TEST_F(entry_decider_test, an_entry_closed_unprotected_fails_the_signal_and_still_fills_the_wave) {
    settings_.signals.max_trades_per_wave = 1;
    port_.next_open = trading::open_result_kind::closed_unprotected;
    decide({eth(1, "20"), make_signal(2, exchange_id::binance, "BTCUSDT", "10", "10", utc(0))},
           signals::wave{utc(0, 16), utc(0), utc(0, 17)});

    EXPECT_EQ(sink_.of(1)->kind, verdict::failed);
    EXPECT_EQ(sink_.of(1)->reason, "closed_unprotected");
    EXPECT_EQ(sink_.of(2)->reason, "wave_full");
}

TEST_F(entry_decider_test, a_signal_another_claimer_decided_is_handed_back_as_elsewhere) {
    port_.next_open = trading::open_result_kind::signal_taken;
    decide({eth(1)});

    EXPECT_EQ(sink_.of(1)->kind, verdict::elsewhere);
}

TEST_F(entry_decider_test, the_daily_loss_limit_skips) {
    port_.pnl_today = "-5000"_d;
    decide({eth(1)});

    EXPECT_EQ(sink_.of(1)->kind, verdict::skipped);
    EXPECT_EQ(sink_.of(1)->reason, "daily_loss_limit");
}

// trading.max_spread_percent (2.0 by default) against a book of bid 1990 / ask 2010: 1 % of the
// mid 2000. The same signal is opened or skipped by block_on_spread alone.
class entry_decider_spread_test : public entry_decider_test {
protected:
    void quote(const char* bid, const char* ask) {
        port_.books[{exchange_id::binance, core::symbol::from_string("ETHUSDT")}] =
            exchange::book_top_state{core::symbol::from_string("ETHUSDT"), core::decimal::parse(bid).value(),
                                     core::decimal::parse(ask).value(), 0};
    }
    // tradebot_entry_spread_checks_total{result}, summed over exchanges.
    double spread_checks(std::string_view result) {
        double n = 0;
        for (const auto& family : registry_.Collect()) {
            if (family.name != "tradebot_entry_spread_checks_total") {
                continue;
            }
            for (const auto& m : family.metric) {
                for (const auto& l : m.label) {
                    if (l.name == "result" && l.value == result) {
                        n += m.counter.value;
                    }
                }
            }
        }
        return n;
    }
};

TEST_F(entry_decider_spread_test, a_spread_within_the_limit_is_entered) {
    quote("1990", "2010");
    settings_.trading.block_on_spread = true;
    decide({eth(1)});

    EXPECT_EQ(port_.opened.size(), 1u);
    EXPECT_EQ(spread_checks("within"), 1);
    EXPECT_EQ(port_.quote_waits, std::vector<quote_wait>{quote_wait::read});  // it may refuse: it waits
}

TEST_F(entry_decider_spread_test, a_wide_spread_with_block_on_spread_skips_the_signal) {
    quote("1990", "2010");
    settings_.trading.max_spread_percent = "0.5"_d;
    settings_.trading.block_on_spread = true;
    decide({eth(1)});

    EXPECT_TRUE(port_.opened.empty());
    ASSERT_NE(sink_.of(1), nullptr);
    EXPECT_EQ(sink_.of(1)->kind, verdict::skipped);
    EXPECT_EQ(sink_.of(1)->reason, "spread_too_wide");
    EXPECT_NE(sink_.of(1)->message.find("spread 1.0000 %"), std::string::npos) << sink_.of(1)->message;
    EXPECT_EQ(spread_checks("wide_blocked"), 1);
}

TEST_F(entry_decider_spread_test, a_wide_spread_without_block_on_spread_is_only_counted) {
    quote("1990", "2010");
    settings_.trading.max_spread_percent = "0.5"_d;
    settings_.trading.block_on_spread = false;
    decide({eth(1)});

    EXPECT_EQ(port_.opened.size(), 1u);
    EXPECT_EQ(sink_.of(1)->kind, verdict::taken);
    EXPECT_EQ(spread_checks("wide_logged"), 1);
}

TEST_F(entry_decider_spread_test, a_check_that_cannot_refuse_never_waits_for_the_venue) {
    quote("1990", "2010");
    settings_.trading.block_on_spread = false;
    decide({eth(1)});
    EXPECT_EQ(port_.quote_waits, std::vector<quote_wait>{quote_wait::cached_only});
}

TEST_F(entry_decider_spread_test, an_unknown_book_defers_with_block_on_spread_and_passes_without) {
    port_.books.clear();
    settings_.trading.block_on_spread = true;
    decide({eth(1)});
    EXPECT_TRUE(port_.opened.empty());
    EXPECT_EQ(sink_.of(1)->kind, verdict::deferred);
    EXPECT_EQ(sink_.of(1)->reason, "spread_unknown");

    settings_.trading.block_on_spread = false;
    decide({eth(2)});
    EXPECT_EQ(port_.opened.size(), 1u);
    EXPECT_EQ(sink_.of(2)->kind, verdict::taken);
    EXPECT_EQ(spread_checks("unknown"), 2);
}

TEST_F(entry_decider_spread_test, a_one_sided_or_crossed_book_counts_as_unknown) {
    settings_.trading.block_on_spread = true;
    quote("0", "2010");
    decide({eth(1)});
    EXPECT_EQ(sink_.of(1)->reason, "spread_unknown");
    quote("2011", "2010");
    decide({eth(2)});
    EXPECT_EQ(sink_.of(2)->reason, "spread_unknown");
}

}  // namespace
}  // namespace tradebot::pipeline

// `tradebot run --exchange bybit`: the original's run_bot_bybit.py. The daemon trades that venue
// alone, needs no keys for the other, and a signal for the other venue never becomes a position.
#include <csignal>

#include <gtest/gtest.h>

#include "session_fixture.hpp"

using namespace std::chrono_literals;
using tradebot::test::run_shell;

namespace {

class single_venue_test : public tradebot::test::session_test {
protected:
    std::unique_ptr<tradebot::test::child_process> run(const std::string& name, const std::vector<std::string>& args) {
        std::vector<std::string> all{"run"};
        all.insert(all.end(), args.begin(), args.end());
        all.insert(all.end(), {"--config", config_dir().string()});
        return std::make_unique<tradebot::test::child_process>(bin(), all, dir_.path() / (name + ".log"));
    }

    [[nodiscard]] std::string sql(const std::string& query) const {
        const auto [rc, out] = run_shell("psql -tA '" + pg_url_ + "' -c \"" + query + "\"");
        EXPECT_EQ(rc, 0) << out;
        return out;
    }
};

TEST_F(single_venue_test, run_exchange_bybit_trades_bybit_alone_without_binance_keys) {
    const auto [arc, account] = sim_.control(sim_.binance_port(), "POST", "/sim/account",
                                             R"({"api_key":"bybit-only-key","api_secret":"bybit-only-secret","balance":"10000"})");
    ASSERT_EQ(arc, 200) << account;
    // Keys for Bybit only: production mode over both venues refuses to start without Binance's.
    write_exchanges("", "    api_key: bybit-only-key\n    api_secret: bybit-only-secret\n");
    write_main(pg_url_);
    write_immediate_strategy();
    {
        auto both = run("both", {"--mode", "production"});
        const auto code = both->wait_exit(15s);
        ASSERT_TRUE(code.has_value()) << both->output();
        EXPECT_EQ(*code, 2) << both->output();
        EXPECT_NE(both->output().find("exchanges.binance.api_key"), std::string::npos) << both->output();
    }

    auto bot = run("bybit", {"--mode", "production", "--exchange", "bybit"});
    ASSERT_TRUE(wait_ready(*bot)) << bot->output();
    insert_signals({"'binance', 'BTCUSDT', 'buy', 80, 80", "'bybit', 'ETHUSDT', 'sell', 80, 80"});
    ASSERT_TRUE(wait_count(*bot, "msg=\"position protected\"", 0, 1, 15s)) << bot->output();
    // Both rows are decided: the Bybit one opened, the Binance one did not.
    std::string decided;
    for (int i = 0; i < 100; ++i) {
        decided = sql("SELECT exchange || ':' || status FROM " + schema_ + ".signals ORDER BY exchange");
        if (decided.find(":new") == std::string::npos) {
            break;
        }
        (void)bot->wait_exit(100ms);
    }
    EXPECT_NE(decided.find("bybit:taken"), std::string::npos) << decided;
    EXPECT_EQ(decided.find("binance:taken"), std::string::npos) << decided;
    EXPECT_EQ(sql("SELECT exchange || ':' || symbol FROM " + schema_ + ".positions"), "bybit:ETHUSDT\n");

    bot->send_signal(SIGTERM);
    const auto code = bot->wait_exit(15s);
    ASSERT_TRUE(code.has_value()) << bot->output();
    EXPECT_EQ(*code, 0) << bot->output();
}

TEST_F(single_venue_test, run_exchange_names_a_venue_the_configuration_disabled) {
    write_exchanges("    enabled: false\n");
    write_main(pg_url_);
    auto bot = run("disabled", {"--mode", "test", "--exchange", "binance"});
    const auto code = bot->wait_exit(15s);
    ASSERT_TRUE(code.has_value()) << bot->output();
    EXPECT_EQ(*code, 2) << bot->output();
    EXPECT_NE(bot->output().find("at least one exchange must be enabled"), std::string::npos) << bot->output();
    EXPECT_NE(bot->output().find("run --exchange binance trades that venue alone"), std::string::npos) << bot->output();
}

}  // namespace

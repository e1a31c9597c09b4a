// tradebot check's margin_mode finding from what a venue reports (issue 17): the venue's own
// margin mode, not the configured one, decides.
#include <gtest/gtest.h>

#include "app/commands/venue_checks.hpp"

namespace tradebot::app::commands {
namespace {

using exchange::margin_mode;

exchange::position_state position(const char* symbol, margin_mode m) {
    exchange::position_state p;
    p.symbol = core::symbol::from_string(symbol);
    p.quantity = core::decimal::from_int(1);
    p.margin = m;
    return p;
}

exchange::account_setup_state setup(std::optional<margin_mode> account, bool portfolio, std::optional<bool> multi_assets) {
    exchange::account_setup_state s;
    s.can_trade = true;
    s.account_margin = account;
    s.portfolio_margin = portfolio;
    s.multi_assets = multi_assets;
    return s;
}

const finding& only(const finding_report& r) {
    EXPECT_EQ(r.findings().size(), 1U);
    return r.findings().front();
}

TEST(margin_finding, multi_assets_mode_or_portfolio_margin_make_isolated_impossible) {
    finding_report binance;
    margin_finding("binance", config::margin_type::isolated, setup(std::nullopt, false, true), {},
                   binance);
    EXPECT_EQ(only(binance).status, finding_status::fail);
    EXPECT_EQ(only(binance).detail, "the account is in Multi-Assets mode, which allows cross margin only; configured isolated");
    EXPECT_NE(only(binance).fix.find("set exchanges.binance.margin_mode: cross"), std::string::npos);
    finding_report cross;
    margin_finding("binance", config::margin_type::cross, setup(std::nullopt, false, true), {}, cross);
    EXPECT_EQ(only(cross).status, finding_status::ok) << "Multi-Assets mode trades cross margin";

    finding_report bybit;
    margin_finding("bybit", config::margin_type::isolated,
                   setup(margin_mode::cross, true, std::nullopt), {},
                   bybit);
    EXPECT_EQ(only(bybit).status, finding_status::fail);
    EXPECT_NE(only(bybit).detail.find("portfolio margin"), std::string::npos);
}

TEST(margin_finding, an_account_wide_mode_is_compared_as_the_venue_reports_it) {
    const auto isolated = setup(margin_mode::isolated, false, std::nullopt);
    finding_report same;
    margin_finding("bybit", config::margin_type::isolated, isolated, {}, same);
    EXPECT_EQ(only(same).status, finding_status::ok);
    EXPECT_EQ(only(same).detail, "the account is in isolated margin (account-wide)");

    finding_report flat;
    margin_finding("bybit", config::margin_type::cross, isolated, {}, flat);
    EXPECT_EQ(only(flat).status, finding_status::warn);
    EXPECT_EQ(only(flat).fix, "set exchanges.bybit.margin_mode: isolated to keep the account as it is, or switch it to "
                              "cross on the venue now");

    // The position rows carry no mode of their own on Bybit: the account's counts.
    finding_report open;
    margin_finding("bybit", config::margin_type::cross, isolated, {position("ETHUSDT", margin_mode::cross)}, open);
    EXPECT_EQ(only(open).status, finding_status::warn);
    EXPECT_EQ(only(open).detail, "the account is in isolated margin with 1 open position(s), configured cross: the "
                                 "venue refuses to switch the account while they are open");
}

TEST(margin_finding, per_symbol_modes_name_each_position_in_the_other_mode) {
    finding_report r;
    margin_finding("binance", config::margin_type::cross, setup(std::nullopt, false, false),
                   {position("BTCUSDT", margin_mode::isolated), position("ETHUSDT", margin_mode::cross),
                    position("SOLUSDT", margin_mode::isolated)},
                   r);
    EXPECT_EQ(only(r).status, finding_status::warn);
    EXPECT_EQ(only(r).detail, "open in isolated margin, configured cross: BTCUSDT, SOLUSDT");
    finding_report none;
    margin_finding("binance", config::margin_type::isolated, setup(std::nullopt, false, std::nullopt), {}, none);
    EXPECT_EQ(only(none).status, finding_status::ok);
    EXPECT_EQ(only(none).detail, "no open position; the daemon sets isolated margin before each entry");
}

}  // namespace
}  // namespace tradebot::app::commands

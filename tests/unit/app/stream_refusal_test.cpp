// check's verdict on a venue's answer to the stream probe's subscribe or auth request.
#include <gtest/gtest.h>

#include "app/commands/stream_checks.hpp"

namespace tradebot::app::commands {
namespace {

TEST(stream_refusal, binance_acknowledges_with_a_null_result_and_refuses_with_a_code) {
    EXPECT_EQ(stream_refusal(core::exchange_id::binance, R"({"result":null,"id":1})"), "");
    EXPECT_EQ(stream_refusal(core::exchange_id::binance,
                             R"({"code":2,"msg":"Invalid request: too many parameters","id":1})"),
              "code 2: Invalid request: too many parameters");
    // A data frame where the answer should be is no acknowledgement.
    EXPECT_EQ(stream_refusal(core::exchange_id::binance, R"({"e":"bookTicker","s":"BTCUSDT"})"),
              R"(unexpected answer {"e":"bookTicker","s":"BTCUSDT"})");
    EXPECT_EQ(stream_refusal(core::exchange_id::binance, "not json"), "unexpected answer not json");
}

TEST(stream_refusal, bybit_acknowledges_with_success_and_refuses_with_its_ret_msg) {
    EXPECT_EQ(stream_refusal(
                  core::exchange_id::bybit,
                  R"({"success":true,"ret_msg":"","conn_id":"c1","req_id":"tradebot-check","op":"subscribe"})"),
              "");
    EXPECT_EQ(stream_refusal(
                  core::exchange_id::bybit,
                  R"({"success":false,"ret_msg":"error:handler not found,topic:tickers.NOPEUSDT","op":"subscribe"})"),
              "error:handler not found,topic:tickers.NOPEUSDT");
    EXPECT_EQ(stream_refusal(core::exchange_id::bybit, R"({"success":false,"ret_msg":"","op":"auth"})"),
              R"(unexpected answer {"success":false,"ret_msg":"","op":"auth"})");
    // Binance's acknowledgement is not Bybit's.
    EXPECT_EQ(stream_refusal(core::exchange_id::bybit, R"({"result":null,"id":1})"),
              R"(unexpected answer {"result":null,"id":1})");
}

}  // namespace
}  // namespace tradebot::app::commands

#include <iterator>

#include "sim/bybit/handlers.hpp"

namespace tradebot::sim::bybit {

// Both endpoints are what ccxt asks before its first private call to learn the account type.
// exchange-apis.md names GET /v5/account/info only (§B3 limits, §B7 margin mode) and not
// /v5/user/query-api at all: the field sets are the official V5 docs' ("Get API Key Information",
// "Get Account Info") [U]. The simulator has one kind of account: a unified trading account (UTA
// 2.0, the only account type left, §B6) whose key may trade contracts unless the scenario marks
// it read_only, bound to no IP.

namespace {

bool key_is_read_only(const context& ctx, const std::string& api_key) {
    const auto* account = ctx.ex.find_account(api_key);
    return account != nullptr && account->config().read_only;
}

}  // namespace

outcome query_api(context& ctx, const request& r) {
    // A stable user id per key: its place among the scenario's keys.
    const auto it = ctx.secrets.find(r.account);
    const auto index = it == ctx.secrets.end() ? 0 : std::distance(ctx.secrets.begin(), it);
    const json::array none;
    outcome o;
    o.result = json::object{
        {"id", std::to_string(1000 + index)},
        {"note", "tradebot-sim"},
        {"apiKey", r.account},
        {"readOnly", key_is_read_only(ctx, r.account) ? 1 : 0},
        {"secret", ""},
        {"permissions", json::object{{"ContractTrade", json::array{"Order", "Position"}},
                                     {"Spot", none},
                                     {"Wallet", none},
                                     {"Options", none},
                                     {"Derivatives", none},
                                     {"CopyTrading", none},
                                     {"BlockTrade", none},
                                     {"Exchange", none},
                                     {"NFT", none},
                                     {"Affiliate", none},
                                     {"Earn", none}}},
        {"ips", json::array{"*"}},
        {"type", 1},
        {"deadlineDay", 90},  // [U] keys bound to no IP expire; the simulator's never do
        {"expiredAt", ""},
        {"createdAt", "2026-01-01T00:00:00Z"},
        {"unified", 0},  // the retired unified *margin* account
        {"uta", 1},      // a unified trading account
        {"userID", 100'001 + index},
        {"inviterID", 0},
        {"vipLevel", "No VIP"},
        {"mktMakerLevel", "0"},
        {"affiliateID", 0},
        {"rsaPublicKey", ""},
        {"isMaster", true},
        {"parentUid", "0"},
        {"kycLevel", "LEVEL_DEFAULT"},
        {"kycRegion", ""}};
    return o;
}

outcome account_info(context& ctx, const request& r) {
    // set-margin-mode switches every symbol (positions.cpp), so any symbol tells the account's mode.
    bool isolated = false;
    if (const auto* acc = ctx.ex.find_account(r.account)) {
        const auto snap = ctx.ex.snapshot();
        isolated = !snap.symbols.empty() && acc->margin(snap.symbols.front().spec.symbol) == engine::margin_mode::isolated;
    }
    outcome o;
    o.result = json::object{{"marginMode", isolated ? "ISOLATED_MARGIN" : "REGULAR_MARGIN"},
                            {"updatedTime", std::to_string(ctx.clock.server_now_ms())},
                            {"unifiedMarginStatus", 6},  // [U] 5/6 = UTA 2.0 (/Pro); 6 is also ccxt's default
                            {"dcpStatus", "OFF"},        // deprecated: always OFF
                            {"timeWindow", 0},           // deprecated: always 0
                            {"smpGroup", 0},             // deprecated: always 0
                            {"isMasterTrader", false},
                            {"spotHedgingStatus", "OFF"}};
    return o;
}

}  // namespace tradebot::sim::bybit

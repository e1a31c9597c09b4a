#pragma once

#include <map>
#include <string>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/sim/engine/position.hpp"
#include "tradebot/sim/engine/trading_stop.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

struct account_config {
    account_id id;  // the API key the wire layers authenticate
    core::decimal initial_balance = core::decimal::from_int(10'000);
    core::decimal maker_fee_rate = core::decimal::from_string("0.0002");
    core::decimal taker_fee_rate = core::decimal::from_string("0.0005");
    int default_leverage = 20;
    margin_mode default_margin_mode = margin_mode::cross;
    // A key without trade permission: it signs reads, every request that would change the account
    // is refused (Binance -2015, Bybit 10005), and the key-information endpoints say so.
    bool read_only = false;
};

// One API key's account: a wallet per asset, per-symbol leverage and margin mode, the
// account-wide position mode, fee rates and one-way positions with their attached TP/SL.
class account {
public:
    account(account_config config, std::string settlement_asset);

    [[nodiscard]] const account_id& id() const noexcept { return config_.id; }
    [[nodiscard]] const account_config& config() const noexcept { return config_; }
    [[nodiscard]] const std::string& settlement_asset() const noexcept { return settlement_asset_; }

    [[nodiscard]] core::decimal wallet_balance() const { return wallet(settlement_asset_); }
    [[nodiscard]] core::decimal wallet(const std::string& asset) const;
    void set_wallet(const std::string& asset, core::decimal amount) { wallets_[asset] = amount; }
    void credit(core::decimal amount);  // settlement asset; negative debits
    [[nodiscard]] const std::map<std::string, core::decimal>& wallets() const noexcept { return wallets_; }

    [[nodiscard]] int leverage(const core::symbol& s) const;
    void set_leverage(const core::symbol& s, int leverage) { leverage_[s] = leverage; }
    [[nodiscard]] margin_mode margin(const core::symbol& s) const;
    void set_margin(const core::symbol& s, margin_mode m) { margin_[s] = m; }
    [[nodiscard]] position_mode pos_mode() const noexcept { return position_mode_; }
    void set_pos_mode(position_mode m) noexcept { position_mode_ = m; }
    [[nodiscard]] core::decimal fee_rate(liquidity l) const noexcept {
        return l == liquidity::maker ? config_.maker_fee_rate : config_.taker_fee_rate;
    }

    // The position for `s`, created flat on first use.
    position& position_for(const core::symbol& s);
    [[nodiscard]] const position* find_position(const core::symbol& s) const;
    [[nodiscard]] const std::map<core::symbol, position>& positions() const noexcept { return positions_; }
    // The quantity a reduce-only order on `side` may still execute: up to the opposite position.
    [[nodiscard]] core::decimal reducible(const core::symbol& s, core::side side) const;
    std::map<core::symbol, position>& positions() noexcept { return positions_; }

    trading_stop& trading_stop_for(const core::symbol& s) { return stops_[s]; }
    [[nodiscard]] const trading_stop* find_trading_stop(const core::symbol& s) const;
    void clear_trading_stop(const core::symbol& s) { stops_.erase(s); }

private:
    account_config config_;
    std::string settlement_asset_;
    std::map<std::string, core::decimal> wallets_;
    std::map<core::symbol, int> leverage_;
    std::map<core::symbol, margin_mode> margin_;
    position_mode position_mode_ = position_mode::one_way;
    std::map<core::symbol, position> positions_;
    std::map<core::symbol, trading_stop> stops_;
};

}  // namespace tradebot::sim::engine

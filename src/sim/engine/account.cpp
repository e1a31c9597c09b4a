#include "tradebot/sim/engine/account.hpp"

#include <utility>

#include "sim/engine/money.hpp"

namespace tradebot::sim::engine {

account::account(account_config config, std::string settlement_asset)
    : config_{std::move(config)}, settlement_asset_{std::move(settlement_asset)} {
    wallets_[settlement_asset_] = config_.initial_balance;
}

core::decimal account::wallet(const std::string& asset) const {
    const auto it = wallets_.find(asset);
    return it == wallets_.end() ? core::decimal{} : it->second;
}

void account::credit(core::decimal amount) {
    auto& w = wallets_[settlement_asset_];
    w = money(w + amount);
}

int account::leverage(const core::symbol& s) const {
    const auto it = leverage_.find(s);
    return it == leverage_.end() ? config_.default_leverage : it->second;
}

margin_mode account::margin(const core::symbol& s) const {
    const auto it = margin_.find(s);
    return it == margin_.end() ? config_.default_margin_mode : it->second;
}

position& account::position_for(const core::symbol& s) {
    auto it = positions_.find(s);
    if (it == positions_.end()) {
        it = positions_.emplace(s, position{s}).first;
    }
    return it->second;
}

const position* account::find_position(const core::symbol& s) const {
    const auto it = positions_.find(s);
    return it == positions_.end() ? nullptr : &it->second;
}

const trading_stop* account::find_trading_stop(const core::symbol& s) const {
    const auto it = stops_.find(s);
    return it == stops_.end() ? nullptr : &it->second;
}

core::decimal account::reducible(const core::symbol& s, core::side side) const {
    const auto* p = find_position(s);
    if (p == nullptr || p->is_flat()) {
        return {};
    }
    const bool opposite = (side == core::side::sell) == p->size().is_positive();
    return opposite ? p->abs_size() : core::decimal{};
}

}  // namespace tradebot::sim::engine

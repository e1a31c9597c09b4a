#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/commands/findings.hpp"
#include "app/commands/read_session.hpp"

// The venue side of `check` and `diagnose`, over the read commands' venue clients. Each adds one
// finding per venue (and per endpoint for the streams) to the report; none writes anything.
namespace tradebot::app::commands {

// The venues read_session could not open (client or instruments): a failed "rest" finding each.
void rest_findings(read_session& rs, finding_report& report);

// Venue time against ours: ok within 1 s, warn up to half of recv_window (the adapters correct
// an offset by their time sync, but requests near the window's edge get refused), fail beyond.
void clock_findings(read_session& rs, finding_report& report);

// The key answers a signed read and may trade, and the account is in one-way position mode.
// Paper mode: both skipped (no key is used).
void account_findings(read_session& rs, finding_report& report);

// exchanges.<venue>.margin_mode against what the venue reports: Bybit's account-wide mode
// (GET /v5/account/info marginMode; portfolio margin allows no isolated), Binance's Multi-Assets
// mode (/fapi/v2/account multiAssetsMargin, cross only) and the marginType of each open Binance
// position. The daemon sets the configured mode before each entry, but a venue refuses to change
// it while positions are open, so a mismatch is a warning and an impossible mode a failure, each
// with a fix. Paper mode: skipped.
void margin_findings(read_session& rs, finding_report& report);

// margin_findings' verdict for one venue named `name`, from what the venue reported: account-level
// facts first (Binance Multi-Assets mode and Bybit portfolio margin allow cross only; Bybit's mode
// is account-wide), then, on Binance, the mode of each open position (per symbol there).
void margin_finding(const std::string& name, config::margin_type wanted, const exchange::account_setup_state& setup,
                    const std::vector<exchange::position_state>& positions, finding_report& report);

// trading.leverage (or the venue's override) against the venue's cap for `symbols` of each venue
// (Bybit instruments' maxLeverage; Binance leverage brackets, signed: skipped in paper mode).
void leverage_findings(read_session& rs, const std::map<core::exchange_id, std::vector<core::symbol>>& symbols,
                       finding_report& report);

// Binance's per-symbol margin mode and leverage (GET /fapi/v1/symbolConfig, one signed read of
// every symbol) for `symbols` of the venue, with or without a position: where they differ from
// the configuration, whether the daemon sets them at start (ok, listed) or not (leverage with
// trading.auto_set_leverage off: a warning). The margin mode of a symbol with a position is
// margin_findings'. Bybit has no such read, paper mode uses no account: skipped.
void symbol_settings_findings(read_session& rs, const std::map<core::exchange_id, std::vector<core::symbol>>& symbols,
                              finding_report& report);

}  // namespace tradebot::app::commands

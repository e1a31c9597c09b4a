#include "app/commands/venue_checks.hpp"

#include <algorithm>
#include <cstdlib>

#include "tradebot/exchange/binance/client.hpp"

namespace tradebot::app::commands {

namespace asio = boost::asio;

namespace {

constexpr std::int64_t skew_ok_ms = 1000;

struct skew_sample {
    std::string error;
    std::int64_t skew_ms = 0;
};

asio::awaitable<skew_sample> measure_skew(exchange::venue_client& c, const core::clock& clock) {
    const auto before = clock.now_ms();
    auto server = co_await c.server_time();
    const auto after = clock.now_ms();
    if (!server) {
        co_return skew_sample{server.error().describe(), 0};
    }
    // The venue read its clock about half way through the round trip.
    co_return skew_sample{{}, *server - (before + (after - before) / 2)};
}

asio::awaitable<exchange::result<exchange::account_setup_state>> read_setup(exchange::venue_client& c) {
    auto r = co_await c.account_setup();
    co_return r;
}

asio::awaitable<exchange::result<std::vector<exchange::position_state>>> read_venue_positions(exchange::venue_client& c) {
    auto r = co_await c.positions(exchange::request_priority::background);
    co_return r;
}

asio::awaitable<exchange::result<std::vector<exchange::symbol_setting>>> read_symbol_settings(
    exchange::venue_client& c) {
    auto r = co_await c.symbol_settings(exchange::request_priority::background);
    co_return r;
}

asio::awaitable<exchange::result<exchange::symbol_brackets>> read_brackets(exchange::binance::client& c,
                                                                          core::symbol symbol) {
    auto r = co_await c.leverage_brackets(symbol);
    co_return r;
}

bool paper_mode_of(const read_session& rs) { return rs.settings().app.mode == core::mode::test; }

std::string venue_name(core::exchange_id id) { return std::string{core::to_string(id)}; }

std::string_view margin_name(exchange::margin_mode m) {
    return m == exchange::margin_mode::isolated ? "isolated" : "cross";
}

}  // namespace

void rest_findings(read_session& rs, finding_report& report) {
    for (auto& v : rs.open_venues(std::nullopt)) {
        if (v.client == nullptr || !v.error.empty()) {
            report.add(venue_name(v.id), "rest", finding_status::fail, v.error,
                       "check exchanges." + venue_name(v.id) + ".rest_url, the network and the venue's status page");
        } else {
            report.add(venue_name(v.id), "rest", finding_status::ok,
                       std::to_string(v.instruments.size()) + " instruments loaded");
        }
    }
}

void clock_findings(read_session& rs, finding_report& report) {
    for (auto& v : rs.open_venues(std::nullopt)) {
        if (v.client == nullptr) {
            continue;
        }
        const auto sample = rs.run(measure_skew(*v.client, rs.clock()));
        const auto name = venue_name(v.id);
        if (!sample.error.empty()) {
            report.add(name, "clock_skew", finding_status::fail, "server time unavailable: " + sample.error,
                       "check exchanges." + name + ".rest_url and the network");
            continue;
        }
        const auto window = rs.settings().exchange(v.id).recv_window_ms.count();
        const auto abs_skew = std::llabs(sample.skew_ms);
        const auto status = abs_skew <= skew_ok_ms      ? finding_status::ok
                            : abs_skew <= window / 2    ? finding_status::warn
                                                        : finding_status::fail;
        report.add(name, "clock_skew", status,
                   "venue clock " + std::string{sample.skew_ms >= 0 ? "+" : ""} + std::to_string(sample.skew_ms) +
                       " ms from ours (recv_window " + std::to_string(window) + " ms)",
                   "synchronise the host clock (chrony or systemd-timesyncd: 'timedatectl set-ntp true')");
    }
}

void account_findings(read_session& rs, finding_report& report) {
    for (auto& v : rs.open_venues(std::nullopt)) {
        const auto name = venue_name(v.id);
        if (paper_mode_of(rs)) {
            report.add(name, "api_key", finding_status::skipped, "skipped: paper mode (no key is used)");
            report.add(name, "position_mode", finding_status::skipped, "skipped: paper mode (no account is used)");
            continue;
        }
        if (v.client == nullptr) {
            continue;
        }
        const auto setup = rs.run(read_setup(*v.client));
        if (!setup) {
            const bool auth = setup.error().kind == exchange::error_kind::auth;
            report.add(name, "api_key", finding_status::fail, "signed read failed: " + setup.error().describe(),
                       auth ? "check exchanges." + name + ".api_key/api_secret, the key's IP whitelist and that it is "
                                  "not expired"
                            : "check the venue's status and the network, then run the check again");
            continue;
        }
        if (setup->can_trade) {
            report.add(name, "api_key", finding_status::ok, "signed read works, the key may trade");
        } else {
            report.add(name, "api_key", finding_status::fail, "the key is read-only (no trade permission)",
                       "enable futures/contract trading on the key in the venue's API management, or create one "
                       "that has it");
        }
        if (!setup->hedge_mode) {
            report.add(name, "position_mode", finding_status::ok,
                       "no open position tells the mode; the daemon sets one-way mode at start");
        } else if (*setup->hedge_mode) {
            report.add(name, "position_mode", finding_status::fail, "the account is in hedge (dual-side) mode",
                       "switch to one-way mode (close positions and orders first); the daemon trades one-way only");
        } else {
            report.add(name, "position_mode", finding_status::ok, "one-way mode");
        }
    }
}

void margin_findings(read_session& rs, finding_report& report) {
    for (auto& v : rs.open_venues(std::nullopt)) {
        const auto name = venue_name(v.id);
        const auto wanted = rs.settings().exchange(v.id).margin_mode;
        if (paper_mode_of(rs)) {
            report.add(name, "margin_mode", finding_status::skipped, "skipped: paper mode (no account is used)");
            continue;
        }
        if (v.client == nullptr) {
            continue;
        }
        const auto setup = rs.run(read_setup(*v.client));
        const auto positions = rs.run(read_venue_positions(*v.client));
        if (!setup || !positions) {
            report.add(name, "margin_mode", finding_status::fail,
                       "margin mode unreadable: " + (!setup ? setup.error() : positions.error()).describe(),
                       "check the key, the venue's status and the network, then run the check again");
            continue;
        }
        margin_finding(name, wanted, *setup, *positions, report);
    }
}

void margin_finding(const std::string& name, config::margin_type wanted_type, const exchange::account_setup_state& setup,
                    const std::vector<exchange::position_state>& positions, finding_report& report) {
    const auto wanted = wanted_type == config::margin_type::isolated ? exchange::margin_mode::isolated
                                                                     : exchange::margin_mode::cross;
    const auto wanted_text = std::string{margin_name(wanted)};
    const auto keep_cross = "set exchanges." + name + ".margin_mode: cross";
    if (wanted == exchange::margin_mode::isolated && setup.multi_assets.value_or(false)) {
        report.add(name, "margin_mode", finding_status::fail,
                   "the account is in Multi-Assets mode, which allows cross margin only; configured isolated",
                   "switch the futures account to Single-Asset mode (Preferences, Asset Mode) or " + keep_cross);
        return;
    }
    if (wanted == exchange::margin_mode::isolated && setup.portfolio_margin) {
        report.add(name, "margin_mode", finding_status::fail,
                   "the account is in portfolio margin, which allows no isolated margin; configured isolated",
                   "switch the account to isolated margin on the venue or " + keep_cross);
        return;
    }
    if (setup.account_margin) {
        const auto theirs = std::string{margin_name(*setup.account_margin)};
        if (*setup.account_margin == wanted) {
            report.add(name, "margin_mode", finding_status::ok, "the account is in " + theirs + " margin (account-wide)");
        } else if (positions.empty()) {
            report.add(name, "margin_mode", finding_status::warn,
                       "the account is in " + theirs + " margin, configured " + wanted_text +
                           ": the daemon switches the whole account to " + wanted_text + " before its first entry",
                       "set exchanges." + name + ".margin_mode: " + theirs + " to keep the account as it is, or switch "
                           "it to " + wanted_text + " on the venue now");
        } else {
            report.add(name, "margin_mode", finding_status::warn,
                       "the account is in " + theirs + " margin with " + std::to_string(positions.size()) +
                           " open position(s), configured " + wanted_text +
                           ": the venue refuses to switch the account while they are open",
                       "set exchanges." + name + ".margin_mode: " + theirs + ", or close the positions first");
        }
        return;
    }
    std::string other;
    for (const auto& p : positions) {
        if (p.margin != wanted) {
            other += (other.empty() ? "" : ", ") + p.symbol.str();
        }
    }
    if (!other.empty()) {
        const auto theirs = wanted == exchange::margin_mode::isolated ? "cross" : "isolated";
        report.add(name, "margin_mode", finding_status::warn,
                   "open in " + std::string{theirs} + " margin, configured " + wanted_text + ": " + other,
                   "the venue keeps a symbol's mode while it holds a position: close it (or set exchanges." + name +
                       ".margin_mode: " + theirs + ") before the daemon trades that symbol");
    } else if (positions.empty()) {
        report.add(name, "margin_mode", finding_status::ok,
                   "no open position; the daemon sets " + wanted_text + " margin before each entry");
    } else {
        report.add(name, "margin_mode", finding_status::ok, "every open position is in " + wanted_text + " margin");
    }
}

void leverage_findings(read_session& rs, const std::map<core::exchange_id, std::vector<core::symbol>>& symbols,
                       finding_report& report) {
    for (auto& v : rs.open_venues(std::nullopt)) {
        const auto name = venue_name(v.id);
        if (v.client == nullptr || !v.error.empty()) {
            continue;
        }
        const int leverage = rs.settings().leverage_for(v.id);
        auto* binance = dynamic_cast<exchange::binance::client*>(v.client);
        if (binance != nullptr && paper_mode_of(rs)) {
            report.add(name, "leverage", finding_status::skipped,
                       "skipped: paper mode (Binance leverage brackets are a signed read)");
            continue;
        }
        const auto it = symbols.find(v.id);
        std::string over;
        std::string errors;
        int checked = 0;
        for (const auto& sym : it == symbols.end() ? std::vector<core::symbol>{} : it->second) {
            core::decimal cap;
            if (binance != nullptr) {
                const auto b = rs.run(read_brackets(*binance, sym));
                if (!b) {
                    errors += (errors.empty() ? "" : "; ") + sym.str() + ": " + b.error().describe();
                    continue;
                }
                cap = core::decimal::from_int(b->max_leverage());
            } else {
                for (const auto& rules : v.instruments) {
                    if (rules.symbol == sym) {
                        cap = rules.max_leverage;
                    }
                }
            }
            ++checked;
            if (cap.is_positive() && cap < core::decimal::from_int(leverage)) {
                over += (over.empty() ? "" : ", ") + sym.str() + " max " + cap.to_string() + "x";
            }
        }
        const auto lev = std::to_string(leverage) + "x";
        if (!errors.empty()) {
            report.add(name, "leverage", finding_status::fail, "leverage caps unreadable: " + errors,
                       "check the key and the venue's status");
        } else if (!over.empty()) {
            report.add(name, "leverage", finding_status::warn, "configured " + lev + " is above the cap of " + over,
                       "lower trading.leverage (or exchanges." + name +
                           ".leverage): entries on these symbols are refused, never clamped");
        } else if (checked == 0) {
            report.add(name, "leverage", finding_status::skipped, "no symbol to check (no recent signal or position)");
        } else {
            report.add(name, "leverage", finding_status::ok,
                       "configured " + lev + " within the cap of " + std::to_string(checked) + " symbol(s)");
        }
    }
}

void symbol_settings_findings(read_session& rs, const std::map<core::exchange_id, std::vector<core::symbol>>& symbols,
                              finding_report& report) {
    for (auto& v : rs.open_venues(std::nullopt)) {
        const auto name = venue_name(v.id);
        if (v.client == nullptr || !v.error.empty()) {
            continue;
        }
        if (v.id != core::exchange_id::binance) {
            report.add(name, "symbol_settings", finding_status::skipped,
                       "skipped: the venue has no per-symbol settings read (leverage is set before a symbol's first "
                       "entry, the margin mode is account-wide)");
            continue;
        }
        if (paper_mode_of(rs)) {
            report.add(name, "symbol_settings", finding_status::skipped, "skipped: paper mode (no account is used)");
            continue;
        }
        const auto settings = rs.run(read_symbol_settings(*v.client));
        const auto positions = rs.run(read_venue_positions(*v.client));
        if (!settings || !positions) {
            report.add(name, "symbol_settings", finding_status::warn,
                       "symbolConfig unreadable: " + (!settings ? settings.error() : positions.error()).describe(),
                       "check the key and the venue's status; the daemon reads and sets them at start");
            continue;
        }
        const auto& es = rs.settings().exchange(v.id);
        const auto wanted = es.margin_mode == config::margin_type::isolated ? exchange::margin_mode::isolated
                                                                            : exchange::margin_mode::cross;
        const int leverage = rs.settings().leverage_for(v.id);
        const bool sets_leverage = rs.settings().trading.auto_set_leverage;
        const auto it = symbols.find(v.id);
        std::string differ;
        std::string leverage_kept;
        int read = 0;
        for (const auto& sym : it == symbols.end() ? std::vector<core::symbol>{} : it->second) {
            const auto s = std::find_if(settings->begin(), settings->end(),
                                        [&](const exchange::symbol_setting& x) { return x.symbol == sym; });
            if (s == settings->end()) {
                continue;
            }
            ++read;
            const bool held = std::any_of(positions->begin(), positions->end(),
                                          [&](const exchange::position_state& p) { return p.symbol == sym; });
            const bool margin_off = s->margin != wanted && !held;
            const bool leverage_off = s->leverage != leverage;
            if (!margin_off && !leverage_off) {
                continue;
            }
            const auto now =
                sym.str() + " " + std::string{margin_name(s->margin)} + " " + std::to_string(s->leverage) + "x";
            differ += (differ.empty() ? "" : ", ") + now;
            if (leverage_off && !sets_leverage) {
                leverage_kept += (leverage_kept.empty() ? "" : ", ") + now;
            }
        }
        const auto configured = std::string{margin_name(wanted)} + " " + std::to_string(leverage) + "x";
        if (read == 0) {
            report.add(name, "symbol_settings", finding_status::skipped,
                       "no symbol to check (no recent signal or position)");
        } else if (!leverage_kept.empty()) {
            report.add(name, "symbol_settings", finding_status::warn,
                       "configured " + configured + ", trading.auto_set_leverage is off and the venue has " +
                           leverage_kept + ": entries there trade at the venue's leverage",
                       "set trading.auto_set_leverage: true, or set the leverage of these symbols on the venue");
        } else if (!differ.empty()) {
            report.add(name, "symbol_settings", finding_status::ok,
                       "configured " + configured + ", the venue has " + differ +
                           ": the daemon sets them at start, before any entry");
        } else {
            report.add(name, "symbol_settings", finding_status::ok,
                       std::to_string(read) + " symbol(s) already at " + configured);
        }
    }
}

}  // namespace tradebot::app::commands

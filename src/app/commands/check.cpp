// tradebot check [--json]: the pre-start check (the original's pre_start_check): the configuration,
// the database and its migrations, and per enabled venue its REST API, clock skew, the key and its
// trade permission, one-way position mode, the leverage caps and the stream endpoints. Read only.
// Exit 0 when nothing failed (warnings allowed), 1 when something did.
#include <algorithm>
#include <map>
#include <ostream>

#include <boost/json.hpp>

#include "tradebot/app/commands.hpp"
#include "tradebot/config/dump.hpp"

#include "app/commands/db_checks.hpp"
#include "app/commands/stream_checks.hpp"
#include "app/commands/venue_checks.hpp"

namespace tradebot::app {

namespace {

// The symbols the daemon is about to trade: open positions and the last week's signals, and
// BTCUSDT as the reference every venue lists; the leverage caps are read for these.
std::map<core::exchange_id, std::vector<core::symbol>> leverage_symbols(commands::read_session& rs, bool database_up) {
    std::map<core::exchange_id, std::vector<core::symbol>> out;
    std::string error;
    const auto rows = database_up ? rs.query_rows("SELECT DISTINCT exchange, symbol FROM ("
                                                  "SELECT exchange, symbol FROM positions WHERE state NOT IN ('closed', 'failed') "
                                                  "UNION SELECT exchange, symbol FROM signals WHERE candle_time > now() - interval '7 days'"
                                                  ") s ORDER BY 1, 2 LIMIT 40",
                                                  {}, error)
                                  : std::nullopt;
    for (auto& v : rs.open_venues(std::nullopt)) {
        auto& list = out[v.id];
        for (const auto& rules : v.instruments) {
            if (rules.symbol.str() == "BTCUSDT") {
                list.push_back(rules.symbol);
            }
        }
        for (const auto& r : rows ? *rows : boost::json::array{}) {
            const auto& o = r.as_object();
            const auto sym = core::symbol::parse(std::string_view{o.at("symbol").as_string()});
            if (std::string_view{o.at("exchange").as_string()} == core::to_string(v.id) && sym &&
                std::find(list.begin(), list.end(), *sym) == list.end()) {
                list.push_back(*sym);
            }
        }
    }
    return out;
}

}  // namespace

int run_check(const config::settings& s, const command_line& cl, std::ostream& out) {
    using commands::finding_status;
    commands::finding_report report;
    report.add("config", "load", finding_status::ok,
               "valid (" + cl.config_dir.string() + ", mode " + std::string{core::to_string(s.app.mode)} + ")");
    commands::read_session rs{s};
    const auto db = commands::database_findings(rs, report);
    commands::rest_findings(rs, report);
    commands::clock_findings(rs, report);
    commands::account_findings(rs, report);
    commands::margin_findings(rs, report);
    const auto symbols = leverage_symbols(rs, db.reachable);
    commands::leverage_findings(rs, symbols, report);
    commands::symbol_settings_findings(rs, symbols, report);
    commands::stream_findings(rs, report);
    const bool ok = report.worst() != finding_status::fail;
    if (cl.json) {
        boost::json::object o;
        o["config"] = "ok";
        o["config_dir"] = cl.config_dir.string();
        o["mode"] = std::string{core::to_string(s.app.mode)};
        boost::json::object dbj{{"url", rs.database().redacted_url()}, {"schema", s.database.schema}, {"reachable", db.reachable}};
        if (!db.reachable) {
            dbj["error"] = db.error;
        } else {
            dbj["server_version"] = db.server_version;
            dbj["pending_migrations"] = boost::json::value_from(db.pending);
        }
        o["database"] = std::move(dbj);
        report.to_json(o);
        o["ok"] = ok;
        out << boost::json::serialize(o) << '\n';
    } else {
        out << "configuration: ok (" << cl.config_dir.string() << ")\n" << config::dump(s) << "\n";
        report.print(out);
        out << "check: " << (ok ? "ok" : "FAILED") << " (" << report.count(finding_status::fail) << " failed, "
            << report.count(finding_status::warn) << " warning(s))\n";
    }
    return ok ? 0 : 1;
}

}  // namespace tradebot::app

// tradebot diagnose [--json]: one health report of an installation (the original's
// diagnose_issues.py): the instance (lock holder, its /status), the database (reachable,
// migrations, rows by status), the running daemon's streams and rate-limit use (its /metrics),
// positions without a live stop (database against venue), zombie orders (the detection of
// `orders zombies`, never cleaning) and the venues' clock skew. Read only: no write; the instance
// lock is taken only for the zombie scan when no daemon runs, as `orders zombies` does.
// Exit 0 all ok, 1 something to look at (a warning or a failure), 2 usage.
#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "tradebot/app/process_lock.hpp"

#include "app/commands/db_checks.hpp"
#include "app/commands/operator_command.hpp"
#include "app/commands/read_commands.hpp"
#include "app/commands/venue_checks.hpp"

namespace tradebot::app::commands {

namespace json = boost::json;
namespace asio = boost::asio;

namespace {

constexpr std::chrono::seconds diagnose_http_timeout{10};
constexpr std::chrono::seconds diagnose_zombie_timeout{120};

std::string http_host(const config::settings& s) {
    return s.http.bind == "0.0.0.0" || s.http.bind.empty() ? "127.0.0.1" : s.http.bind == "::" ? "::1" : s.http.bind;
}

// One sample of the Prometheus text format: name{a="x",b="y"} value.
struct metric_sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

std::vector<metric_sample> parse_metrics(const std::string& text) {
    std::vector<metric_sample> out;
    std::istringstream lines{text};
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line.front() == '#') {
            continue;
        }
        metric_sample m;
        const auto brace = line.find('{');
        const auto space = line.rfind(' ');
        if (space == std::string::npos) {
            continue;
        }
        m.name = line.substr(0, std::min(brace, line.find(' ')));
        if (brace != std::string::npos) {
            const auto close = line.find('}', brace);
            std::string labels = line.substr(brace + 1, close - brace - 1);
            for (std::size_t at = 0; at < labels.size();) {
                const auto eq = labels.find("=\"", at);
                const auto end = labels.find('"', eq + 2);
                if (eq == std::string::npos || end == std::string::npos) {
                    break;
                }
                m.labels[labels.substr(at, eq - at)] = labels.substr(eq + 2, end - eq - 2);
                at = end + 2;  // past the quote and the comma
            }
        }
        try {
            m.value = std::stod(line.substr(space + 1));
        } catch (const std::exception&) {
            continue;
        }
        out.push_back(std::move(m));
    }
    return out;
}

std::string label(const metric_sample& m, const std::string& key) {
    const auto it = m.labels.find(key);
    return it == m.labels.end() ? std::string{} : it->second;
}

void instance_findings(const config::settings& s, std::optional<int> holder, finding_report& report,
                       std::optional<std::vector<metric_sample>>& metrics) {
    if (!holder) {
        report.add("instance", "lock", finding_status::ok, "no instance running (" + s.app.pid_file.string() + " free)");
        report.add("streams", "state", finding_status::skipped, "skipped: no running instance");
        report.add("rate_limit", "usage", finding_status::skipped, "skipped: no running instance");
        return;
    }
    report.add("instance", "lock", finding_status::ok, "pid " + std::to_string(*holder) + " holds " + s.app.pid_file.string());
    const auto host = http_host(s);
    const auto status = get_http(host, s.http.port, "/status", diagnose_http_timeout);
    if (!status.error.empty() || status.status != 200) {
        report.add("instance", "status", finding_status::fail,
                   "/status on " + host + ":" + std::to_string(s.http.port) + " did not answer: " +
                       (status.error.empty() ? "HTTP " + std::to_string(status.status) : status.error),
                   "check http.enabled/http.port, or whether the daemon hangs (its log; 'tradebot shutdown')");
    } else {
        report.add("instance", "status", finding_status::ok, "/status answered");
    }
    const auto m = get_http(host, s.http.port, "/metrics", diagnose_http_timeout);
    if (!m.error.empty() || m.status != 200) {
        report.add("streams", "state", finding_status::fail, "/metrics unavailable", "check http.enabled and http.port");
        report.add("rate_limit", "usage", finding_status::skipped, "skipped: /metrics unavailable");
        return;
    }
    metrics = parse_metrics(m.body);
}

void metric_findings(const std::vector<metric_sample>& metrics, finding_report& report) {
    int streams = 0;
    std::map<std::pair<std::string, std::string>, std::pair<double, double>> budgets;  // used, limit
    for (const auto& m : metrics) {
        if (m.name == "tradebot_exchange_stream_up") {
            ++streams;
            const auto what = label(m, "venue") + " " + label(m, "stream");
            if (m.value >= 1) {
                report.add("streams", what, finding_status::ok, "connected");
            } else if (m.value < 0) {
                report.add("streams", what, finding_status::warn, "stalled (open but silent)",
                           "the daemon reconnects by itself; if it stays, check the venue's status");
            } else {
                report.add("streams", what, finding_status::fail, "down",
                           "check the network and exchanges.<venue>.ws_*_url; the daemon's log says why");
            }
        } else if (m.name == "tradebot_exchange_rate_limit_used") {
            budgets[{label(m, "venue"), label(m, "budget")}].first = m.value;
        } else if (m.name == "tradebot_exchange_rate_limit_limit") {
            budgets[{label(m, "venue"), label(m, "budget")}].second = m.value;
        }
    }
    if (streams == 0) {
        report.add("streams", "state", finding_status::warn, "the running instance reports no stream",
                   "no venue enabled, or the daemon has not started its streams yet");
    }
    for (const auto& [key, v] : budgets) {
        if (v.second <= 0) {
            continue;
        }
        const auto pct = static_cast<int>(v.first * 100 / v.second);
        const auto status = pct >= 90 ? finding_status::fail : pct >= 70 ? finding_status::warn : finding_status::ok;
        report.add("rate_limit", key.first + " " + key.second, status,
                   std::to_string(static_cast<long long>(v.first)) + " of " +
                       std::to_string(static_cast<long long>(v.second)) + " (" + std::to_string(pct) + " %)",
                   "near the venue's limit: a ban stops trading; lower exchanges.<venue>.requests_per_* or the number "
                   "of positions");
    }
}

void row_count_findings(read_session& rs, finding_report& report, json::object& counts) {
    std::string error;
    const auto rows = rs.query_rows(
        "SELECT 'positions' AS t, state AS s, count(*) AS n FROM positions GROUP BY state "
        "UNION ALL SELECT 'orders', status, count(*) FROM orders GROUP BY status "
        "UNION ALL SELECT 'signals', status, count(*) FROM signals GROUP BY status ORDER BY 1, 2",
        {}, error);
    if (!rows) {
        report.add("database", "rows", finding_status::fail, error, "'tradebot db migrate' if the schema is empty");
        return;
    }
    std::map<std::string, std::string> text;
    for (const auto& r : *rows) {
        const auto& o = r.as_object();
        const std::string table{o.at("t").as_string()};
        const std::string status{o.at("s").as_string()};
        const auto n = o.at("n").to_number<std::int64_t>();
        auto& per_table = counts[table];
        if (!per_table.is_object()) {
            per_table.emplace_object();
        }
        per_table.as_object()[status] = n;
        text[table] += (text[table].empty() ? "" : ", ") + status + " " + std::to_string(n);
    }
    for (const auto* table : {"positions", "orders", "signals"}) {
        if (!counts.contains(table)) {
            counts[table] = json::object{};
        }
        report.add("database", std::string{"rows "} + table, finding_status::ok,
                   text[table].empty() ? "none" : text[table]);
    }
}

asio::awaitable<std::pair<std::string, std::set<std::string>>> venue_protection(exchange::venue_client& c) {
    // symbol|side of every live stop, and of every venue position (as "pos:" entries).
    std::set<std::string> seen;
    auto stops = co_await c.open_stops(std::nullopt);
    if (!stops) {
        co_return std::pair{"stops: " + stops.error().describe(), seen};
    }
    auto positions = co_await c.positions(exchange::request_priority::normal);
    if (!positions) {
        co_return std::pair{"positions: " + positions.error().describe(), seen};
    }
    for (const auto& s : *stops) {
        seen.insert(s.symbol.str() + "|" + std::string{core::to_string(s.position)});
    }
    for (const auto& p : *positions) {
        seen.insert("pos:" + p.symbol.str() + "|" + std::string{core::to_string(p.side)});
    }
    co_return std::pair{std::string{}, seen};
}

void stop_findings(read_session& rs, bool database_up, finding_report& report) {
    if (rs.settings().app.mode == core::mode::test) {
        report.add("positions", "stops", finding_status::skipped,
                   "skipped: paper mode (the paper venue's stops live in the daemon)");
        return;
    }
    std::string error;
    const auto rows = database_up ? rs.query_rows("SELECT id, exchange, symbol, side FROM positions WHERE state IN "
                                                  "('entry_placed', 'protected', 'closing') AND mode = 'production' "
                                                  "ORDER BY id",
                                                  {}, error)
                                  : std::nullopt;
    int checked = 0;
    bool unprotected = false;
    for (auto& v : rs.open_venues(std::nullopt)) {
        const auto name = std::string{core::to_string(v.id)};
        if (v.client == nullptr) {
            continue;
        }
        const auto [failure, seen] = rs.run(venue_protection(*v.client));
        if (!failure.empty()) {
            unprotected = true;
            report.add("positions", name + " stops", finding_status::fail, "venue unreadable: " + failure,
                       "check the key and the venue's status");
            continue;
        }
        std::set<std::string> in_db;
        for (const auto& r : rows ? *rows : json::array{}) {
            const auto& o = r.as_object();
            if (std::string_view{o.at("exchange").as_string()} != name) {
                continue;
            }
            ++checked;
            const auto key = std::string{o.at("symbol").as_string()} + "|" + std::string{o.at("side").as_string()};
            in_db.insert(key);
            if (!seen.contains(key)) {
                unprotected = true;
                report.add("positions", name + " " + key.substr(0, key.find('|')), finding_status::fail,
                           "position #" + std::to_string(o.at("id").to_number<std::int64_t>()) + " " +
                               std::string{o.at("side").as_string()} + " has no live stop on the venue",
                           "'tradebot protect' now (or close it: 'tradebot close SYMBOL')");
            }
        }
        for (const auto& key : seen) {
            if (key.starts_with("pos:") && !seen.contains(key.substr(4)) && !in_db.contains(key.substr(4))) {
                ++checked;
                unprotected = true;
                report.add("positions", name + " " + key.substr(4, key.find('|') - 4), finding_status::fail,
                           "venue position " + key.substr(key.find('|') + 1) + " without a stop and not in the database",
                           "'tradebot sync --apply' then 'tradebot protect', or close it on the venue");
            }
        }
    }
    if (!rows && database_up) {
        report.add("positions", "stops", finding_status::fail, error, "check the database");
    } else if (!unprotected) {
        report.add("positions", "stops", finding_status::ok,
                   std::to_string(checked) + " open position(s), each with a live stop");
    }
}

void zombie_findings(const config::settings& s, std::optional<int> holder, const database_state& db,
                     finding_report& report) {
    operator_request request{"zombies", json::object{{"clean", false}, {"no_audit", true}}};
    json::object answer;
    if (holder) {
        if (!s.control.enabled || s.control.token.empty()) {
            report.add("orders", "zombies", finding_status::skipped,
                       "skipped: a daemon runs and its control endpoint is off (control.token)");
            return;
        }
        const auto reply = post_control(control_host(s), s.control.port, s.control.token, "/v1/command",
                                        json::serialize(to_json(request)), diagnose_zombie_timeout);
        boost::system::error_code ec;
        auto parsed = reply.error.empty() ? json::parse(reply.body, ec) : json::value{};
        if (!reply.error.empty() || ec || !parsed.is_object()) {
            report.add("orders", "zombies", finding_status::fail, "the control endpoint did not answer",
                       "check control.port and control.token against the daemon's");
            return;
        }
        answer = std::move(parsed.as_object());
    } else if (!db.reachable || !db.pending.empty()) {
        report.add("orders", "zombies", finding_status::skipped,
                   "skipped: the database is unreachable or has pending migrations");
        return;
    } else {
        auto lock = process_lock::acquire(s.app.pid_file);
        if (!lock) {
            report.add("orders", "zombies", finding_status::skipped, "skipped: the instance lock was taken meanwhile");
            return;
        }
        answer = run_direct(s, request);
    }
    const auto* list = answer.if_contains("zombies");
    const auto* ok = answer.if_contains("ok");
    if (list == nullptr || !list->is_array() || ok == nullptr || !ok->is_bool() || !ok->as_bool()) {
        const auto* e = answer.if_contains("error");
        report.add("orders", "zombies", finding_status::fail,
                   "scan failed: " + (e != nullptr && e->is_string() ? std::string{e->as_string()} : json::serialize(answer)),
                   "check the venues (tradebot check)");
        return;
    }
    if (list->as_array().empty()) {
        report.add("orders", "zombies", finding_status::ok, "no order or stop of ours without a position");
        return;
    }
    std::string names;
    for (const auto& z : list->as_array()) {
        const auto& o = z.as_object();
        names += (names.empty() ? "" : ", ") + std::string{o.at("exchange").as_string()} + " " +
                 std::string{o.at("symbol").as_string()} + " " + std::string{o.at("kind").as_string()};
    }
    report.add("orders", "zombies", finding_status::warn,
               std::to_string(list->as_array().size()) + " order(s)/stop(s) of ours without a position: " + names,
               "'tradebot orders zombies --clean'");
}

}  // namespace

int run_diagnose(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& /*err*/) {
    finding_report report;
    const auto holder = process_lock::holder_pid(s.app.pid_file);
    std::optional<std::vector<metric_sample>> metrics;
    instance_findings(s, holder, report, metrics);
    if (metrics) {
        metric_findings(*metrics, report);
    }
    json::object counts;
    database_state db;
    {
        read_session rs{s};
        db = database_findings(rs, report);
        if (db.reachable) {
            row_count_findings(rs, report, counts);
        }
        rest_findings(rs, report);
        clock_findings(rs, report);
        stop_findings(rs, db.reachable, report);
    }
    zombie_findings(s, holder, db, report);
    const bool clean = report.worst() == finding_status::ok;
    if (cl.json) {
        json::object o{{"action", "diagnose"}, {"running", holder.has_value()}, {"mode", core::to_string(s.app.mode)}};
        if (holder) {
            o["pid"] = *holder;
        }
        o["rows"] = std::move(counts);
        report.to_json(o);
        o["ok"] = clean;
        out << json::serialize(o) << '\n';
    } else {
        out << "tradebot diagnose (" << core::to_string(s.app.mode) << " mode):\n";
        report.print(out);
        out << "diagnose: " << (clean ? "ok" : "findings") << " (" << report.count(finding_status::fail)
            << " failed, " << report.count(finding_status::warn) << " warning(s))\n";
    }
    return clean ? exit_ok : exit_failed;
}

}  // namespace tradebot::app::commands

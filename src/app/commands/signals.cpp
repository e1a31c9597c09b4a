// tradebot signals query [--since T] [--status S] | waves: the signal rows and the wave schedule,
// read only; `signals check` is signals_check.cpp.
#include <ostream>

#include <boost/json.hpp>

#include "tradebot/signals/wave_schedule.hpp"

#include "app/commands/operator_command.hpp"
#include "app/commands/read_commands.hpp"
#include "app/commands/read_session.hpp"
#include "app/commands/render.hpp"

namespace tradebot::app::commands {

namespace json = boost::json;

namespace {

// How many coming waves `signals waves` lists.
constexpr int waves_listed = 4;

// ---- waves ----------------------------------------------------------------------------------

int run_waves(const config::settings& s, const command_line& cl, std::ostream& out) {
    const auto schedule = schedule_of(s);
    core::system_clock clock;
    const auto now = clock.now();
    json::object a{
        {"action", "signals waves"}, {"ok", true}, {"now", iso_time(now)}, {"immediate", schedule.immediate()}};
    json::array minutes;
    for (const int m : schedule.wave_minutes()) {
        minutes.push_back(m);
    }
    a["wave_minutes"] = std::move(minutes);
    json::array next;
    if (!schedule.immediate()) {
        const auto current = schedule.current_wave(now);
        a["current"] = current ? json::value(wave_json(*current)) : json::value(nullptr);
        auto from = now;
        for (int i = 0; i < waves_listed; ++i) {
            const auto w = schedule.next_wave(from);
            if (!w) {
                break;
            }
            next.push_back(wave_json(*w));
            from = w->at;
        }
    }
    a["next"] = std::move(next);
    if (cl.json) {
        out << json::serialize(a) << '\n';
        return exit_ok;
    }
    if (schedule.immediate()) {
        out << "signals: immediate (signals.immediate: true): each signal is decided as it arrives, no waves\n";
        return exit_ok;
    }
    out << "waves at minutes " << field(a, "wave_minutes") << " of each hour (UTC); now " << field(a, "now") << '\n';
    if (const auto* c = a.if_contains("current"); c != nullptr && c->is_object()) {
        out << "current: " << field(c->as_object(), "at") << " (candle " << field(c->as_object(), "candle_open")
            << ", window until " << field(c->as_object(), "window_end") << ")\n";
    }
    for (const auto& w : rows(a, "next")) {
        const auto& o = w.as_object();
        out << "next:    " << field(o, "at") << " (candle " << field(o, "candle_open") << ", window until "
            << field(o, "window_end") << ")\n";
    }
    return exit_ok;
}

// ---- query ----------------------------------------------------------------------------------

int run_query(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    read_session rs{s};
    std::vector<std::string> params;
    auto param = [&params](std::string v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    };
    auto [since_expr, since_value] = since_sql(cl.op.since.value_or("24h"));
    since_expr.replace(since_expr.find("$S"), 2, param(since_value));
    const std::string utc = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
    std::string sql =
        "SELECT id, source, exchange, symbol, side, score_week::text AS score_week, score_month::text AS "
        "score_month, to_char(candle_time AT TIME ZONE 'UTC', " +
        utc +
        ") AS candle_time, "
        "to_char(received_at AT TIME ZONE 'UTC', " +
        utc +
        ") AS received_at, status, status_reason, "
        "to_char(status_at AT TIME ZONE 'UTC', " +
        utc +
        ") AS status_at, claimed_by, position_id "
        "FROM signals WHERE received_at >= " +
        since_expr;
    if (cl.op.status) {
        sql += " AND status = " + param(*cl.op.status);
    }
    if (cl.op.exchange) {
        sql += " AND lower(exchange) = " + param(*cl.op.exchange);
    }
    sql += " ORDER BY id DESC LIMIT 1000";
    std::string error;
    auto found = rs.query_rows(sql, params, error);
    json::object a{{"action", "signals query"}, {"ok", found.has_value()}};
    if (!found) {
        a["error"] = error;
        err << "tradebot: " << error << '\n';
    } else {
        a["signals"] = std::move(*found);
    }
    if (cl.json) {
        out << json::serialize(a) << '\n';
    } else if (found) {
        const auto& list = rows(a, "signals");
        out << "signals since " << cl.op.since.value_or("24h")
            << (cl.op.status ? ", status " + *cl.op.status : std::string{}) << ": " << list.size() << '\n';
        std::vector<std::vector<std::string>> cells;
        for (const auto& r : list) {
            const auto& o = r.as_object();
            cells.push_back(
                {field(o, "id"),
                 field(o, "exchange"),
                 field(o, "symbol"),
                 field(o, "side"),
                 field(o, "score_week") + "/" + field(o, "score_month"),
                 field(o, "candle_time"),
                 field(o, "received_at"),
                 field(o, "status"),
                 field(o, "status_reason"),
                 field(o, "position_id")}
            );
        }
        if (!cells.empty()) {
            print_table(
                out,
                {"ID", "EXCHANGE", "SYMBOL", "SIDE", "SCORE w/m", "CANDLE", "RECEIVED", "STATUS", "REASON", "POSITION"},
                cells
            );
        }
    }
    return found ? exit_ok : exit_read_partial;
}

}  // namespace

int run_signals(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    if (cl.cmd == command::signals_waves) {
        return run_waves(s, cl, out);
    }
    if (cl.cmd == command::signals_query) {
        return run_query(s, cl, out, err);
    }
    return run_signals_check(s, cl, out, err);
}

}  // namespace tradebot::app::commands

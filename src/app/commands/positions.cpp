// tradebot positions [--exchange NAME] [--age] [--all] [--since T]: the book joined with the venue.
//
// Read only: the live rows of the database, and per venue one read of its positions and stops
// through a REST client of our own (production), compared with trading::sync_diff, the check
// `tradebot sync` applies; a row it names is marked. In test mode the venue is the paper venue
// inside the running daemon, restored from these very rows at each start: there is nothing else
// to compare with, so the venue columns show the book and the live mark from the market data.
#include <algorithm>
#include <map>
#include <ostream>

#include <boost/json.hpp>

#include "tradebot/db/position_repository.hpp"
#include "tradebot/protection/aged_policy.hpp"
#include "tradebot/trading/operator_checks.hpp"

#include "app/commands/operator_command.hpp"
#include "app/commands/operator_commands.hpp"
#include "app/commands/read_commands.hpp"
#include "app/commands/read_session.hpp"
#include "app/commands/render.hpp"

namespace tradebot::app::commands {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

json::value text_or_null(const std::optional<core::decimal>& d) {
    return d ? json::value(d->to_string()) : json::value(nullptr);
}

// One venue's view, read once.
struct venue_view {
    bool read = false;
    std::string error;
    std::vector<exchange::position_state> positions;
    std::vector<exchange::stop_state> stops;
    bool stops_read = false;
    std::map<core::symbol, core::decimal> marks;
};

asio::awaitable<venue_view> read_venue(exchange::venue_client& c, bool paper) {
    venue_view v;
    if (!paper) {
        auto held = co_await c.positions(exchange::request_priority::background);
        if (!held) {
            v.error = "positions unavailable: " + held.error().describe();
            co_return v;
        }
        v.positions = std::move(*held);
        auto stops = co_await c.open_stops(std::nullopt);
        if (stops) {
            v.stops = std::move(*stops);
            v.stops_read = true;
        } else {
            v.error = "stops unavailable: " + stops.error().describe();
        }
    }
    auto marks = co_await c.mark_prices(exchange::request_priority::background);
    if (marks) {
        for (const auto& m : *marks) {
            v.marks[m.symbol] = m.mark_price;
        }
    } else if (paper) {
        v.error = "marks unavailable: " + marks.error().describe();
    }
    v.read = !paper || marks.has_value();
    co_return v;
}

asio::awaitable<db::result<std::vector<db::position_record>>> load_live(db::position_repository& repo, core::mode m) {
    auto rows = co_await repo.load_live(m);
    co_return rows;
}

// The venue's stop of a position, as one word: its trigger, "trailing" or nothing.
std::optional<std::string> venue_stop(const venue_view& v, const core::symbol& s, core::position_side side) {
    for (const auto& st : v.stops) {
        if (st.symbol == s && st.position == side) {
            if (st.kind == exchange::stop_kind::trailing) {
                return "trailing" + (st.callback_pct ? " " + st.callback_pct->to_string() + "%" : std::string{});
            }
            if (trading::is_fixed_stop_of(st, s, side) && st.trigger_price) {
                return st.trigger_price->to_string();
            }
        }
    }
    return std::nullopt;
}

std::string mismatch_text(const json::object& row) {
    std::string t;
    for (const auto& m : rows(row, "mismatch")) {
        t += (t.empty() ? "" : ",") + std::string{m.as_object().at("kind").as_string()};
    }
    return t.empty() ? "-" : "MISMATCH " + t;
}

}  // namespace

int run_positions(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    const bool paper = s.app.mode == core::mode::test;
    read_session rs{s};
    json::object answer{{"action", "positions"}, {"mode", core::to_string(s.app.mode)}};
    std::vector<std::string> errors;
    db::position_repository repo{rs.database()};
    auto live = rs.run(load_live(repo, s.app.mode));
    if (!live) {
        const auto e = database_failure(live.error().describe());
        err << "tradebot: " << e << '\n';
        answer["ok"] = false;
        answer["error"] = e;
        if (cl.json) {
            out << json::serialize(answer) << '\n';
        }
        return exit_read_partial;
    }
    const auto now = rs.clock().now();
    const protection::aged_policy aged{s.protection.aged, s.trading.commission_percent};
    json::array list;
    int mismatches = 0;
    if (cl.op.exchange && !s.exchange(*core::parse_exchange(*cl.op.exchange)).enabled) {
        err << "tradebot: exchange " << *cl.op.exchange << " is not enabled in this configuration\n";
        return exit_usage;
    }
    // Test mode reads the venues for marks only: without a row there is nothing to price.
    std::vector<read_session::venue> none;
    auto& venues = paper && live->empty() ? none : rs.open_venues(cl.op.exchange);
    for (auto& v : venues) {
        venue_view view;
        if (v.client != nullptr && v.error.empty()) {
            view = rs.run(read_venue(*v.client, paper));
        }
        const std::string name{core::to_string(v.id)};
        if (!v.error.empty() || !view.error.empty()) {
            errors.push_back(name + ": " + (v.error.empty() ? view.error : v.error));
        }
        std::vector<db::position_record> book;
        for (const auto& r : *live) {
            if (r.exchange == v.id) {
                book.push_back(r);
            }
        }
        std::vector<trading::sync_difference> diff;
        if (!paper && view.read) {
            diff = trading::sync_diff(v.id, book, view.positions, view.stops_read ? &view.stops : nullptr);
        }
        auto marks_of = [&](const core::symbol& sym, json::object& row) {
            json::array found;
            for (const auto& d : diff) {
                if (d.symbol == sym) {
                    found.push_back(json::object{{"kind", d.kind}, {"db", d.db_value}, {"venue", d.venue_value}});
                }
            }
            mismatches += found.empty() ? 0 : 1;
            row["mismatch"] = std::move(found);
        };
        for (const auto& r : book) {
            json::object row;
            row["exchange"] = name;
            row["symbol"] = r.symbol.str();
            row["id"] = r.id;
            row["state"] = db::to_string(r.state);
            row["side"] = core::to_string(r.side);
            row["qty"] = r.quantity.to_string();
            row["entry"] = text_or_null(r.entry_price);
            row["stop"] = text_or_null(r.stop_price);
            row["trailing"] = r.trailing_activated;
            row["trailing_peak"] = text_or_null(r.trailing_peak_price);
            const exchange::position_state* held = nullptr;
            for (const auto& p : view.positions) {
                held = p.symbol == r.symbol ? &p : held;
            }
            std::optional<core::decimal> mark;
            if (const auto m = view.marks.find(r.symbol); m != view.marks.end()) {
                mark = m->second;
            }
            if (held != nullptr) {
                mark = held->mark_price;
                row["venue_side"] = core::to_string(held->side);
                row["venue_qty"] = held->quantity.to_string();
                row["venue_entry"] = held->entry_price.to_string();
                row["unrealized_pnl"] = held->unrealized_pnl.to_string();
            } else if (paper && mark && r.entry_price) {
                // The paper venue holds exactly the row (restored from it): its PnL at the mark.
                const auto move =
                    r.side == core::position_side::long_ ? *mark - *r.entry_price : *r.entry_price - *mark;
                row["unrealized_pnl"] = move.multiply(r.quantity, 8, core::rounding::half_up).to_string();
            }
            row["mark"] = text_or_null(mark);
            if (!paper) {
                const auto stop = venue_stop(view, r.symbol, r.side);
                row["venue_stop"] = stop ? json::value(*stop) : json::value(nullptr);
            }
            if (r.opened_at) {
                const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - *r.opened_at);
                row["opened_at"] = iso_time(*r.opened_at);
                row["age_seconds"] = age.count();
                const auto& a = s.protection.aged;
                row["aged_exit_at"] =
                    a.enabled ? json::value(iso_time(*r.opened_at + a.max_age_hours)) : json::value(nullptr);
                if (a.enabled && r.entry_price) {
                    const auto t = aged.target_at(r.side, *r.entry_price, *r.opened_at, now);
                    row["aged_phase"] = protection::to_string(t.phase);
                    row["aged_target"] = text_or_null(t.target);
                }
            }
            if (paper) {
                row["mismatch"] = json::array{};
            } else {
                marks_of(r.symbol, row);
            }
            list.push_back(std::move(row));
        }
        for (const auto& d : diff) {
            if (d.kind != "only_on_venue") {
                continue;
            }
            json::object row{{"exchange", name}, {"symbol", d.symbol.str()}, {"id", nullptr}, {"state", "venue_only"}};
            for (const auto& p : view.positions) {
                if (p.symbol == d.symbol) {
                    row["venue_side"] = core::to_string(p.side);
                    row["venue_qty"] = p.quantity.to_string();
                    row["venue_entry"] = p.entry_price.to_string();
                    row["mark"] = p.mark_price.to_string();
                    row["unrealized_pnl"] = p.unrealized_pnl.to_string();
                }
            }
            marks_of(d.symbol, row);
            list.push_back(std::move(row));
        }
    }
    if (cl.op.age) {
        std::stable_sort(list.begin(), list.end(), [](const json::value& a, const json::value& b) {
            const auto* x = a.as_object().if_contains("age_seconds");
            const auto* y = b.as_object().if_contains("age_seconds");
            return (x != nullptr ? x->as_int64() : -1) > (y != nullptr ? y->as_int64() : -1);
        });
    }
    json::array closed;
    if (cl.op.all) {
        auto [since_expr, since_value] = since_sql(cl.op.since.value_or("24h"));
        std::vector<std::string> params{std::string{core::to_string(s.app.mode)}, since_value};
        std::string sql =
            "SELECT id, exchange, symbol, side, state, qty::text AS qty, entry_price::text AS entry, exit_price::text "
            "AS "
            "exit, close_reason, realized_pnl::text AS realized_pnl, fees::text AS fees, to_char(opened_at AT TIME "
            "ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS opened_at, to_char(closed_at AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS closed_at FROM positions WHERE mode = $1 AND state IN ('closed', "
            "'failed') AND closed_at >= " +
            since_expr;
        sql.replace(sql.find("$S"), 2, "$2");
        if (cl.op.exchange) {
            params.push_back(*cl.op.exchange);
            sql += " AND exchange = $3";
        }
        sql += " ORDER BY closed_at DESC LIMIT 500";
        std::string error;
        if (auto found = rs.query_rows(sql, params, error)) {
            closed = std::move(*found);
        } else {
            errors.push_back(error);
        }
    }
    answer["positions"] = std::move(list);
    if (cl.op.all) {
        answer["closed"] = std::move(closed);
    }
    answer["mismatches"] = mismatches;
    const auto render = [&](const json::object& a) { render_positions(a, cl.op.age, paper, out); };
    if (!finish_read(answer, errors, cl.json, render, out, err)) {
        return exit_read_partial;
    }
    return mismatches > 0 ? exit_mismatch : exit_ok;
}

void render_positions(const json::object& a, bool by_age, bool paper, std::ostream& out) {
    const auto& list = rows(a, "positions");
    out << "positions (" << field(a, "mode") << (paper ? ", paper: the venue is the book" : "") << "): " << list.size()
        << " open, " << field(a, "mismatches") << " disagreeing with the venue\n";
    std::vector<std::vector<std::string>> cells;
    for (const auto& r : list) {
        const auto& p = r.as_object();
        const auto* age = p.if_contains("age_seconds");
        std::vector<std::string> row{
            field(p, "exchange"),
            field(p, "symbol"),
            field(p, "id"),
            field(p, "state"),
            field(p, "side"),
            field(p, "qty") + "/" + field(p, "venue_qty"),
            field(p, "entry"),
            field(p, "mark"),
            field(p, "stop") + "/" + field(p, "venue_stop"),
            truth(p, "trailing") ? "on@" + field(p, "trailing_peak") : "off",
            age != nullptr ? age_text(std::chrono::seconds{age->as_int64()}) : "-",
            field(p, "unrealized_pnl")};
        if (by_age) {
            row.push_back(field(p, "aged_exit_at"));
            row.push_back(field(p, "aged_phase"));
        }
        row.push_back(mismatch_text(p));
        cells.push_back(std::move(row));
    }
    std::vector<std::string> header{
        "EXCHANGE",
        "SYMBOL",
        "ID",
        "STATE",
        "SIDE",
        "QTY db/venue",
        "ENTRY",
        "MARK",
        "STOP db/venue",
        "TRAILING",
        "AGE",
        "UPNL"};
    if (by_age) {
        header.push_back("AGED EXIT AT");
        header.push_back("AGED PHASE");
    }
    header.push_back("CHECK");
    if (!cells.empty()) {
        print_table(out, header, cells);
    }
    for (const auto& r : list) {
        for (const auto& m : rows(r.as_object(), "mismatch")) {
            const auto& d = m.as_object();
            out << "  " << field(r.as_object(), "exchange") << ' ' << field(r.as_object(), "symbol") << ' '
                << field(d, "kind") << ": db " << field(d, "db") << ", venue " << field(d, "venue")
                << " ('tradebot sync' shows the fix)\n";
        }
    }
    if (const auto* closed = a.if_contains("closed"); closed != nullptr && closed->is_array()) {
        out << "closed: " << closed->as_array().size() << '\n';
        std::vector<std::vector<std::string>> done;
        for (const auto& r : closed->as_array()) {
            const auto& p = r.as_object();
            done.push_back(
                {field(p, "exchange"),
                 field(p, "symbol"),
                 field(p, "id"),
                 field(p, "state"),
                 field(p, "side"),
                 field(p, "qty"),
                 field(p, "entry"),
                 field(p, "exit"),
                 field(p, "realized_pnl"),
                 field(p, "close_reason"),
                 field(p, "closed_at")}
            );
        }
        if (!done.empty()) {
            print_table(
                out,
                {"EXCHANGE", "SYMBOL", "ID", "STATE", "SIDE", "QTY", "ENTRY", "EXIT", "PNL", "REASON", "CLOSED AT"},
                done
            );
        }
    }
}

}  // namespace tradebot::app::commands

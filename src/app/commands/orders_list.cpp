// tradebot orders [--open] [--position ID] [--exchange NAME] [--since T]: the order journal, and
// with --open the venue's open orders and stops of ours, each said known to the journal or not.
// Read only. In test mode the open orders are the paper venue's, inside the running daemon: the
// journal's open rows are all there is to show.
#include <ostream>
#include <set>

#include <boost/json.hpp>

#include "app/commands/operator_command.hpp"
#include "app/commands/read_commands.hpp"
#include "app/commands/read_session.hpp"
#include "app/commands/render.hpp"

namespace tradebot::app::commands {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* utc_format = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

struct open_on_venue {
    std::string error;
    std::vector<exchange::order_state> orders;
    std::vector<exchange::stop_state> stops;
};

asio::awaitable<open_on_venue> read_open(exchange::venue_client& c) {
    open_on_venue v;
    auto orders = co_await c.open_orders(std::nullopt);
    if (!orders) {
        v.error = "open orders unavailable: " + orders.error().describe();
        co_return v;
    }
    v.orders = std::move(*orders);
    auto stops = co_await c.open_stops(std::nullopt);
    if (!stops) {
        v.error = "open stops unavailable: " + stops.error().describe();
        co_return v;
    }
    v.stops = std::move(*stops);
    co_return v;
}

json::value opt(const std::optional<core::decimal>& d) {
    return d ? json::value(d->to_string()) : json::value(nullptr);
}

void render_orders(const json::object& a, std::ostream& out) {
    const auto& journal = rows(a, "orders");
    out << "orders (" << field(a, "mode") << ", journal): " << journal.size() << '\n';
    std::vector<std::vector<std::string>> cells;
    for (const auto& r : journal) {
        const auto& o = r.as_object();
        cells.push_back(
            {field(o, "id"),
             field(o, "position_id"),
             field(o, "exchange"),
             field(o, "symbol"),
             field(o, "purpose"),
             field(o, "side"),
             field(o, "type"),
             field(o, "qty"),
             field(o, "price") + "/" + field(o, "stop_price"),
             field(o, "status"),
             field(o, "filled_qty") + "@" + field(o, "avg_price"),
             field(o, "client_order_id"),
             field(o, "created_at"),
             field(o, "error_message")}
        );
    }
    if (!cells.empty()) {
        print_table(
            out,
            {"ID",
             "POSITION",
             "EXCHANGE",
             "SYMBOL",
             "PURPOSE",
             "SIDE",
             "TYPE",
             "QTY",
             "PRICE/STOP",
             "STATUS",
             "FILLED",
             "CLIENT ID",
             "CREATED",
             "ERROR"},
            cells
        );
    }
    const auto* open = a.if_contains("open");
    if (open == nullptr || !open->is_array()) {
        return;
    }
    out << "open on the venues (ours): " << open->as_array().size() << '\n';
    if (const auto* note = a.if_contains("open_note"); note != nullptr && note->is_string()) {
        out << "  " << note->as_string() << '\n';
    }
    std::vector<std::vector<std::string>> venue_cells;
    for (const auto& r : open->as_array()) {
        const auto& o = r.as_object();
        venue_cells.push_back(
            {field(o, "exchange"),
             field(o, "symbol"),
             field(o, "kind"),
             field(o, "side"),
             field(o, "type"),
             field(o, "qty"),
             field(o, "price") + "/" + field(o, "trigger"),
             field(o, "client_id"),
             field(o, "venue_id"),
             field(o, "kind") == "position_stop" ? "the position's own stop"
             : truth(o, "in_journal")            ? "journal " + field(o, "journal_status")
                                                 : "NOT IN JOURNAL"}
        );
    }
    if (!venue_cells.empty()) {
        print_table(
            out,
            {"EXCHANGE", "SYMBOL", "KIND", "SIDE", "TYPE", "QTY", "PRICE/TRIGGER", "CLIENT ID", "VENUE ID", "CHECK"},
            venue_cells
        );
    }
}

}  // namespace

int run_orders_list(const config::settings& s, const command_line& cl, std::ostream& out, std::ostream& err) {
    const bool paper = s.app.mode == core::mode::test;
    read_session rs{s};
    json::object answer{{"action", "orders"}, {"mode", core::to_string(s.app.mode)}};
    std::vector<std::string> errors;
    std::vector<std::string> params{std::string{core::to_string(s.app.mode)}};
    auto param = [&params](std::string v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    };
    std::string sql =
        std::string{
            "SELECT id, position_id, exchange, symbol, purpose, side, type, qty::text AS qty, "
            "price::text AS price, stop_price::text AS stop_price, reduce_only, status, "
            "filled_qty::text AS filled_qty, avg_price::text AS avg_price, client_order_id, "
            "venue_order_id, algo_id, error_code, error_message, to_char(created_at AT TIME ZONE "
            "'UTC', "} +
        utc_format + ") AS created_at FROM orders WHERE mode = $1";
    if (cl.op.position_id) {
        sql += " AND position_id = " + param(std::to_string(*cl.op.position_id));
    }
    if (cl.op.exchange) {
        sql += " AND exchange = " + param(*cl.op.exchange);
    }
    if (!cl.op.position_id || cl.op.since) {
        // The journal grows with every order: by default the last day (a position's: all of them).
        auto [expr, value] = since_sql(cl.op.since.value_or("24h"));
        expr.replace(expr.find("$S"), 2, param(value));
        sql += " AND created_at >= " + expr;
    }
    sql += " ORDER BY id DESC LIMIT 500";
    std::string error;
    auto journal = rs.query_rows(sql, params, error);
    if (!journal) {
        err << "tradebot: " << error << '\n';
        answer["ok"] = false;
        answer["error"] = error;
        if (cl.json) {
            out << json::serialize(answer) << '\n';
        }
        return exit_read_partial;
    }
    if (cl.op.open) {
        json::array open;
        if (paper) {
            answer["open_note"] =
                "test mode: the paper venue's open orders and stops live in the running daemon; the journal rows "
                "with status new/sent are them";
        } else {
            auto& venues = rs.open_venues(cl.op.exchange);
            for (auto& v : venues) {
                const std::string name{core::to_string(v.id)};
                if (!v.error.empty()) {
                    errors.push_back(name + ": " + v.error);
                    continue;
                }
                auto found = rs.run(read_open(*v.client));
                if (!found.error.empty()) {
                    errors.push_back(name + ": " + found.error);
                }
                for (const auto& o : found.orders) {
                    if (!o.client_id) {
                        continue;  // somebody else's
                    }
                    open.push_back(json::object{
                        {"exchange", name},
                        {"symbol", o.symbol.str()},
                        {"kind", "order"},
                        {"side", core::to_string(o.side)},
                        {"type", core::to_string(o.type)},
                        {"qty", o.quantity.to_string()},
                        {"price", opt(o.price)},
                        {"trigger", nullptr},
                        {"client_id", o.raw_client_id},
                        {"venue_id", o.venue_order_id}});
                }
                for (const auto& st : found.stops) {
                    // A Bybit position stop has no id of its own: it is the position's.
                    if (!st.client_id && !st.venue_id.empty()) {
                        continue;
                    }
                    open.push_back(json::object{
                        {"exchange", name},
                        {"symbol", st.symbol.str()},
                        {"kind", st.client_id ? "stop" : "position_stop"},
                        {"side", core::to_string(core::exit_side(st.position))},
                        {"type", st.kind == exchange::stop_kind::trailing ? "trailing_stop_market" : "stop_market"},
                        {"qty", "position"},
                        {"price", nullptr},
                        {"trigger", opt(st.trigger_price)},
                        {"client_id", st.client_id ? json::value(st.client_id->str()) : json::value(nullptr)},
                        {"venue_id", st.venue_id}});
                }
            }
            if (cl.op.exchange && venues.empty()) {
                err << "tradebot: exchange " << *cl.op.exchange << " is not enabled in this configuration\n";
                return exit_usage;
            }
            // Each one known to the journal, whatever its age.
            std::string ids;
            for (const auto& o : open) {
                const auto* c = o.as_object().if_contains("client_id");
                if (c != nullptr && c->is_string()) {
                    ids += (ids.empty() ? "" : ",") + std::string{c->as_string()};
                }
            }
            std::map<std::string, std::string> known;
            if (!ids.empty()) {
                std::string lookup_error;
                auto found = rs.query_rows(
                    "SELECT client_order_id, status FROM orders WHERE client_order_id = ANY(string_to_array($1, ','))",
                    {ids},
                    lookup_error
                );
                if (!found) {
                    errors.push_back(lookup_error);
                } else {
                    for (const auto& r : *found) {
                        known[std::string{r.at("client_order_id").as_string()}] =
                            std::string{r.at("status").as_string()};
                    }
                }
            }
            for (auto& o : open) {
                auto& row = o.as_object();
                const auto* c = row.if_contains("client_id");
                const auto k = c != nullptr && c->is_string() ? known.find(std::string{c->as_string()}) : known.end();
                row["in_journal"] = k != known.end() || row.at("kind") == "position_stop";
                row["journal_status"] = k != known.end() ? json::value(k->second) : json::value(nullptr);
            }
        }
        answer["open"] = std::move(open);
    }
    answer["orders"] = std::move(*journal);
    const bool ok = finish_read(answer, errors, cl.json, [&out](const json::object& a) { render_orders(a, out); }, out, err);
    return ok ? exit_ok : exit_read_partial;
}

}  // namespace tradebot::app::commands

#include "app/operator_service.hpp"

#include <cctype>
#include <chrono>
#include <utility>

#include <boost/json.hpp>

#include "app/trading_runtime.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/trading/operator_checks.hpp"

namespace tradebot::app {

namespace asio = boost::asio;
namespace json = boost::json;
using logging::kv;

namespace {

// Between the two reconcile passes of `sync --apply`: a position missing from the venue is
// recorded closed only at its second absence (rule 6).
constexpr auto sync_second_read = std::chrono::seconds{1};

bool flag(const json::object& args, std::string_view key) {
    const auto* v = args.if_contains(key);
    return v != nullptr && v->is_bool() && v->as_bool();
}

std::optional<std::string> text(const json::object& args, std::string_view key) {
    const auto* v = args.if_contains(key);
    if (v == nullptr || !v->is_string()) {
        return std::nullopt;
    }
    return std::string{v->as_string()};
}

// The operator may type the symbol in lower case.
std::optional<core::symbol> parse_symbol(std::string text) {
    for (auto& c : text) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return core::symbol::parse(text);
}

json::value price(const std::optional<core::decimal>& d) {
    return d ? json::value(d->to_string()) : json::value(nullptr);
}

json::object stray_json(core::exchange_id venue, const trading::stray_order& o) {
    json::object j;
    j["exchange"] = core::to_string(venue);
    j["symbol"] = o.symbol.str();
    j["kind"] = o.kind;
    j["venue_id"] = o.venue_id;
    j["client_id"] = o.client_id;
    j["trigger"] = price(o.trigger);
    j["reason"] = o.reason;
    j["cancelled"] = o.cancelled;
    if (!o.error.empty()) {
        j["error"] = o.error;
    }
    return j;
}

json::object diff_json(core::exchange_id venue, const trading::sync_difference& d) {
    json::object j;
    j["exchange"] = core::to_string(venue);
    j["symbol"] = d.symbol.str();
    j["kind"] = d.kind;
    j["position_id"] = d.position_id ? json::value(*d.position_id) : json::value(nullptr);
    j["db"] = d.db_value;
    j["venue"] = d.venue_value;
    j["action"] = d.action;
    return j;
}

class action_runner {
public:
    action_runner(trading_runtime& rt, const operator_request& r) : rt_{rt}, request_{r} {}

    // The venues the request names (all built ones without --exchange); false with an error
    // when --exchange names one that is not enabled.
    bool select(json::object& out) {
        const auto wanted = text(request_.args, "exchange");
        for (const auto& v : rt_.venues()) {
            if (!wanted || core::to_string(v.id) == *wanted) {
                venues_.push_back(v);
            }
        }
        if (venues_.empty()) {
            out["error"] = "exchange " + wanted.value_or("?") + " is not enabled in this configuration";
            return false;
        }
        return true;
    }

    asio::awaitable<void> close(json::object& out) {
        const auto symbol_text = text(request_.args, "symbol");
        const bool all = flag(request_.args, "all");
        json::array rows;
        bool ok = true;
        bool any = false;
        for (const auto& v : venues_) {
            std::vector<core::symbol> symbols;
            if (all) {
                // Positions the book does not know yet are adopted by this pass and closed with the rest.
                co_await v.manager->reconcile();
                for (const auto& [s, _] : v.manager->live()) {
                    symbols.push_back(s);
                }
            } else {
                symbols.push_back(*parse_symbol(*symbol_text));
            }
            for (auto& s : symbols) {
                auto r = co_await v.manager->operator_close(std::move(s));
                if (!all && !r.had_position && r.error.empty() && r.orders_cancelled == 0) {
                    continue;  // nothing of this symbol on this venue
                }
                any = any || r.had_position;
                ok = ok && r.error.empty() && (r.closed || !r.had_position);
                json::object j;
                j["exchange"] = core::to_string(r.exchange);
                j["symbol"] = r.symbol.str();
                j["position_id"] = r.position_id ? json::value(*r.position_id) : json::value(nullptr);
                j["closed"] = r.closed;
                j["flat_on_venue"] = r.flat_on_venue;
                j["orders_cancelled"] = r.orders_cancelled;
                j["stops_cancelled"] = r.stops_cancelled;
                if (!r.error.empty()) {
                    j["error"] = r.error;
                }
                audit("manual_close", r.closed ? db::event_severity::warning : db::event_severity::error, r.exchange,
                      r.symbol.str(), r.position_id, r.closed ? "closed by the operator" : r.error);
                rows.push_back(std::move(j));
            }
        }
        if (all) {
            // Everything is flat now: orders and stops of ours still listed would only open new
            // positions. The zombie rule (two reads agree, never a live position's stop) still holds.
            json::array leftovers;
            for (const auto& v : venues_) {
                auto z = co_await v.manager->operator_zombies(true);
                if (!z.error.empty()) {
                    ok = false;
                    out["leftovers_error"] = z.error;
                }
                for (const auto& o : z.items) {
                    ok = ok && o.cancelled;
                    leftovers.push_back(stray_json(v.id, o));
                }
            }
            out["leftovers"] = std::move(leftovers);
        } else if (!any) {
            ok = false;
            out["error"] = "no open position of " + *symbol_text + " on " + venue_names();
        }
        out["positions"] = std::move(rows);
        out["ok"] = ok;
    }

    asio::awaitable<void> protect(json::object& out) {
        json::array rows;
        bool ok = true;
        for (const auto& v : venues_) {
            auto found = co_await v.manager->operator_protect();
            for (const auto& p : found) {
                ok = ok && p.stop_on_venue;
                json::object j;
                j["exchange"] = core::to_string(v.id);
                j["symbol"] = p.symbol.str();
                j["position_id"] = p.position_id;
                j["stop_price"] = price(p.stop_price);
                j["stop_on_venue"] = p.stop_on_venue;
                rows.push_back(std::move(j));
            }
        }
        out["positions"] = std::move(rows);
        out["ok"] = ok;
    }

    asio::awaitable<void> sync(json::object& out) {
        const bool apply = flag(request_.args, "apply");
        json::array before;
        json::array after;
        bool ok = true;
        for (const auto& v : venues_) {
            auto diff = co_await read_diff(v, out);
            if (!diff) {
                ok = false;
                continue;
            }
            for (const auto& d : *diff) {
                before.push_back(diff_json(v.id, d));
            }
            if (!apply || diff->empty()) {
                continue;
            }
            co_await v.manager->reconcile();
            const bool awake = co_await v.manager->pause(sync_second_read);
            if (awake) {
                co_await v.manager->reconcile();
            }
            auto left = co_await read_diff(v, out);
            if (!left) {
                ok = false;
                continue;
            }
            for (const auto& d : *left) {
                after.push_back(diff_json(v.id, d));
                audit("sync_remaining", db::event_severity::warning, v.id, d.symbol.str(), d.position_id, d.kind);
            }
            ok = ok && left->empty();
        }
        out["in_sync"] = before.empty();
        out["differences"] = std::move(before);
        if (apply) {
            out["remaining"] = std::move(after);
        }
        out["applied"] = apply;
        out["ok"] = ok;
    }

    asio::awaitable<void> strays(json::object& out, bool zombies) {
        const bool act = flag(request_.args, zombies ? "clean" : "cancel");
        json::array rows;
        bool ok = true;
        for (const auto& v : venues_) {
            // Not a co_await in a ternary (GCC 12, ARCHITECTURE.md §8).
            trading::stray_report found;
            if (zombies) {
                found = co_await v.manager->operator_zombies(act);
            } else {
                found = co_await v.manager->operator_duplicates(act);
            }
            if (!found.error.empty()) {
                ok = false;
                out["error"] = std::string{core::to_string(v.id)} + ": " + found.error;
            }
            for (const auto& o : found.items) {
                ok = ok && (!act || o.cancelled);
                rows.push_back(stray_json(v.id, o));
                if (act) {
                    audit(zombies ? "zombie_cancelled" : "duplicate_stop_cancelled",
                          o.cancelled ? db::event_severity::warning : db::event_severity::error, v.id, o.symbol.str(),
                          std::nullopt, o.kind + " " + o.client_id + (o.cancelled ? " cancelled" : " not cancelled: " + o.error));
                }
            }
        }
        out[zombies ? "zombies" : "duplicates"] = std::move(rows);
        out[zombies ? "cleaned" : "cancelled"] = act;
        out["ok"] = ok;
    }

    void audit(std::string type, db::event_severity severity, core::exchange_id venue, std::string symbol,
               std::optional<std::int64_t> position_id, std::string message) {
        db::event_record e;
        e.type = std::move(type);
        e.severity = severity;
        e.exchange = std::string{core::to_string(venue)};
        e.symbol = std::move(symbol);
        e.position_id = position_id;
        e.message = std::move(message);
        e.data.emplace_back("source", "operator");
        rt_.audit().append(std::move(e));
    }

private:
    asio::awaitable<std::optional<std::vector<trading::sync_difference>>> read_diff(
        const trading_runtime::venue_handle& v, json::object& out) {
        auto rows = co_await rt_.positions().load_live(rt_.settings().app.mode);
        if (!rows) {
            out["error"] = "database: " + rows.error().describe();
            co_return std::nullopt;
        }
        auto held = co_await v.client->positions(exchange::request_priority::background);
        if (!held) {
            out["error"] = std::string{core::to_string(v.id)} + ": positions unavailable: " + held.error().describe();
            co_return std::nullopt;
        }
        auto stops = co_await v.client->open_stops(std::nullopt);
        const auto* stop_list = stops ? &*stops : nullptr;
        co_return trading::sync_diff(v.id, *rows, *held, stop_list);
    }

    std::string venue_names() const {
        std::string names;
        for (const auto& v : venues_) {
            names += (names.empty() ? "" : ", ") + std::string{core::to_string(v.id)};
        }
        return names;
    }

    trading_runtime& rt_;
    const operator_request& request_;
    std::vector<trading_runtime::venue_handle> venues_;
};

}  // namespace

json::object to_json(const operator_request& r) {
    json::object j;
    j["action"] = r.action;
    j["args"] = r.args;
    return j;
}

bool from_json(std::string_view body, operator_request& out, std::string& error) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) {
        error = "the body must be a JSON object";
        return false;
    }
    const auto& o = v.as_object();
    const auto* action = o.if_contains("action");
    const auto* args = o.if_contains("args");
    if (action == nullptr || !action->is_string() || (args != nullptr && !args->is_object())) {
        error = "expected {\"action\": string, \"args\": object}";
        return false;
    }
    out.action = std::string{action->as_string()};
    out.args = args != nullptr ? args->as_object() : json::object{};
    return true;
}

asio::awaitable<json::object> perform(trading_runtime& runtime, operator_request request, std::string via) {
    json::object out;
    out["action"] = request.action;
    out["via"] = via;
    out["ok"] = false;
    action_runner runner{runtime, request};
    const auto& a = request.action;
    const bool known = a == "close" || a == "protect" || a == "sync" || a == "zombies" || a == "duplicates";
    if (!known) {
        out["error"] = "unknown action '" + a + "'";
        co_return out;
    }
    if (a == "close" && !flag(request.args, "all")) {
        const auto s = text(request.args, "symbol");
        if (!s || !parse_symbol(*s)) {
            out["error"] = s ? "'" + *s + "' is not a symbol" : std::string{"close needs a symbol or all"};
            co_return out;
        }
    }
    logging::warn(logging::get("app"), "operator command", kv("action", a), kv("via", via),
                  kv("args", json::serialize(request.args)));
    if (runner.select(out)) {
        if (a == "close") {
            co_await runner.close(out);
        } else if (a == "protect") {
            co_await runner.protect(out);
        } else if (a == "sync") {
            co_await runner.sync(out);
        } else {
            co_await runner.strays(out, a == "zombies");
        }
    }
    const bool ok = out["ok"].as_bool();
    // `tradebot diagnose` asks for a listing that changes nothing and must write nothing.
    const bool listing = (a == "zombies" && !flag(request.args, "clean")) ||
                         (a == "duplicates" && !flag(request.args, "cancel"));
    if (listing && flag(request.args, "no_audit")) {
        co_return out;
    }
    db::event_record e;
    e.type = "operator_command";
    e.severity = ok ? db::event_severity::warning : db::event_severity::error;
    if (const auto ex = text(request.args, "exchange")) {
        e.exchange = *ex;
    }
    if (const auto s = text(request.args, "symbol")) {
        e.symbol = *s;
    }
    e.message = a + (ok ? " done" : " failed");
    e.data.emplace_back("action", a);
    e.data.emplace_back("via", via);
    e.data.emplace_back("ok", ok ? "true" : "false");
    e.data.emplace_back("args", json::serialize(request.args));
    runtime.audit().append(std::move(e));
    logging::warn(logging::get("app"), "operator command done", kv("action", a), kv("via", via), kv("ok", ok));
    co_return out;
}

asio::awaitable<net::http_response> answer_control(net::http_request request, const command_runner& run) {
    const auto json_answer = [](unsigned status, const json::object& body) {
        return net::http_response{
            .status = status, .content_type = "application/json", .body = json::serialize(body) + "\n", .headers = {}};
    };
    if (request.path() != "/v1/command") {
        co_return json_answer(404, json::object{{"ok", false}, {"error", "unknown path"}});
    }
    if (request.method != "POST") {
        auto refused = json_answer(405, json::object{{"ok", false}, {"error", "POST only"}});
        refused.headers.emplace_back("Allow", "POST");
        co_return refused;
    }
    operator_request op;
    std::string error;
    if (!from_json(request.body, op, error)) {
        co_return json_answer(400, json::object{{"ok", false}, {"error", error}});
    }
    // Named first: no temporaries inside a co_await expression (GCC 12, ARCHITECTURE.md §8).
    auto task = run(std::move(op));
    auto done = co_await std::move(task);
    const bool refused = done.contains("not_ready");
    co_return json_answer(refused ? 503 : 200, done);
}

}  // namespace tradebot::app

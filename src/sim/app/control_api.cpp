#include "sim/app/control_api.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "sim/app/state_json.hpp"
#include "tradebot/logging/logger.hpp"
#include "tradebot/logging/structured.hpp"
#include "tradebot/sim/wire/params.hpp"

namespace tradebot::sim::app {
namespace json = boost::json;
namespace {

wire::reply json_reply(unsigned status, const json::value& body) {
    wire::reply r;
    r.response.status = status;
    r.response.content_type = "application/json";
    r.response.body = json::serialize(body);
    return r;
}

wire::reply bad_request(std::string message) { return json_reply(400, json::object{{"error", std::move(message)}}); }

std::int64_t ms_of(std::chrono::nanoseconds d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// Reads an optional member as a decimal given as a JSON string or number.
std::optional<core::decimal> decimal_member(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_string()) return core::decimal::parse(v->get_string());
    if (v->is_int64()) return core::decimal::from_int(v->get_int64());
    if (v->is_uint64()) return core::decimal::from_int(static_cast<std::int64_t>(v->get_uint64()));
    return std::nullopt;
}

std::optional<std::int64_t> int_member(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
    return std::nullopt;
}

bool bool_member(const json::object& o, std::string_view key, bool fallback) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_bool() ? v->get_bool() : fallback;
}

std::string string_member(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string{v->get_string()} : std::string{};
}

json::object clock_json(const wire::sim_clock& c) {
    return {{"now_ms", c.now_ms()},
            {"server_now_ms", c.server_now_ms()},
            {"offset_ms", ms_of(c.offset())},
            {"skew_ms", ms_of(c.skew())}};
}

wire::venue* venue_named(control_state& st, std::string_view name, wire::venue& fallback) {
    if (name.empty()) return &fallback;
    for (auto* v : st.venues) {
        if (v->name() == name) return v;
    }
    return nullptr;
}

wire::reply get_state(control_state& st, wire::venue& v) {
    return json_reply(200, json::object{{"scenario", st.spec.name},
                                        {"paused", st.paused},
                                        {"venue", v.name()},
                                        {"clock", clock_json(st.clock)},
                                        {"protocol", v.state()},
                                        {"engine", to_json(v.exchange().snapshot())}});
}

// Every venue's logged order arrivals, oldest first; the query narrows them by venue= and
// client_id=. All venues whichever port is asked: a test or benchmark reads one list.
wire::reply get_arrivals(const control_state& st, const net::http_request& request) {
    const auto query = wire::params::parse(wire::query_of(request.target));
    const auto venue_filter = query.get("venue");
    const auto client_filter = query.get("client_id");
    struct row {
        std::string_view venue;
        const wire::order_arrival* entry;
    };
    std::vector<row> rows;
    for (const auto* v : st.venues) {
        if (venue_filter && *venue_filter != v->name()) continue;
        for (const auto& e : v->arrivals().entries()) {
            if (client_filter && *client_filter != e.client_id) continue;
            rows.push_back({v->name(), &e});
        }
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const row& a, const row& b) { return a.entry->arrival_us < b.entry->arrival_us; });
    json::array out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        out.push_back(json::object{{"venue", r.venue},
                                   {"client_id", r.entry->client_id},
                                   {"arrival_us", r.entry->arrival_us},
                                   {"accepted", r.entry->accepted}});
    }
    return json_reply(200, json::object{{"arrivals", std::move(out)}});
}

wire::reply post_price(control_state& st, const json::object& body) {
    const auto name = string_member(body, "symbol");
    const auto sym = core::symbol::parse(name);
    if (!sym) return bad_request("symbol: expected a symbol such as BTCUSDT");
    const auto current = st.feed.current(*sym);
    if (!current) return bad_request("symbol: not in the scenario: " + name);
    auto price = decimal_member(body, "price");
    if (const auto pct = decimal_member(body, "move_pct")) {
        price = current->mark.multiply(core::decimal::from_int(100) + *pct, 12, core::rounding::half_up)
                    .divide(core::decimal::from_int(100), 12, core::rounding::half_up);
    }
    if (!price || !price->is_positive()) return bad_request("price: a positive decimal (or move_pct) is required");
    st.feed.set_mid(*sym, *price);
    st.publish(*sym);
    const auto now = st.feed.current(*sym);
    return json_reply(200, json::object{{"symbol", sym->str()},
                                        {"mark", now->mark.to_string()},
                                        {"bid", now->bid.to_string()},
                                        {"ask", now->ask.to_string()}});
}

wire::reply post_advance(control_state& st, const json::object& body) {
    const auto ms = int_member(body, "ms");
    if (!ms || *ms < 0) return bad_request("ms: a non-negative integer is required");
    st.clock.advance(std::chrono::milliseconds{*ms});
    st.tick_all();
    return json_reply(200, json::object{{"clock", clock_json(st.clock)}});
}

wire::reply post_scenario(control_state& st, const json::object& body) {
    const auto file = string_member(body, "file");
    if (file.empty()) return bad_request("file: the path of a scenario YAML file is required");
    const auto loaded = scenario::load_file(file);
    if (!loaded.spec) return bad_request(loaded.error);
    for (const auto& s : loaded.spec->symbols) {
        if (!st.feed.current(s.instrument.symbol)) st.feed.add(s);
    }
    for (auto* v : st.venues) st.load_into(*v, *loaded.spec);
    return json_reply(200, json::object{{"loaded", loaded.spec->name}, {"symbols", st.feed.size()}});
}

wire::reply post_account(control_state& st, const json::object& body) {
    scenario::account_spec acc{string_member(body, "api_key"), string_member(body, "api_secret"),
                               decimal_member(body, "balance").value_or(core::decimal::from_int(10'000)),
                               bool_member(body, "read_only", false)};
    if (acc.api_key.empty() || acc.api_secret.empty()) return bad_request("api_key and api_secret are required");
    scenario::scenario_spec one;
    one.accounts.push_back(acc);
    for (auto* v : st.venues) st.load_into(*v, one);
    return json_reply(200, json::object{{"api_key", acc.api_key}});
}

wire::reply post_fault(control_state& st, wire::venue& via, const json::object& body) {
    auto* v = venue_named(st, string_member(body, "venue"), via);
    if (v == nullptr) return bad_request("venue: expected binance or bybit");
    auto& f = v->faults();
    const auto kind = string_member(body, "kind");
    const auto count = static_cast<int>(int_member(body, "count").value_or(1));
    if (kind == "http_5xx") f.http_5xx_next = count;
    else if (kind == "reset") f.reset_next = count;
    else if (kind == "hang_after_accept") f.hang_after_accept_next = count;
    else if (kind == "reject") {
        const auto code = int_member(body, "code");
        if (!code) return bad_request("code: the venue error code to return is required");
        f.reject_next_code = static_cast<int>(*code);
        f.reject_next_message = string_member(body, "message");
    } else if (kind == "empty_positions_once") f.empty_positions_once = true;
    else if (kind == "partial_fill") {
        const auto fraction = decimal_member(body, "fraction");
        if (!fraction || !fraction->is_positive() || *fraction >= core::decimal::from_int(1)) {
            return bad_request("fraction: the filled share of the next market order, between 0 and 1 exclusive");
        }
        f.partial_fill_next = fraction;
    } else if (kind == "position_delay") {
        f.position_visibility_delay = std::chrono::milliseconds{int_member(body, "ms").value_or(0)};
    } else if (kind == "throttle") f.throttle = bool_member(body, "on", true);
    else if (kind == "stall_streams") f.streams_stalled = bool_member(body, "on", true);
    else if (kind == "expire_listen_key") f.expire_listen_keys = true;
    else if (kind == "drop_subscription") {
        f.drop_subscription = string_member(body, "symbol");
        if (f.drop_subscription.empty()) return bad_request("symbol: the venue symbol whose subscriptions to drop");
    } else if (kind == "refuse_subscribe") f.refuse_subscribe_next = count;
    else if (kind == "drop_streams") {
        const auto it = st.droppers.find(v);
        if (it == st.droppers.end()) return bad_request("drop_streams: no server is attached to " + std::string{v->name()});
        it->second();
    } else if (kind == "clock_skew") {
        st.clock.set_skew(std::chrono::milliseconds{int_member(body, "ms").value_or(0)});
    } else if (kind == "clear") {
        const auto delay = f.position_visibility_delay;  // a scenario setting, not a one-off fault
        f = wire::faults{};
        f.position_visibility_delay = delay;
        st.clock.set_skew({});
    } else {
        return bad_request("kind: unknown fault '" + kind +
                           "'; expected http_5xx, reset, hang_after_accept, reject, empty_positions_once, partial_fill, "
                           "position_delay, throttle, stall_streams, drop_streams, drop_subscription, refuse_subscribe, "
                           "expire_listen_key, clock_skew or clear");
    }
    logging::info(logging::get("sim"), "fault armed", logging::kv("venue", v->name()), logging::kv("kind", kind));
    return json_reply(200, json::object{{"venue", v->name()}, {"kind", kind}});
}

}  // namespace

void control_state::load_into(wire::venue& v, const scenario::scenario_spec& s) {
    auto& ex = v.exchange();
    for (const auto& sym : s.symbols) {
        if (ex.find_instrument(sym.instrument.symbol) != nullptr) continue;
        ex.add_instrument(sym.instrument);
        ex.set_funding_rate(sym.instrument.symbol, sym.funding_rate);
        if (const auto p = feed.current(sym.instrument.symbol)) ex.set_prices(sym.instrument.symbol, *p);
    }
    for (const auto& acc : s.accounts) {
        if (ex.find_account(acc.api_key) != nullptr) continue;
        engine::account_config cfg;
        cfg.id = acc.api_key;
        cfg.initial_balance = acc.balance;
        cfg.read_only = acc.read_only;
        v.add_account(cfg, acc.api_secret);
    }
    if (v.name() == "bybit") v.faults().position_visibility_delay = s.bybit_position_delay;
}

std::size_t control_state::step_all() {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock.steady_now() - started);
    const auto moved = feed.step(elapsed);
    for (auto* v : venues) v->on_prices(moved);
    return moved.size();
}

void control_state::tick_all() {
    for (auto* v : venues) v->tick();
}

void control_state::publish(const core::symbol& s) {
    const auto p = feed.current(s);
    if (!p) return;
    for (auto* v : venues) v->on_price(s, *p);
}

wire::reply handle_control(control_state& st, wire::venue& via, const net::http_request& request) {
    const auto path = request.path();
    if (request.method == "GET") {
        if (path == "/sim/state") return get_state(st, via);
        if (path == "/sim/health") return json_reply(200, json::object{{"ok", true}, {"venue", via.name()}});
        if (path == "/sim/arrivals") return get_arrivals(st, request);
    }
    if (request.method != "POST") {
        return json_reply(404, json::object{{"error", "unknown control endpoint " + std::string{path} +
                                                          " (state, health and arrivals are GET, the rest POST)"}});
    }
    json::object body;
    if (!request.body.empty()) {
        boost::system::error_code ec;
        auto parsed = json::parse(request.body, ec);
        if (ec || !parsed.is_object()) return bad_request("body: expected a JSON object");
        body = std::move(parsed.as_object());
    }
    if (path == "/sim/price") return post_price(st, body);
    if (path == "/sim/advance") return post_advance(st, body);
    if (path == "/sim/fault") return post_fault(st, via, body);
    if (path == "/sim/scenario") return post_scenario(st, body);
    if (path == "/sim/account") return post_account(st, body);
    if (path == "/sim/step") {
        const auto n = st.step_all();
        return json_reply(200, json::object{{"symbols", n}});
    }
    if (path == "/sim/pause") {
        st.paused = bool_member(body, "paused", true);
        return json_reply(200, json::object{{"paused", st.paused}});
    }
    return json_reply(404, json::object{{"error", "unknown control endpoint " + std::string{path}}});
}

}  // namespace tradebot::sim::app

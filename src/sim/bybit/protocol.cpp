#include "sim/bybit/protocol.hpp"

#include <chrono>

namespace tradebot::sim::bybit {

outcome fail(int code, std::string message, unsigned http_status) {
    outcome o;
    o.code = code;
    o.message = std::move(message);
    o.http_status = http_status;
    return o;
}

outcome param_error(std::string_view name) { return fail(10001, "params error: " + std::string{name} + " invalid"); }

net::http_response envelope(const outcome& o, std::int64_t time_ms) {
    json::object body;
    body["retCode"] = o.code;
    body["retMsg"] = o.message;
    if (o.code == 0) {
        body["result"] = o.result;
    } else {
        body["result"] = json::object{};
    }
    body["retExtInfo"] = json::object{};
    body["time"] = time_ms;
    net::http_response res;
    res.status = o.http_status;
    res.content_type = "application/json";
    res.body = json::serialize(body);
    return res;
}

std::optional<std::string> request::text(std::string_view key) const {
    if (!post) {
        const auto v = query.get(key);
        return v ? std::optional<std::string>{std::string{*v}} : std::nullopt;
    }
    const auto* v = body.if_contains(key);
    if (v == nullptr || v->is_null()) {
        return std::nullopt;
    }
    if (v->is_string()) {
        return std::string{v->get_string()};
    }
    if (v->is_bool()) {
        return std::string{v->get_bool() ? "true" : "false"};
    }
    if (v->is_int64()) {
        return std::to_string(v->get_int64());
    }
    if (v->is_uint64()) {
        return std::to_string(v->get_uint64());
    }
    return json::serialize(*v);
}

field<core::decimal> decimal_field(const request& r, std::string_view key) {
    field<core::decimal> f;
    if (r.post) {
        const auto* v = r.body.if_contains(key);
        if (v == nullptr || v->is_null()) {
            return f;
        }
        if (!v->is_string()) {
            f.state = field_state::invalid;
            return f;
        }
    }
    const auto t = r.text(key);
    if (!t) {
        return f;
    }
    if (t->empty()) {
        return f;  // Bybit SDKs send "" for "not set"
    }
    const auto d = core::decimal::parse(*t);
    f.state = d ? field_state::ok : field_state::invalid;
    f.value = d.value_or(core::decimal{});
    return f;
}

field<std::int64_t> int_field(const request& r, std::string_view key) {
    field<std::int64_t> f;
    const auto t = r.text(key);
    if (!t || t->empty()) {
        return f;
    }
    std::int64_t v = 0;
    bool neg = false;
    std::size_t i = 0;
    if ((*t)[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == t->size() || t->size() > 18) {
        f.state = field_state::invalid;
        return f;
    }
    for (; i < t->size(); ++i) {
        const char c = (*t)[i];
        if (c < '0' || c > '9') {
            f.state = field_state::invalid;
            return f;
        }
        v = v * 10 + (c - '0');
    }
    f.state = field_state::ok;
    f.value = neg ? -v : v;
    return f;
}

field<bool> bool_field(const request& r, std::string_view key) {
    field<bool> f;
    const auto t = r.text(key);
    if (!t) {
        return f;
    }
    if (*t == "true" || *t == "false") {
        f.state = field_state::ok;
        f.value = *t == "true";
    } else {
        f.state = field_state::invalid;
    }
    return f;
}

std::optional<outcome> check_category(const request& r, bool required) {
    const auto c = r.text("category");
    if (!c) {
        return required ? std::optional{param_error("category")} : std::nullopt;
    }
    if (*c != "linear") {
        return param_error("category");
    }
    return std::nullopt;
}

namespace {

std::string at_scale(core::decimal v, int scale) {
    if (scale < 0) {
        scale = 0;
    }
    return v.rescale(scale, core::rounding::half_even).to_string();
}

}  // namespace

std::string px(const engine::instrument& i, core::decimal v) { return at_scale(v, i.tick_size.normalized().scale()); }
std::string qt(const engine::instrument& i, core::decimal v) { return at_scale(v, i.step_size.normalized().scale()); }

std::string money(core::decimal v) {
    if (v.scale() > 8) {
        v = v.rescale(8, core::rounding::half_even);
    }
    return v.normalized().to_string();
}

std::string ms_text(engine::time_point t) { return std::to_string(engine::to_ms(t)); }

std::string_view side_text(core::side s) noexcept { return s == core::side::buy ? "Buy" : "Sell"; }

std::string_view trigger_by_text(engine::working_type w) noexcept {
    switch (w) {
    case engine::working_type::mark: return "MarkPrice";
    case engine::working_type::index: return "IndexPrice";
    case engine::working_type::last: return "LastPrice";
    }
    return "LastPrice";
}

std::optional<engine::working_type> parse_trigger_by(std::string_view s) noexcept {
    if (s == "LastPrice") {
        return engine::working_type::last;
    }
    if (s == "MarkPrice") {
        return engine::working_type::mark;
    }
    if (s == "IndexPrice") {
        return engine::working_type::index;
    }
    return std::nullopt;
}

}  // namespace tradebot::sim::bybit

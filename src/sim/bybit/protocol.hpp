#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/net/http_server.hpp"
#include "tradebot/sim/engine/instrument.hpp"
#include "tradebot/sim/engine/types.hpp"
#include "tradebot/sim/wire/arrival_log.hpp"
#include "tradebot/sim/wire/params.hpp"

namespace tradebot::sim::bybit {

namespace json = boost::json;

// What a handler answers: retCode/retMsg and the `result` object; the venue wraps it in the
// envelope {retCode, retMsg, result, retExtInfo, time}.
struct outcome {
    int code = 0;
    std::string message = "OK";
    json::value result = json::object{};
    unsigned http_status = 200;
};

[[nodiscard]] outcome fail(int code, std::string message, unsigned http_status = 200);
// 10001 with Bybit's "params error: <field> invalid" pattern ([U]: the text for a missing
// field may differ on the real venue; the code is right).
[[nodiscard]] outcome param_error(std::string_view name);

[[nodiscard]] net::http_response envelope(const outcome& o, std::int64_t time_ms);

// A REST request after routing: the decoded query (GET) or JSON body (POST).
struct request {
    std::string_view path;
    bool post = false;
    wire::params query;
    json::object body;
    engine::account_id account;  // empty for public endpoints
    wire::arrival_time arrival{};  // when the request's last byte was read

    // The field as text: a query value, or a JSON string / integer / bool of the body.
    [[nodiscard]] std::optional<std::string> text(std::string_view key) const;
    [[nodiscard]] bool has(std::string_view key) const { return text(key).has_value(); }
};

enum class field_state : std::uint8_t { absent, invalid, ok };

template <class T>
struct field {
    field_state state = field_state::absent;
    T value{};
    [[nodiscard]] bool absent() const noexcept { return state == field_state::absent; }
    [[nodiscard]] bool invalid() const noexcept { return state == field_state::invalid; }
    [[nodiscard]] bool ok() const noexcept { return state == field_state::ok; }
};

// Money fields must be JSON strings in a POST body, as Bybit documents ([U]: whether Bybit
// itself accepts a JSON number here is unverified; the simulator refuses it).
[[nodiscard]] field<core::decimal> decimal_field(const request& r, std::string_view key);
[[nodiscard]] field<std::int64_t> int_field(const request& r, std::string_view key);
[[nodiscard]] field<bool> bool_field(const request& r, std::string_view key);

// "linear" is required ([U] message); GET /v5/market/kline defaults it.
[[nodiscard]] std::optional<outcome> check_category(const request& r, bool required = true);

// Number formats: prices at the tick's scale, quantities at the step's scale, money
// normalised (at most 8 decimals), times as ms strings.
[[nodiscard]] std::string px(const engine::instrument& i, core::decimal v);
[[nodiscard]] std::string qt(const engine::instrument& i, core::decimal v);
[[nodiscard]] std::string money(core::decimal v);
[[nodiscard]] std::string ms_text(engine::time_point t);

[[nodiscard]] std::string_view side_text(core::side s) noexcept;
[[nodiscard]] std::string_view trigger_by_text(engine::working_type w) noexcept;
[[nodiscard]] std::optional<engine::working_type> parse_trigger_by(std::string_view s) noexcept;

}  // namespace tradebot::sim::bybit

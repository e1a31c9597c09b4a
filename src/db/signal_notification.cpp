#include <boost/json.hpp>

#include "tradebot/db/signal_repository.hpp"

#include "db/sql_values.hpp"

namespace tradebot::db {

namespace {

namespace json = boost::json;

std::optional<std::string> text_member(const json::object& o, std::string_view key, bool& ok) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        return std::nullopt;
    }
    if (!v->is_string()) {
        ok = false;
        return std::nullopt;
    }
    return std::string{v->get_string()};
}

std::optional<time_point> time_member(const json::object& o, std::string_view key, bool& ok) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        return std::nullopt;
    }
    if (!v->is_int64()) {
        ok = false;
        return std::nullopt;
    }
    return detail::from_micros(v->get_int64());
}

}  // namespace

std::optional<signal_row> signal_row_from_notification(std::string_view payload) {
    if (payload.empty() || payload.front() != '{') {
        return std::nullopt;  // an id: read the table
    }
    boost::system::error_code ec;
    const auto doc = json::parse(payload, ec);
    if (ec || !doc.is_object()) {
        return std::nullopt;
    }
    const auto& o = doc.get_object();
    const auto* id = o.if_contains("id");
    if (id == nullptr || !id->is_int64()) {
        return std::nullopt;
    }
    bool ok = true;
    signal_row row;
    row.id = id->get_int64();
    auto source = text_member(o, "source", ok);
    row.external_id = text_member(o, "external_id", ok);
    auto exchange = text_member(o, "exchange", ok);
    auto symbol = text_member(o, "symbol", ok);
    auto side = text_member(o, "side", ok);
    row.score_week = text_member(o, "score_week", ok);
    row.score_month = text_member(o, "score_month", ok);
    row.candle_time = time_member(o, "candle_time", ok);
    row.wave_time = time_member(o, "wave_time", ok);
    const auto received = time_member(o, "received_at", ok);
    // The NOT NULL columns must be there; anything odd is left to the table read.
    if (!ok || !source || !exchange || !symbol || !side || !received) {
        return std::nullopt;
    }
    row.source = std::move(*source);
    row.exchange = std::move(*exchange);
    row.symbol = std::move(*symbol);
    row.side = std::move(*side);
    row.received_at = *received;
    return row;
}

}  // namespace tradebot::db

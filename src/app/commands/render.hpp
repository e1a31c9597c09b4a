#pragma once

#include <string>

#include <boost/json.hpp>

// Small readers for the answer objects the operator's commands print as text.
namespace tradebot::app::commands {

inline std::string field(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        return "-";
    }
    if (v->is_string()) {
        return std::string{v->as_string()};
    }
    return boost::json::serialize(*v);
}

inline bool truth(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_bool() && v->as_bool();
}

inline const boost::json::array& rows(const boost::json::object& o, std::string_view key) {
    static const boost::json::array none;
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_array() ? v->as_array() : none;
}

// "(via the running daemon)" / "(directly, under the instance lock)"
inline std::string via(const boost::json::object& o) {
    return field(o, "via") == "daemon" ? "via the running daemon" : "directly, under the instance lock";
}

}  // namespace tradebot::app::commands

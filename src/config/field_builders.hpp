#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "config/field_readers.hpp"
#include "config/schema.hpp"
#include "config/text_values.hpp"

// Makers of schema fields per value type. `get` is a generic lambda returning a reference to the
// member inside a settings object (const or not), so one accessor serves loading and printing.
namespace tradebot::config::detail {

inline const dec_range positive{decimal::from_int(0), true, std::nullopt};
inline const dec_range non_negative{decimal::from_int(0), false, std::nullopt};
inline const dec_range percent{decimal::from_int(0), true, decimal::from_int(100)};
inline const dec_range percent_or_zero{decimal::from_int(0), false, decimal::from_int(100)};

template <class Get>
field bool_field(std::string path, Get get) {
    field f;
    f.path = path;
    f.assign = [path, get](settings& s, const raw_value& raw, error_sink& sink) {
        const auto* text = scalar_of(raw, path, "true or false", sink);
        if (text == nullptr) {
            return;
        }
        if (const auto v = parse_boolean(trim(*text))) {
            get(s) = *v;
        } else {
            sink.add(raw.loc, path, "expected true or false, " + got(*text));
        }
    };
    f.print = [get](const settings& s) -> std::string { return get(s) ? "true" : "false"; };
    return f;
}

template <class Get>
field int_field(std::string path, Get get, std::int64_t min, std::int64_t max) {
    field f;
    f.path = path;
    f.assign = [path, get, min, max](settings& s, const raw_value& raw, error_sink& sink) {
        if (const auto v = read_int(raw, path, min, max, sink)) {
            get(s) = static_cast<std::remove_reference_t<decltype(get(s))>>(*v);
        }
    };
    f.print = [get](const settings& s) { return std::to_string(get(s)); };
    return f;
}

template <class Get>
field optional_int_field(std::string path, Get get, std::int64_t min, std::int64_t max) {
    field f;
    f.path = path;
    f.assign = [path, get, min, max](settings& s, const raw_value& raw, error_sink& sink) {
        if (raw.type == raw_value::kind::null || (raw.type == raw_value::kind::scalar && trim(raw.text).empty())) {
            get(s).reset();
        } else if (const auto v = read_int(raw, path, min, max, sink)) {
            get(s) = static_cast<int>(*v);
        }
    };
    f.print = [get](const settings& s) { return get(s) ? std::to_string(*get(s)) : std::string{"null"}; };
    return f;
}

template <class Get>
field duration_field(std::string path, Get get, std::int64_t min, std::int64_t max) {
    field f;
    f.path = path;
    f.assign = [path, get, min, max](settings& s, const raw_value& raw, error_sink& sink) {
        using duration = std::remove_reference_t<decltype(get(s))>;
        if (const auto v = read_int(raw, path, min, max, sink)) {
            get(s) = duration{static_cast<typename duration::rep>(*v)};
        }
    };
    f.print = [get](const settings& s) { return std::to_string(get(s).count()); };
    return f;
}

template <class Get>
field decimal_field(std::string path, Get get, dec_range range) {
    field f;
    f.path = path;
    f.assign = [path, get, range](settings& s, const raw_value& raw, error_sink& sink) {
        const auto* text = scalar_of(raw, path, "a decimal number", sink);
        if (text == nullptr) {
            return;
        }
        const auto v = decimal::parse(trim(*text));
        if (!v) {
            sink.add(raw.loc, path, "expected a decimal number, " + got(*text));
        } else if (!in_range(*v, range)) {
            sink.add(raw.loc, path, dec_range_text(range) + ", got " + v->to_string());
        } else {
            get(s) = *v;
        }
    };
    f.print = [get](const settings& s) { return get(s).to_string(); };
    return f;
}

// Strings and paths; an empty YAML value is the empty string.
template <class Get>
field text_field(std::string path, Get get, secrecy secret = secrecy::none) {
    field f;
    f.path = path;
    f.secret = secret;
    f.assign = [path, get](settings& s, const raw_value& raw, error_sink& sink) {
        if (raw.type == raw_value::kind::null) {
            get(s) = std::string{};
        } else if (const auto* text = scalar_of(raw, path, "a string", sink)) {
            get(s) = *text;
        }
    };
    f.text = [get](const settings& s) {
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(get(s))>, std::filesystem::path>) {
            return get(s).string();
        } else {
            return std::string{get(s)};
        }
    };
    f.print = [text = f.text](const settings& s) { return quote(text(s)); };
    return f;
}

template <class Get, class Parse, class Name>
field enum_field(std::string path, Get get, Parse parse, Name name, std::string choices) {
    field f;
    f.path = path;
    f.assign = [path, get, parse, choices](settings& s, const raw_value& raw, error_sink& sink) {
        const auto* text = scalar_of(raw, path, "one of " + choices, sink);
        if (text == nullptr) {
            return;
        }
        if (const auto v = parse(trim(*text))) {
            get(s) = *v;
        } else {
            sink.add(raw.loc, path, "expected one of " + choices + ", " + got(*text));
        }
    };
    f.print = [get, name](const settings& s) { return std::string{name(get(s))}; };
    return f;
}

template <class Get>
field int_list_field(std::string path, Get get, std::int64_t min, std::int64_t max) {
    field f;
    f.path = path;
    f.kind = shape::list;
    f.assign = [path, get, min, max](settings& s, const raw_value& raw, error_sink& sink) {
        const auto items = list_items(raw, path, sink);
        if (!items) {
            return;
        }
        std::vector<int> out;
        bool ok = true;
        for (const auto& item : *items) {
            if (const auto v = check_int(item.text, item.loc, path, min, max, sink)) {
                out.push_back(static_cast<int>(*v));
            } else {
                ok = false;
            }
        }
        if (ok) {
            get(s) = std::move(out);
        }
    };
    f.print = [get](const settings& s) {
        std::string out = "[";
        for (const int v : get(s)) {
            out += (out.size() > 1 ? ", " : "") + std::to_string(v);
        }
        return out + "]";
    };
    return f;
}

template <class Get>
field symbol_list_field(std::string path, Get get) {
    field f;
    f.path = path;
    f.kind = shape::list;
    f.assign = [path, get](settings& s, const raw_value& raw, error_sink& sink) {
        const auto items = list_items(raw, path, sink);
        if (!items) {
            return;
        }
        std::vector<core::symbol> out;
        bool ok = true;
        for (const auto& item : *items) {
            if (const auto sym = core::symbol::parse(trim(item.text))) {
                out.push_back(*sym);
            } else {
                sink.add(item.loc, path, "expected a symbol such as BTCUSDT, " + got(item.text));
                ok = false;
            }
        }
        if (ok) {
            get(s) = std::move(out);
        }
    };
    f.print = [get](const settings& s) {
        std::string out = "[";
        for (const auto& sym : get(s)) {
            out += (out.size() > 1 ? ", " : "") + sym.str();
        }
        return out + "]";
    };
    return f;
}

template <class Get>
field level_map_field(std::string path, Get get) {
    field f;
    f.path = path;
    f.kind = shape::map;
    f.assign = [path, get](settings& s, const raw_value& raw, error_sink& sink) {
        const auto items = map_items(raw, path, sink);
        if (!items) {
            return;
        }
        std::map<std::string, log_level> out;
        bool ok = true;
        for (const auto& item : *items) {
            const auto& modules = log_modules();
            if (std::find(modules.begin(), modules.end(), item.key) == modules.end()) {
                std::string known;
                for (const auto m : modules) {
                    known += (known.empty() ? "" : ", ") + std::string{m};
                }
                sink.add(item.loc, path + "." + item.key, "unknown module '" + item.key + "' (known: " + known + ")");
                ok = false;
            } else if (const auto level = parse_log_level(trim(item.text))) {
                out[item.key] = *level;
            } else {
                sink.add(item.loc, path + "." + item.key,
                         "expected one of trace, debug, info, warn, error, critical, off, " + got(item.text));
                ok = false;
            }
        }
        if (ok) {
            get(s) = std::move(out);
        }
    };
    f.print = [get](const settings& s) {
        std::string out = "{";
        for (const auto& [module, level] : get(s)) {
            out += (out.size() > 1 ? ", " : "") + module + ": " + std::string{to_string(level)};
        }
        return out + "}";
    };
    return f;
}


}  // namespace tradebot::config::detail

#include "config/field_readers.hpp"

#include "config/text_values.hpp"

namespace tradebot::config::detail {

std::string got(std::string_view text) { return "got '" + std::string{text} + "'"; }

namespace {

std::string_view kind_name(raw_value::kind k) {
    switch (k) {
        case raw_value::kind::null: return "an empty value";
        case raw_value::kind::scalar: return "a single value";
        case raw_value::kind::sequence: return "a list";
        case raw_value::kind::mapping: return "a mapping";
    }
    return "?";
}

}  // namespace

const std::string* scalar_of(const raw_value& raw, const std::string& path, std::string_view expected,
                             error_sink& sink) {
    if (raw.type == raw_value::kind::scalar) {
        return &raw.text;
    }
    sink.add(raw.loc, path, "expected " + std::string{expected} + ", got " + std::string{kind_name(raw.type)});
    return nullptr;
}

namespace {

std::string int_range_text(std::int64_t min, std::int64_t max) {
    if (max == no_limit) {
        return "must be at least " + std::to_string(min);
    }
    return "must be between " + std::to_string(min) + " and " + std::to_string(max);
}

}  // namespace

std::optional<std::int64_t> check_int(std::string_view text, const source_location& loc, const std::string& path,
                                      std::int64_t min, std::int64_t max, error_sink& sink) {
    const auto v = parse_integer(trim(text));
    if (!v) {
        sink.add(loc, path, "expected an integer, " + got(text));
        return std::nullopt;
    }
    if (*v < min || *v > max) {
        sink.add(loc, path, int_range_text(min, max) + ", got " + std::to_string(*v));
        return std::nullopt;
    }
    return v;
}

std::optional<std::int64_t> read_int(const raw_value& raw, const std::string& path, std::int64_t min,
                                     std::int64_t max, error_sink& sink) {
    const auto* text = scalar_of(raw, path, "an integer", sink);
    return text != nullptr ? check_int(*text, raw.loc, path, min, max, sink) : std::nullopt;
}

std::string dec_range_text(const dec_range& r) {
    std::string out;
    if (r.min) {
        out = (r.min_exclusive ? "must be greater than " : "must be at least ") + r.min->to_string();
    }
    if (r.max) {
        out += out.empty() ? "must be at most " : " and at most ";
        out += r.max->to_string();
    }
    return out;
}

bool in_range(decimal v, const dec_range& r) {
    if (r.min && (r.min_exclusive ? v <= *r.min : v < *r.min)) {
        return false;
    }
    return !(r.max && v > *r.max);
}

std::optional<std::vector<raw_item>> list_items(const raw_value& raw, const std::string& path, error_sink& sink) {
    switch (raw.type) {
        case raw_value::kind::null: return std::vector<raw_item>{};
        case raw_value::kind::sequence: return raw.items;
        case raw_value::kind::scalar: {
            std::vector<raw_item> items;
            for (auto& piece : split_list(raw.text)) {
                items.push_back(raw_item{{}, std::move(piece), raw.loc});
            }
            return items;
        }
        case raw_value::kind::mapping: break;
    }
    sink.add(raw.loc, path, "expected a list, got a mapping");
    return std::nullopt;
}

std::optional<std::vector<raw_item>> map_items(const raw_value& raw, const std::string& path, error_sink& sink) {
    switch (raw.type) {
        case raw_value::kind::null: return std::vector<raw_item>{};
        case raw_value::kind::mapping: return raw.items;
        case raw_value::kind::scalar: {
            std::vector<raw_item> items;
            bool ok = true;
            for (const auto& piece : split_list(raw.text)) {
                const auto eq = piece.find('=');
                if (eq == std::string::npos) {
                    sink.add(raw.loc, path, "expected name=value, " + got(piece));
                    ok = false;
                    continue;
                }
                items.push_back(raw_item{std::string{trim(std::string_view{piece}.substr(0, eq))},
                                         std::string{trim(std::string_view{piece}.substr(eq + 1))}, raw.loc});
            }
            return ok ? std::optional{std::move(items)} : std::nullopt;
        }
        case raw_value::kind::sequence: break;
    }
    sink.add(raw.loc, path, "expected a mapping of name: value, got a list");
    return std::nullopt;
}

}  // namespace tradebot::config::detail

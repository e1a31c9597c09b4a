#include "tradebot/report/render.hpp"

namespace tradebot::report {

std::optional<format> parse_format(std::string_view text) noexcept {
    if (text == "text") {
        return format::text;
    }
    if (text == "json") {
        return format::json;
    }
    if (text == "csv") {
        return format::csv;
    }
    if (text == "html") {
        return format::html;
    }
    return std::nullopt;
}

std::string text_or_na(const std::optional<core::decimal>& d) { return d ? d->to_string() : std::string{"n/a"}; }

std::string render(const performance& p, format f, const render_options& o) {
    switch (f) {
    case format::text: return render_text(p, o);
    case format::json: return render_json(p, o);
    case format::csv: return render_csv(p);
    case format::html: return render_html(p, o);
    }
    return render_text(p, o);
}

}  // namespace tradebot::report

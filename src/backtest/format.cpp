#include "backtest/format.hpp"

#include <fmt/format.h>

namespace tradebot::backtest {

std::string num(core::decimal d) { return d.normalized().to_string(); }

std::string json_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += fmt::format("\\u{:04x}", static_cast<int>(c));
        } else {
            out += c;
        }
    }
    return out;
}

std::string html_page_start(std::string_view title, std::string_view extra_css) {
    std::string o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>";
    o += html_escape(title);
    o += R"(</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}
th{background:#f0f0f0}
td:first-child,th:first-child{text-align:left}
.chart .frame{fill:none;stroke:#ccc}
.chart .axis{font-size:11px;fill:#555}
.win{color:#1a7f37}.loss{color:#d1242f}
)";
    o += extra_css;
    o += "</style></head><body>\n<h1>";
    o += html_escape(title);
    o += "</h1>\n";
    return o;
}

std::string html_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace tradebot::backtest

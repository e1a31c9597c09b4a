#pragma once

#include <string>
#include <vector>

// Inline SVG charts for the HTML report: drawn from numbers only, so the page needs no script
// and no asset. Values are doubles here because they only place pixels; every figure printed
// stays an exact decimal.
namespace tradebot::report {

struct chart_point {
    double x = 0;  // seconds since the epoch
    double y = 0;
};

struct bar {
    std::string label;
    double value = 0;
};

// A line over the points (in x order) with a zero line and min/max labels; a note when empty.
[[nodiscard]] std::string line_chart(const std::vector<chart_point>& points, const char* colour, const char* name);
// One bar per label, green above zero and red below.
[[nodiscard]] std::string bar_chart(const std::vector<bar>& bars);
// &, <, >, " and ' as entities.
[[nodiscard]] std::string html_escape(const std::string& s);

}  // namespace tradebot::report

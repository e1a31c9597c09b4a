#include "report/svg_chart.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace tradebot::report {

namespace {

constexpr double width = 760;
constexpr double height = 220;
constexpr double left = 70;
constexpr double right = 16;
constexpr double top = 14;
constexpr double bottom = 28;

std::string fmt(double v) {
    if (v > -0.005 && v < 0.005) {
        v = 0;  // never "-0.00"
    }
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

std::string open_svg(const char* name) {
    std::ostringstream out;
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << ' ' << height << "\" role=\"img\" aria-label=\"" << name << "\">";
    out << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height << "\" fill=\"#ffffff\"/>";
    return out.str();
}

std::string empty_chart(const char* name) {
    return open_svg(name) + "<text x=\"" + fmt(width / 2) + "\" y=\"" + fmt(height / 2) +
           "\" text-anchor=\"middle\" fill=\"#6b7280\" font-size=\"13\">no closed positions</text></svg>";
}

// The value range with zero inside it, never empty.
std::pair<double, double> y_range(double lo, double hi) {
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
    if (hi - lo < 1e-12) {
        hi = lo + 1;
    }
    const double margin = (hi - lo) * 0.05;
    return {lo - margin, hi + margin};
}

}  // namespace

std::string html_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string line_chart(const std::vector<chart_point>& points, const char* colour, const char* name) {
    if (points.empty()) {
        return empty_chart(name);
    }
    double x0 = points.front().x;
    double x1 = points.back().x;
    double lo = points.front().y;
    double hi = lo;
    for (const auto& p : points) {
        x0 = std::min(x0, p.x);
        x1 = std::max(x1, p.x);
        lo = std::min(lo, p.y);
        hi = std::max(hi, p.y);
    }
    const auto [y0, y1] = y_range(lo, hi);
    // The curve starts at zero before the first close; equal times spread evenly.
    const bool spread = x1 - x0 < 1e-9;
    const auto n = static_cast<double>(points.size());
    const auto px = [&](std::size_t i, double x) {
        const double f = spread ? (static_cast<double>(i) + 1) / n : (x - x0) / (x1 - x0);
        return left + f * (width - left - right);
    };
    const auto py = [&](double y) { return top + (y1 - y) / (y1 - y0) * (height - top - bottom); };
    std::ostringstream out;
    out << open_svg(name);
    out << "<line x1=\"" << left << "\" y1=\"" << fmt(py(0)) << "\" x2=\"" << width - right << "\" y2=\"" << fmt(py(0))
        << "\" stroke=\"#9ca3af\" stroke-dasharray=\"4 3\"/>";
    if (lo < 0 && hi > 0) {
        out << "<text x=\"" << left - 6 << "\" y=\"" << fmt(py(0) + 4) << "\" text-anchor=\"end\" font-size=\"11\" "
            << "fill=\"#6b7280\">0</text>";
    }
    out << "<text x=\"" << left - 6 << "\" y=\"" << fmt(py(hi) + 4) << "\" text-anchor=\"end\" font-size=\"11\" "
        << "fill=\"#374151\">" << fmt(hi) << "</text>";
    out << "<text x=\"" << left - 6 << "\" y=\"" << fmt(py(lo) + 4) << "\" text-anchor=\"end\" font-size=\"11\" "
        << "fill=\"#374151\">" << fmt(lo) << "</text>";
    std::ostringstream path;
    path << fmt(left) << ',' << fmt(py(0));
    for (std::size_t i = 0; i < points.size(); ++i) {
        path << ' ' << fmt(px(i, points[i].x)) << ',' << fmt(py(points[i].y));
    }
    out << "<polygon points=\"" << path.str() << ' ' << fmt(px(points.size() - 1, points.back().x)) << ','
        << fmt(py(0)) << "\" fill=\"" << colour << "\" fill-opacity=\"0.12\"/>";
    out << "<polyline points=\"" << path.str() << "\" fill=\"none\" stroke=\"" << colour
        << "\" stroke-width=\"2.5\"/>";
    for (std::size_t i = 0; i < points.size(); ++i) {
        out << "<circle cx=\"" << fmt(px(i, points[i].x)) << "\" cy=\"" << fmt(py(points[i].y)) << "\" r=\"3\" fill=\""
            << colour << "\"/>";
    }
    out << "<text x=\"" << left << "\" y=\"" << height - 8 << "\" font-size=\"11\" fill=\"#6b7280\">first close</text>";
    out << "<text x=\"" << width - right << "\" y=\"" << height - 8
        << "\" text-anchor=\"end\" font-size=\"11\" fill=\"#6b7280\">last close</text></svg>";
    return out.str();
}

std::string bar_chart(const std::vector<bar>& bars) {
    if (bars.empty()) {
        return empty_chart("net PnL by day");
    }
    double lo = 0;
    double hi = 0;
    for (const auto& b : bars) {
        lo = std::min(lo, b.value);
        hi = std::max(hi, b.value);
    }
    const auto [y0, y1] = y_range(lo, hi);
    const auto py = [&](double y) { return top + (y1 - y) / (y1 - y0) * (height - top - bottom); };
    const double slot = (width - left - right) / static_cast<double>(bars.size());
    const double w = std::max(2.0, slot * 0.7);
    std::ostringstream out;
    out << open_svg("net PnL by day");
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const double x = left + slot * static_cast<double>(i) + (slot - w) / 2;
        const double a = py(std::max(bars[i].value, 0.0));
        const double b = py(std::min(bars[i].value, 0.0));
        out << "<rect x=\"" << fmt(x) << "\" y=\"" << fmt(a) << "\" width=\"" << fmt(w) << "\" height=\""
            << fmt(std::max(b - a, 1.0)) << "\" fill=\"" << (bars[i].value < 0 ? "#c0262d" : "#0f7b3f") << "\"><title>"
            << html_escape(bars[i].label) << ": " << fmt(bars[i].value) << "</title></rect>";
        if (bars.size() <= 14) {
            out << "<text x=\"" << fmt(x + w / 2) << "\" y=\"" << height - 8
                << "\" text-anchor=\"middle\" font-size=\"11\" fill=\"#6b7280\">" << html_escape(bars[i].label)
                << "</text>";
        }
    }
    out << "<line x1=\"" << left << "\" y1=\"" << fmt(py(0)) << "\" x2=\"" << width - right << "\" y2=\"" << fmt(py(0))
        << "\" stroke=\"#374151\"/>";
    out << "<text x=\"" << left - 6 << "\" y=\"" << fmt(py(hi) + 4) << "\" text-anchor=\"end\" font-size=\"11\" "
        << "fill=\"#374151\">" << fmt(hi) << "</text>";
    out << "<text x=\"" << left - 6 << "\" y=\"" << fmt(py(lo) + 4) << "\" text-anchor=\"end\" font-size=\"11\" "
        << "fill=\"#374151\">" << fmt(lo) << "</text></svg>";
    return out.str();
}

}  // namespace tradebot::report

#include "app/commands/findings.hpp"

#include <algorithm>
#include <ostream>

#include <boost/json.hpp>

namespace tradebot::app::commands {

std::string_view to_string(finding_status s) noexcept {
    switch (s) {
    case finding_status::ok:
        return "ok";
    case finding_status::skipped:
        return "skipped";
    case finding_status::warn:
        return "warn";
    case finding_status::fail:
        return "fail";
    }
    return "fail";
}

void finding_report::add(std::string area, std::string name, finding_status status, std::string detail,
                         std::string fix) {
    findings_.push_back(finding{std::move(area), std::move(name), status, std::move(detail), std::move(fix)});
}

finding_status finding_report::worst() const noexcept {
    auto w = finding_status::ok;
    for (const auto& f : findings_) {
        w = std::max(w, f.status);
    }
    return w == finding_status::skipped ? finding_status::ok : w;
}

std::size_t finding_report::count(finding_status s) const noexcept {
    return static_cast<std::size_t>(
        std::count_if(findings_.begin(), findings_.end(), [s](const finding& f) { return f.status == s; }));
}

void finding_report::to_json(boost::json::object& out) const {
    boost::json::array list;
    for (const auto& f : findings_) {
        boost::json::object o{{"area", f.area}, {"name", f.name}, {"status", to_string(f.status)}, {"detail", f.detail}};
        if (!f.fix.empty()) {
            o["fix"] = f.fix;
        }
        list.push_back(std::move(o));
    }
    out["findings"] = std::move(list);
    out["warnings"] = count(finding_status::warn);
    out["failures"] = count(finding_status::fail);
}

void finding_report::print(std::ostream& out) const {
    for (const auto& f : findings_) {
        const auto s = to_string(f.status);
        out << "  [" << s << std::string(7 - s.size(), ' ') << "] " << f.area << ' ' << f.name << ": " << f.detail
            << '\n';
        if (!f.fix.empty() && f.status != finding_status::ok) {
            out << "            fix: " << f.fix << '\n';
        }
    }
}

}  // namespace tradebot::app::commands

#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

// The report of `check` and `diagnose`: one line per thing looked at, each with a status and,
// when it is not ok, what to do about it.
namespace tradebot::app::commands {

enum class finding_status : std::uint8_t { ok, skipped, warn, fail };

[[nodiscard]] std::string_view to_string(finding_status s) noexcept;

struct finding {
    std::string area;  // config, database, binance, bybit, instance, streams, positions, orders ...
    std::string name;  // clock_skew, api_key, position_mode, ...
    finding_status status = finding_status::ok;
    std::string detail;
    std::string fix;  // empty when ok
};

class finding_report {
public:
    void add(std::string area, std::string name, finding_status status, std::string detail, std::string fix = {});
    void add(finding f) { findings_.push_back(std::move(f)); }

    [[nodiscard]] const std::vector<finding>& findings() const noexcept { return findings_; }
    [[nodiscard]] finding_status worst() const noexcept;
    [[nodiscard]] std::size_t count(finding_status s) const noexcept;

    // {"findings": [{area, name, status, detail, fix}], "ok": ..., "warnings": n, "failures": n}
    void to_json(boost::json::object& out) const;
    // "  [ok  ] area name: detail" lines, the fix indented below each one that is not ok.
    void print(std::ostream& out) const;

private:
    std::vector<finding> findings_;
};

}  // namespace tradebot::app::commands

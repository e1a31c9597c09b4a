#include "tradebot/monitoring/process_collector.hpp"

#include <unistd.h>

#include <array>
#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <system_error>

#include "monitoring/metric_family_builder.hpp"

namespace tradebot::monitoring {

namespace {

std::optional<double> to_number(std::string_view text) noexcept {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::string> read_text(const std::filesystem::path& path) {
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        return std::nullopt;
    }
    std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    if (in.bad()) {
        return std::nullopt;
    }
    return text;
}

std::optional<double> count_entries(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::directory_iterator it{dir, ec};
    if (ec) {
        return std::nullopt;
    }
    double count = 0;
    for (const std::filesystem::directory_iterator end; it != end; it.increment(ec)) {
        if (ec) {
            return std::nullopt;
        }
        ++count;
    }
    return count;
}

}  // namespace

std::optional<process_stats> parse_proc_stat(std::string_view stat, long ticks_per_second, long page_size,
                                             double boot_time_seconds) noexcept {
    const auto close = stat.rfind(')');
    if (close == std::string_view::npos || ticks_per_second <= 0 || page_size <= 0) {
        return std::nullopt;
    }
    // Fields after the command: index 0 is field 3 ("state") of proc(5).
    constexpr std::size_t utime = 11, stime = 12, starttime = 19, vsize = 20, rss = 21;
    std::array<std::string_view, rss + 1> fields{};
    std::size_t index = 0;
    std::size_t pos = close + 1;
    while (index < fields.size()) {
        pos = stat.find_first_not_of(" \n", pos);
        if (pos == std::string_view::npos) {
            return std::nullopt;
        }
        const auto end = std::min(stat.find_first_of(" \n", pos), stat.size());
        fields[index++] = stat.substr(pos, end - pos);
        pos = end;
    }
    const auto user = to_number(fields[utime]);
    const auto system = to_number(fields[stime]);
    const auto start = to_number(fields[starttime]);
    const auto virt = to_number(fields[vsize]);
    const auto resident = to_number(fields[rss]);
    if (!user || !system || !start || !virt || !resident) {
        return std::nullopt;
    }
    const auto ticks = static_cast<double>(ticks_per_second);
    return process_stats{.cpu_seconds = (*user + *system) / ticks,
                         .resident_bytes = *resident * static_cast<double>(page_size),
                         .virtual_bytes = *virt,
                         .start_time_seconds = boot_time_seconds + *start / ticks};
}

std::optional<double> parse_boot_time(std::string_view proc_stat) noexcept {
    constexpr std::string_view key = "btime ";
    std::size_t pos = 0;
    while (pos < proc_stat.size()) {
        const auto end = std::min(proc_stat.find('\n', pos), proc_stat.size());
        const auto line = proc_stat.substr(pos, end - pos);
        if (line.starts_with(key)) {
            return to_number(line.substr(key.size()));
        }
        pos = end + 1;
    }
    return std::nullopt;
}

std::optional<double> parse_max_fds(std::string_view proc_limits) noexcept {
    constexpr std::string_view key = "Max open files";
    const auto pos = proc_limits.find(key);
    if (pos == std::string_view::npos) {
        return std::nullopt;
    }
    auto rest = proc_limits.substr(pos + key.size());
    const auto begin = rest.find_first_not_of(' ');
    if (begin == std::string_view::npos) {
        return std::nullopt;
    }
    rest = rest.substr(begin);
    return to_number(rest.substr(0, rest.find(' ')));
}

process_collector::process_collector(std::filesystem::path proc_root)
    : proc_root_{std::move(proc_root)}, ticks_per_second_{sysconf(_SC_CLK_TCK)}, page_size_{sysconf(_SC_PAGESIZE)} {}

std::vector<prometheus::MetricFamily> process_collector::Collect() const {
    std::vector<prometheus::MetricFamily> out;
    const auto self = proc_root_ / "self";
    const auto stat = read_text(self / "stat");
    const auto system_stat = read_text(proc_root_ / "stat");
    const auto boot = system_stat ? parse_boot_time(*system_stat) : std::nullopt;
    if (stat && boot) {
        if (const auto s = parse_proc_stat(*stat, ticks_per_second_, page_size_, *boot)) {
            out.push_back(counter_family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                                         s->cpu_seconds));
            out.push_back(gauge_family("process_resident_memory_bytes", "Resident memory size in bytes.",
                                       s->resident_bytes));
            out.push_back(gauge_family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                                       s->virtual_bytes));
            out.push_back(gauge_family("process_start_time_seconds",
                                       "Start time of the process since unix epoch in seconds.",
                                       s->start_time_seconds));
        }
    }
    if (const auto open = count_entries(self / "fd")) {
        out.push_back(gauge_family("process_open_fds", "Number of open file descriptors.", *open));
    }
    if (const auto limits = read_text(self / "limits")) {
        if (const auto max = parse_max_fds(*limits)) {
            out.push_back(gauge_family("process_max_fds", "Maximum number of open file descriptors.", *max));
        }
    }
    return out;
}

}  // namespace tradebot::monitoring

#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace tradebot::monitoring {

struct process_stats {
    double cpu_seconds = 0;         // user + system
    double resident_bytes = 0;
    double virtual_bytes = 0;
    double start_time_seconds = 0;  // since the Unix epoch
};

// Parses the text of /proc/<pid>/stat. The command name may hold spaces and parentheses, so the
// fields are counted from its last ')'. Clock ticks and page size come from sysconf.
[[nodiscard]] std::optional<process_stats> parse_proc_stat(std::string_view stat, long ticks_per_second,
                                                           long page_size, double boot_time_seconds) noexcept;
// The "btime" line of /proc/stat: boot time in seconds since the epoch.
[[nodiscard]] std::optional<double> parse_boot_time(std::string_view proc_stat) noexcept;
// The soft "Max open files" limit from /proc/<pid>/limits ("unlimited" -> nullopt).
[[nodiscard]] std::optional<double> parse_max_fds(std::string_view proc_limits) noexcept;

// The standard process_* metrics (prometheus-cpp core has no process collector), read from /proc
// at scrape time: process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_start_time_seconds, process_open_fds, process_max_fds.
// A file that cannot be read leaves its metrics out of the scrape rather than failing it.
class process_collector final : public prometheus::Collectable {
public:
    // proc_root is /proc; tests point it at a fake tree holding self/stat, self/limits, self/fd/, stat.
    explicit process_collector(std::filesystem::path proc_root = "/proc");

    [[nodiscard]] std::vector<prometheus::MetricFamily> Collect() const override;

private:
    std::filesystem::path proc_root_;
    long ticks_per_second_;
    long page_size_;
};

}  // namespace tradebot::monitoring

#include "tradebot/monitoring/process_collector.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "tradebot_test/env.hpp"

namespace tradebot::monitoring {
namespace {

// Fields 1..24 of proc(5) with a command name that contains spaces and parentheses.
constexpr std::string_view stat_line =
    "4242 (trade bot) (x)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 "
    "250 150 0 0 20 0 3 0 12345 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

std::map<std::string, double> values_of(const std::vector<prometheus::MetricFamily>& families) {
    std::map<std::string, double> out;
    for (const auto& f : families) {
        EXPECT_EQ(f.metric.size(), 1U) << f.name;
        EXPECT_FALSE(f.help.empty()) << f.name;
        const auto& m = f.metric.front();
        out[f.name] = f.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
    }
    return out;
}

TEST(parse_proc_stat_test, reads_cpu_memory_and_start_time) {
    const auto stats = parse_proc_stat(stat_line, 100, 4096, 1'700'000'000);
    ASSERT_TRUE(stats);
    EXPECT_DOUBLE_EQ(stats->cpu_seconds, 4.0);               // (250 + 150) / 100
    EXPECT_DOUBLE_EQ(stats->resident_bytes, 2560.0 * 4096);  // rss pages * page size
    EXPECT_DOUBLE_EQ(stats->virtual_bytes, 104857600.0);
    EXPECT_DOUBLE_EQ(stats->start_time_seconds, 1'700'000'000 + 123.45);
}

TEST(parse_proc_stat_test, rejects_truncated_or_garbled_text) {
    EXPECT_FALSE(parse_proc_stat("", 100, 4096, 0));
    EXPECT_FALSE(parse_proc_stat("4242 (tradebot) S 1 2 3", 100, 4096, 0));
    EXPECT_FALSE(parse_proc_stat("4242 tradebot S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22", 100, 4096, 0));
    std::string bad{stat_line};
    bad.replace(bad.find("250"), 3, "2x0");
    EXPECT_FALSE(parse_proc_stat(bad, 100, 4096, 0));
    EXPECT_FALSE(parse_proc_stat(stat_line, 0, 4096, 0));
}

TEST(parse_boot_time_test, finds_the_btime_line) {
    EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1764144000\nprocesses 9\n"), 1764144000.0);
    EXPECT_FALSE(parse_boot_time("cpu  1 2 3\n"));
    EXPECT_FALSE(parse_boot_time("btime soon\n"));
}

TEST(parse_max_fds_test, reads_the_soft_limit) {
    constexpr std::string_view limits =
        "Limit                     Soft Limit           Hard Limit           Units     \n"
        "Max processes             63704                63704                processes \n"
        "Max open files            1024                 524288               files     \n";
    EXPECT_EQ(parse_max_fds(limits), 1024.0);
    EXPECT_FALSE(parse_max_fds("Max open files            unlimited            unlimited            files\n"));
    EXPECT_FALSE(parse_max_fds("Max processes 5\n"));
}

TEST(process_collector_test, reads_a_proc_tree) {
    const test::temp_dir root;
    test::write_file(root.path() / "self" / "stat", std::string{stat_line});
    test::write_file(root.path() / "stat", "cpu 1\nbtime 1700000000\n");
    test::write_file(root.path() / "self" / "limits", "Max open files            4096                 4096                 files\n");
    for (const char* fd : {"0", "1", "2"}) {
        test::write_file(root.path() / "self" / "fd" / fd, "");
    }
    const auto values = values_of(process_collector{root.path()}.Collect());
    ASSERT_EQ(values.size(), 6U);
    EXPECT_DOUBLE_EQ(values.at("process_cpu_seconds_total"),
                     400.0 / static_cast<double>(sysconf(_SC_CLK_TCK)));
    EXPECT_DOUBLE_EQ(values.at("process_resident_memory_bytes"),
                     2560.0 * static_cast<double>(sysconf(_SC_PAGESIZE)));
    EXPECT_DOUBLE_EQ(values.at("process_virtual_memory_bytes"), 104857600.0);
    EXPECT_DOUBLE_EQ(values.at("process_open_fds"), 3.0);
    EXPECT_DOUBLE_EQ(values.at("process_max_fds"), 4096.0);
    EXPECT_GT(values.at("process_start_time_seconds"), 1'700'000'000.0);
}

TEST(process_collector_test, leaves_out_what_it_cannot_read) {
    const test::temp_dir root;
    test::write_file(root.path() / "self" / "limits", "Max open files            64                   64                   files\n");
    const auto values = values_of(process_collector{root.path()}.Collect());
    EXPECT_EQ(values.size(), 1U);
    EXPECT_TRUE(values.contains("process_max_fds"));
    EXPECT_TRUE(process_collector{root.path() / "missing"}.Collect().empty());
}

TEST(process_collector_test, reads_this_process) {
    const auto values = values_of(process_collector{}.Collect());
    ASSERT_EQ(values.size(), 6U);
    EXPECT_GT(values.at("process_resident_memory_bytes"), 1024.0 * 1024);
    EXPECT_GE(values.at("process_open_fds"), 3.0);
    EXPECT_GT(values.at("process_start_time_seconds"), 1'600'000'000.0);
    EXPECT_GE(values.at("process_cpu_seconds_total"), 0.0);
}

}  // namespace
}  // namespace tradebot::monitoring

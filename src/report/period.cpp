#include <charconv>
#include <chrono>

#include "tradebot/report/performance.hpp"

namespace tradebot::report {

namespace {

bool number(std::string_view text, std::size_t at, std::size_t len, int& out) {
    if (at + len > text.size()) {
        return false;
    }
    const auto* first = text.data() + at;
    const auto [end, ec] = std::from_chars(first, first + len, out);
    return ec == std::errc{} && end == first + len;
}

}  // namespace

std::optional<time_point> parse_bound(std::string_view text, bool end_of_day) {
    int y = 0;
    int m = 0;
    int d = 0;
    if (text.size() < 10 || text[4] != '-' || text[7] != '-' || !number(text, 0, 4, y) || !number(text, 5, 2, m) ||
        !number(text, 8, 2, d)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    const time_point midnight{std::chrono::sys_days{ymd}.time_since_epoch()};
    if (text.size() == 10) {
        return end_of_day ? midnight + std::chrono::days{1} : midnight;
    }
    int hh = 0;
    int mm = 0;
    int ss = 0;
    if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z' ||
        !number(text, 11, 2, hh) || !number(text, 14, 2, mm) || !number(text, 17, 2, ss) || hh > 23 || mm > 59 ||
        ss > 59) {
        return std::nullopt;
    }
    return midnight + std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

}  // namespace tradebot::report

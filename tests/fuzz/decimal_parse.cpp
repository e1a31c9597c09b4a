// core::decimal::parse: every price and quantity from a venue, the config and the signals table
// passes through it. Properties: a text it accepts prints back to a text that parses to the same
// value and scale; the short-text fast path agrees with the general loop (the same digits behind
// 19 leading zeros take the general one); format_to writes what to_string returns; normalized()
// keeps the value.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "tradebot/core/decimal.hpp"

namespace {

using tradebot::core::decimal;
namespace fuzz = tradebot::fuzz;

// "+1.5" -> "+00000000000000000001.5": longer than the fast path takes, same value.
std::string behind_zeros(std::string_view text) {
    std::string out;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        out.push_back(text.front());
        text.remove_prefix(1);
    }
    out.append(19, '0');
    out.append(text);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::as_text(data, size);
    const auto parsed = decimal::parse(text);
    if (!parsed) {
        return 0;
    }
    const auto printed = parsed->to_string();
    char buffer[32];
    const auto len = parsed->format_to(buffer);
    fuzz::same(printed, std::string{buffer, len}, "format_to differs from to_string");
    const auto again = decimal::parse(printed);
    fuzz::check(again.has_value(), "to_string printed a text parse refuses");
    fuzz::same(printed, again->to_string(), "the printed text parses to another decimal");
    fuzz::check(*again == *parsed, "round trip changed the value");
    fuzz::check(parsed->normalized() == *parsed, "normalized() changed the value");
    {
        const auto general = decimal::parse(behind_zeros(text));
        fuzz::check(general.has_value(), "the general loop refuses what the fast path took");
        fuzz::same(printed, general->to_string(), "fast path and general loop disagree");
    }
    return 0;
}

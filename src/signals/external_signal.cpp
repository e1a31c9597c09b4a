#include "tradebot/signals/external_signal.hpp"

#include <string>
#include <string_view>

#include "signals/producer_fields.hpp"

namespace tradebot::signals {
namespace {

using detail::trim;

validation check_external(const raw_signal& raw) {
    signal out;
    const auto source = trim(raw.source);
    if (source.empty())
        return reject{reject_reason::bad_source, "source is empty"};
    out.source = std::string{source};
    const auto id = raw.external_id ? trim(*raw.external_id) : std::string_view{};
    if (id.empty())
        return reject{reject_reason::missing_external_id, "external_id is missing"};
    out.external_id = std::string{id};
    if (auto r = detail::check_producer_fields(raw, out))
        return *r;
    return out;
}

}  // namespace

validation validate_external(const raw_signal& raw) noexcept {
    // As validate(): only allocation can throw past check_external(), and a row is small.
    return check_external(raw);
}

}  // namespace tradebot::signals

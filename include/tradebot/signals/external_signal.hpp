#pragma once

#include "tradebot/signals/signal.hpp"

namespace tradebot::signals {

// Checks a row read from an external scoring table (docs/CONFIG.md "signals.external") before it
// is copied into the signals table: the external id must be there, since it is what makes a
// re-read row a duplicate, and the producer's fields pass the same checks as validate(). The
// row's id and received_at are ignored (it has neither until it is inserted); wave_time is not
// part of the contract. A copied row is thus one the processor accepts, and a bad one is
// reported once at the adapter instead of filling the table with rejects. Never throws.
[[nodiscard]] validation validate_external(const raw_signal& raw) noexcept;

}  // namespace tradebot::signals

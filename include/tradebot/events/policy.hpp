#pragma once

namespace tradebot::events::policy {

// Every value reaches every subscriber, in publish order. The per-subscriber queue is unbounded on
// purpose: order, position and balance updates must never be dropped, and a backlog shows up in
// tradebot_events_queue_depth long before memory does.
struct fifo {};

// Latest value wins: per subscriber, one pending slot per key (the result of `key(value)`, which
// must be hashable and equality-comparable). A slow subscriber holds at most one value per key and
// receives only the newest one it has not seen yet; replaced values count in
// tradebot_events_coalesced_total. For prices, where only the current value matters.
template <class KeyFn>
struct coalesce_by_key {
    KeyFn key;
};
template <class KeyFn>
coalesce_by_key(KeyFn) -> coalesce_by_key<KeyFn>;

}  // namespace tradebot::events::policy

#pragma once

#include <vector>

#include "tradebot/sim/engine/types.hpp"

// Scans shared by the id-keyed books (plain orders, conditionals): std::map iterates in id
// order, which is time priority.
namespace tradebot::sim::engine {

// The ids of the entries that `keep` accepts, oldest first.
template <class Book, class Keep>
[[nodiscard]] std::vector<order_id> ids_where(const Book& book, Keep keep) {
    std::vector<order_id> ids;
    for (const auto& [id, entry] : book) {
        if (keep(entry)) {
            ids.push_back(id);
        }
    }
    return ids;
}

// Closes (with `close`) the entries that `keep` accepts, oldest first; returns them as closed.
template <class Book, class Keep, class Close>
std::vector<typename Book::mapped_type> close_where(Book& book, Keep keep, Close close) {
    std::vector<typename Book::mapped_type> closed;
    for (auto& [id, entry] : book) {
        if (keep(entry)) {
            close(entry);
            closed.push_back(entry);
        }
    }
    return closed;
}

}  // namespace tradebot::sim::engine

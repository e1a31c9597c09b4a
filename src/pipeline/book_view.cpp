#include "tradebot/pipeline/book_view.hpp"

namespace tradebot::pipeline {

void append_exposures(core::exchange_id id, const trading::position_manager& m, core::decimal opening_size,
                      std::vector<trading::position_exposure>& out) {
    for (const auto& [symbol, pos] : m.live()) {
        out.push_back({id, symbol, pos.quantity * pos.entry_price});
    }
    for (const auto& symbol : m.opening()) {
        out.push_back({id, symbol, opening_size});
    }
}

void append_open_keys(core::exchange_id id, const trading::position_manager& m, signals::key_set& out) {
    for (const auto& [symbol, pos] : m.live()) {
        out.insert(out.end(), {id, symbol});  // ascending within a venue: the hint makes it an append
    }
    for (const auto& symbol : m.opening()) {
        out.insert({id, symbol});
    }
}

}  // namespace tradebot::pipeline

#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>

#include "tradebot/exchange/venue_client.hpp"
#include "tradebot/trading/operator_checks.hpp"
#include "tradebot/trading/position_book.hpp"

namespace spdlog {
class logger;
}

namespace tradebot::trading {

class position_closer;
class reconciler;
class stop_loss_manager;
class task_group;

// The operator's commands on one venue (tradebot close, protect, orders zombies/duplicates),
// carried out on the trading strand like any other component's work, so that an operator and
// the daemon never act on the same position at once (rule 4: a busy position is waited for).
// Each destructive step follows the same rules as the automatic ones: venue reads decide, a
// failed read destroys nothing, and a live position's stop is never a candidate for cancelling.
class operator_desk {
public:
    operator_desk(exchange::venue_client& venue, position_book& book, position_closer& closer,
                  stop_loss_manager& stops, reconciler& reconcile, task_group& tasks,
                  std::shared_ptr<spdlog::logger> log);

    // The emergency close of one symbol: our open orders on it are cancelled, the position is
    // closed at market reduce-only (recorded with reason manual_close), the venue is read again
    // to confirm it is flat, and stops of ours still listed on the symbol are cancelled.
    boost::asio::awaitable<close_report> close(core::symbol symbol);
    // A reconcile pass (which gives every live position exactly one stop), then the venue's stops
    // read again: one entry per live position.
    boost::asio::awaitable<std::vector<protect_report>> protect();
    // Zombie orders and stops; with `clean`, those two reads a second apart both show are cancelled.
    boost::asio::awaitable<stray_report> zombies(bool clean);
    // Duplicate stops of live positions; with `cancel`, each is cancelled (the kept one never).
    boost::asio::awaitable<stray_report> duplicates(bool cancel);

    [[nodiscard]] bool idle() const noexcept { return in_flight_ == 0; }

private:
    // Counts a command in flight: the manager may not be destroyed under it.
    struct in_flight {
        explicit in_flight(int& n) : n_{n} { ++n_; }
        ~in_flight() { --n_; }
        in_flight(const in_flight&) = delete;
        in_flight& operator=(const in_flight&) = delete;
        int& n_;
    };
    boost::asio::awaitable<std::optional<stray_report>> read_zombies();

    exchange::venue_client& venue_;
    position_book& book_;
    position_closer& closer_;
    stop_loss_manager& stops_;
    reconciler& reconciler_;
    task_group& tasks_;
    std::shared_ptr<spdlog::logger> log_;
    int in_flight_ = 0;
};

}  // namespace tradebot::trading

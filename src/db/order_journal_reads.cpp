#include <string>
#include <utility>

#include "db/order_rows.hpp"
#include "tradebot/db/order_journal.hpp"
#include "tradebot/db/transaction.hpp"

namespace tradebot::db {

namespace {

std::vector<order_record> read_all(const pqxx::result& rows) {
    std::vector<order_record> out;
    out.reserve(rows.size());
    for (const auto& row : rows) {
        out.push_back(detail::read_order(row));
    }
    return out;
}

}  // namespace

boost::asio::awaitable<result<int>> order_journal::next_attempt(std::int64_t position_id,
                                                                core::order_purpose purpose) {
    auto job = [position_id, purpose](pqxx::work& tx) {
        const auto r = tx.exec_params(
            "SELECT coalesce(max(attempt) + 1, 0) FROM orders WHERE position_id = $1 AND purpose = $2", position_id,
            std::string{core::to_string(purpose)});
        return r[0][0].as<int>();
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::optional<order_record>>> order_journal::find_by_client_id(
    std::string client_order_id) {
    auto job = [cid = std::move(client_order_id)](pqxx::work& tx) -> std::optional<order_record> {
        const auto r = tx.exec_params(detail::order_select() + "WHERE client_order_id = $1", cid);
        if (r.empty()) {
            return std::nullopt;
        }
        return detail::read_order(r[0]);
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::vector<order_record>>> order_journal::open_for_position(std::int64_t position_id) {
    auto job = [position_id](pqxx::work& tx) {
        return read_all(tx.exec_params(detail::order_select() +
                                           "WHERE position_id = $1 AND status IN ('pending', 'sent', 'unknown', "
                                           "'new', 'partially_filled') ORDER BY id",
                                       position_id));
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::vector<order_record>>> order_journal::unresolved(core::mode mode) {
    auto job = [mode_text = std::string{core::to_string(mode)}](pqxx::work& tx) {
        return read_all(tx.exec_params(
            detail::order_select() + "WHERE mode = $1 AND status IN ('pending', 'sent', 'unknown') ORDER BY id",
            mode_text));
    };
    co_return co_await transact(db_, std::move(job));
}

boost::asio::awaitable<result<std::vector<order_record>>> order_journal::for_position(std::int64_t position_id) {
    auto job = [position_id](pqxx::work& tx) {
        return read_all(tx.exec_params(detail::order_select() + "WHERE position_id = $1 ORDER BY id", position_id));
    };
    co_return co_await transact(db_, std::move(job));
}

}  // namespace tradebot::db

#include <string>
#include <string_view>

#include <pqxx/pqxx>

#include "tradebot/db/database.hpp"

namespace tradebot::db::detail {
namespace {

std::string trimmed(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return std::string{text};
}

errc from_sqlstate(std::string_view state) noexcept {
    if (state == "40001") {
        return errc::serialization_failure;
    }
    if (state == "40P01") {
        return errc::deadlock_detected;
    }
    if (state == "TBL01") {
        return errc::lease_lost;  // raised by lease_fence() (migration 0003)
    }
    if (state == "23505") {
        return errc::unique_violation;
    }
    if (state.starts_with("23")) {
        return errc::constraint_violation;
    }
    // Class 08 is connection exceptions; 57P01..57P03 are admin shutdown / crash / cannot connect now.
    if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
        return errc::connection_lost;
    }
    return errc::query_failed;
}

}  // namespace

error current_exception_to_error() {
    try {
        throw;
    } catch (const pqxx::broken_connection& e) {
        return {errc::connection_lost, trimmed(e.what())};
    } catch (const pqxx::in_doubt_error& e) {
        return {errc::in_doubt, trimmed(e.what())};
    } catch (const pqxx::statement_completion_unknown& e) {
        return {errc::in_doubt, trimmed(e.what())};
    } catch (const pqxx::serialization_failure& e) {
        return {errc::serialization_failure, trimmed(e.what()), "40001"};
    } catch (const pqxx::deadlock_detected& e) {
        return {errc::deadlock_detected, trimmed(e.what()), "40P01"};
    } catch (const pqxx::transaction_rollback& e) {
        return {errc::serialization_failure, trimmed(e.what()), "40000"};
    } catch (const pqxx::sql_error& e) {
        return {from_sqlstate(e.sqlstate()), trimmed(e.what()), e.sqlstate()};
    } catch (const pqxx::conversion_error& e) {
        return {errc::bad_result, trimmed(e.what())};
    } catch (const pqxx::range_error& e) {
        return {errc::bad_result, trimmed(e.what())};
    } catch (const pqxx::usage_error& e) {
        return {errc::internal, trimmed(e.what())};
    } catch (const std::exception& e) {
        return {errc::internal, trimmed(e.what())};
    } catch (...) {
        return {errc::internal, "unknown exception"};
    }
}

}  // namespace tradebot::db::detail

#include "tradebot/db/errc.hpp"

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

namespace tradebot::db {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class db_category final : public boost::system::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "tradebot.db"; }
    [[nodiscard]] std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::connect_failed: return "cannot connect to the database";
            case errc::connection_lost: return "database connection lost";
            case errc::in_doubt: return "transaction outcome unknown";
            case errc::query_failed: return "query failed";
            case errc::serialization_failure: return "serialization failure";
            case errc::deadlock_detected: return "deadlock detected";
            case errc::unique_violation: return "unique constraint violated";
            case errc::constraint_violation: return "constraint violated";
            case errc::stale_version: return "stale row version";
            case errc::bad_result: return "unexpected query result";
            case errc::migration_checksum_mismatch: return "applied migration differs from this build";
            case errc::migration_unknown_version: return "database has a migration unknown to this build";
            case errc::invalid_argument: return "invalid argument";
            case errc::shutting_down: return "database worker stopped";
            case errc::internal: return "internal error in database operation";
            case errc::already_live: return "the symbol already has a live position";
            case errc::signal_taken: return "the signal was decided or claimed by another";
            case errc::lease_lost: return "the instance lease was lost (fenced write)";
        }
        return "unknown database error";
    }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
    static const db_category instance;
    return instance;
}

std::string error::describe() const {
    std::string out = code.message();
    if (!message.empty()) {
        out += ": ";
        out += message;
    }
    if (!sqlstate.empty()) {
        out += " [";
        out += sqlstate;
        out += ']';
    }
    return out;
}

std::ostream& operator<<(std::ostream& os, const error& e) { return os << e.describe(); }

void throw_exception_from_error(const error& e, const boost::source_location& loc) {
    boost::throw_exception(boost::system::system_error(e.code, e.message), loc);
}

}  // namespace tradebot::db

#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tradebot/db/errc.hpp"

namespace pqxx {
class connection_base;
}

namespace tradebot::db {

// One versioned schema change: src/db/migrations/NNNN_name.sql, embedded at build time.
// The SQL uses unqualified names; it runs with search_path set to the target schema.
struct migration {
    int version = 0;
    std::string_view name;
    std::string_view sql;
};

struct applied_migration {
    int version = 0;
    std::string name;
    friend bool operator==(const applied_migration&, const applied_migration&) = default;
};

// The migrations compiled into this binary, ordered by version.
[[nodiscard]] std::span<const migration> embedded_migrations() noexcept;

// SHA-256 of the SQL text as 64 lower-case hex digits; stored in schema_migrations.checksum.
[[nodiscard]] std::string migration_checksum(std::string_view sql);

// Brings `schema` up to date on `conn` (blocking: call it on the DB thread, e.g. through
// database::migrate). Holds a session advisory lock per schema for the whole run, so concurrent
// callers apply each migration once; each migration runs in its own transaction together with
// its schema_migrations row. Fails without applying anything when an applied migration's
// checksum differs from `set` or the database knows a version that `set` does not.
// Returns the migrations applied by this call (empty when already up to date).
[[nodiscard]] result<std::vector<applied_migration>> apply_migrations(pqxx::connection_base& conn,
                                                                      std::string_view schema,
                                                                      std::span<const migration> set);

}  // namespace tradebot::db

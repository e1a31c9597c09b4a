#include "tradebot/db/migrations.hpp"

#include <map>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <pqxx/pqxx>

#include "tradebot/db/connection_url.hpp"
#include "tradebot/db/database.hpp"

namespace tradebot::db {
namespace {

// Session-level advisory lock, released on every exit path; if the connection dies the server
// releases it anyway.
class advisory_lock {
public:
    advisory_lock(pqxx::connection_base& conn, std::string key) : conn_{conn}, key_{std::move(key)} {
        pqxx::nontransaction tx{conn_};
        tx.exec_params("SELECT pg_advisory_lock(hashtext($1))", key_);
    }
    ~advisory_lock() {
        try {
            pqxx::nontransaction tx{conn_};
            tx.exec_params("SELECT pg_advisory_unlock(hashtext($1))", key_);
        } catch (...) {  // NOLINT(bugprone-empty-catch): a broken connection has already dropped the lock
        }
    }
    advisory_lock(const advisory_lock&) = delete;
    advisory_lock& operator=(const advisory_lock&) = delete;

private:
    pqxx::connection_base& conn_;
    std::string key_;
};

std::string label(int version, std::string_view name) { return fmt::format("{:04}_{}", version, name); }

result<std::vector<applied_migration>> apply_locked(pqxx::connection_base& conn, std::string_view schema,
                                                    std::span<const migration> set) {
    const std::string quoted = fmt::format("\"{}\"", schema);
    advisory_lock lock{conn, fmt::format("tradebot.migrate.{}", schema)};
    {
        pqxx::work tx{conn};
        tx.exec("CREATE SCHEMA IF NOT EXISTS " + quoted);
        tx.exec("CREATE TABLE IF NOT EXISTS " + quoted +
                ".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, "
                "applied_at timestamptz NOT NULL DEFAULT now())");
        tx.commit();
    }

    std::map<int, std::pair<std::string, std::string>> applied;  // version -> (name, checksum)
    {
        pqxx::nontransaction tx{conn};
        for (const auto& row : tx.exec("SELECT version, name, checksum FROM " + quoted + ".schema_migrations")) {
            applied.emplace(row[0].as<int>(), std::pair{row[1].as<std::string>(), row[2].as<std::string>()});
        }
    }

    std::map<int, const migration*> known;
    for (const auto& m : set) {
        known.emplace(m.version, &m);
    }
    for (const auto& [version, row] : applied) {
        const auto it = known.find(version);
        if (it == known.end()) {
            return error{errc::migration_unknown_version,
                         fmt::format("schema {} has migration {} which this build does not know", schema,
                                     label(version, row.first))};
        }
        const std::string expected = migration_checksum(it->second->sql);
        if (row.second != expected) {
            return error{errc::migration_checksum_mismatch,
                         fmt::format("migration {} in schema {} was applied with checksum {}, this build has {}",
                                     label(version, it->second->name), schema, row.second, expected)};
        }
    }

    std::vector<applied_migration> done;
    for (const auto& m : set) {
        if (applied.contains(m.version)) {
            continue;
        }
        try {
            pqxx::work tx{conn};
            tx.exec("SET LOCAL search_path TO " + quoted);
            // database.statement_timeout_ms bounds the bot's queries, not a schema change on a big table.
            tx.exec("SET LOCAL statement_timeout = 0");
            tx.exec(std::string{m.sql});
            tx.exec_params("INSERT INTO " + quoted + ".schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                           m.version, std::string{m.name}, migration_checksum(m.sql));
            tx.commit();
        } catch (...) {
            error e = detail::current_exception_to_error();
            e.message = fmt::format("migration {}: {}", label(m.version, m.name), e.message);
            return e;
        }
        done.push_back({m.version, std::string{m.name}});
    }
    return done;
}

}  // namespace

std::string migration_checksum(std::string_view sql) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(sql.data(), sql.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    std::string hex;
    hex.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        hex += fmt::format("{:02x}", digest[i]);
    }
    return hex;
}

result<std::vector<applied_migration>> apply_migrations(pqxx::connection_base& conn, std::string_view schema,
                                                        std::span<const migration> set) {
    if (!is_valid_identifier(schema)) {
        return error{errc::invalid_argument, fmt::format("invalid schema name '{}'", schema)};
    }
    for (std::size_t i = 0; i < set.size(); ++i) {
        if (set[i].version <= 0 || (i > 0 && set[i].version <= set[i - 1].version)) {
            return error{errc::invalid_argument, "migrations must have positive, strictly increasing versions"};
        }
    }
    try {
        return apply_locked(conn, schema, set);
    } catch (...) {
        return detail::current_exception_to_error();
    }
}

}  // namespace tradebot::db

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tradebot::db {

// The pieces of a PostgreSQL connection as they appear in the config; str() builds the libpq
// URL (postgresql://user:password@host:port/dbname?k=v) with every part percent-encoded.
struct connection_url {
    std::string host = "127.0.0.1";  // a name, an IP (v6 is bracketed) or a socket directory ("/run/...")
    std::uint16_t port = 5432;
    std::string dbname = "fox_crypto";
    std::string user;
    std::string password;
    // Extra libpq parameters: sslmode, application_name, connect_timeout, ...
    std::vector<std::pair<std::string, std::string>> params;

    [[nodiscard]] std::string str() const;
    // The same URL with the password replaced by "***"; safe to log.
    [[nodiscard]] std::string redacted() const;
};

// Hides the password in any libpq connection string: the URL form (user:secret@host and
// ?password=secret) and the keyword form (password=secret, password='a b'). Everything else is
// kept so that the log still says where the bot tried to connect.
[[nodiscard]] std::string redact(std::string_view conninfo);

// Adds `key=value` to a libpq connection string (either form) unless `key` is already set there.
[[nodiscard]] std::string with_default_param(std::string_view conninfo, std::string_view key, std::string_view value);

// True for the URL form (postgres:// or postgresql://).
[[nodiscard]] bool is_url(std::string_view conninfo) noexcept;

// Schema and channel names are spliced into SQL as identifiers, so only [a-z_][a-z0-9_]{0,47} passes.
[[nodiscard]] bool is_valid_identifier(std::string_view name) noexcept;

// The NOTIFY channel the signals insert trigger uses for a schema: "<schema>_signals"
// (trading_bot_signals for the default schema).
[[nodiscard]] std::string signals_channel(std::string_view schema);

}  // namespace tradebot::db

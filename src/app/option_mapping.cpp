#include "app/option_mapping.hpp"

#include "tradebot/db/connection_url.hpp"

namespace tradebot::app {

logging::options logging_options(const config::settings& s) {
    logging::options o;
    o.level = std::string{config::to_string(s.logging.level)};
    o.fmt = s.logging.format == config::log_format::json ? logging::options::format::json
                                                          : logging::options::format::kv;
    for (const auto& [module, level] : s.logging.modules) {
        o.module_levels.emplace(module, std::string{config::to_string(level)});
    }
    o.file = s.logging.file.string();
    o.max_file_bytes = static_cast<std::size_t>(s.logging.rotation_size_bytes);
    o.max_files = static_cast<std::size_t>(s.logging.rotation_count);
    o.queue_size = static_cast<std::size_t>(s.logging.async_queue_size);
    o.console = s.logging.console;
    return o;
}

std::string database_url(const config::settings& s) {
    if (!s.database.url.empty()) {
        return s.database.url;
    }
    db::connection_url url;
    url.host = s.database.host;
    url.port = static_cast<std::uint16_t>(s.database.port);
    url.dbname = s.database.name;
    url.user = s.database.user;
    url.password = s.database.password;
    return url.str();
}

db::database_options database_options(const config::settings& s, std::string application_name) {
    db::database_options o;
    o.application_name = std::move(application_name);
    o.url = database_url(s);
    o.schema = s.database.schema;
    o.reconnect_min = s.database.reconnect_backoff_min_ms;
    o.reconnect_max = s.database.reconnect_backoff_max_ms;
    o.connect_timeout = s.database.connect_timeout_seconds;
    o.statement_timeout = s.database.statement_timeout_ms;
    return o;
}

db::database_options external_database_options(const config::settings& s) {
    auto o = database_options(s, "tradebot-external");
    if (!s.signals.external.database_url.empty()) {
        o.url = s.signals.external.database_url;
    }
    return o;
}

db::listener_options listener_options(const config::settings& s) {
    db::listener_options o;
    o.url = database_url(s);
    // The insert trigger of the signals table notifies the channel named after the schema.
    o.channels = {db::signals_channel(s.database.schema)};
    o.reconnect_min = s.database.reconnect_backoff_min_ms;
    o.reconnect_max = s.database.reconnect_backoff_max_ms;
    o.connect_timeout = s.database.connect_timeout_seconds;
    return o;
}

exchange::rate_limits_config rate_limits(core::exchange_id venue, const config::exchange_settings& s) {
    auto limits = venue == core::exchange_id::binance
                      ? exchange::binance_limits(s.endpoint == config::endpoint_kind::testnet)
                      : exchange::bybit_limits();
    if (s.requests_per_second > 0) {
        limits.per_request.push_back({"client_1s", s.requests_per_second, std::chrono::seconds{1}, s.requests_burst});
    }
    if (s.requests_per_minute > 0) {
        limits.per_request.push_back({"client_1m", s.requests_per_minute, std::chrono::minutes{1}});
    }
    return limits;
}

monitoring::server_options server_options(const config::settings& s, std::string version) {
    monitoring::server_options o;
    o.http.address = s.http.bind;
    o.http.port = static_cast<std::uint16_t>(s.http.port);
    o.http.body_limit = static_cast<std::size_t>(s.http.max_body_bytes);
    o.http.read_timeout = s.http.request_timeout_ms;
    o.http.header_timeout = s.http.header_timeout_ms;
    o.http.write_timeout = s.http.request_timeout_ms;
    o.http.max_connections = static_cast<std::size_t>(s.http.max_connections);
    o.http.max_connections_per_client = static_cast<std::size_t>(s.http.max_connections_per_client);
    o.version = std::move(version);
    o.mode = s.app.mode;
    return o;
}

}  // namespace tradebot::app

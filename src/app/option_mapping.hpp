#pragma once

#include "tradebot/config/settings.hpp"
#include "tradebot/db/database.hpp"
#include "tradebot/db/listener.hpp"
#include "tradebot/exchange/rate_limiter_core.hpp"
#include "tradebot/logging/options.hpp"
#include "tradebot/monitoring/server.hpp"

// The only place that turns config::settings into the option structs of the modules, so that
// no module below app depends on the config module.
namespace tradebot::app {

[[nodiscard]] logging::options logging_options(const config::settings& s);
// database.url when set, else the URL built from host/port/name/user/password.
[[nodiscard]] std::string database_url(const config::settings& s);
// `application_name` names the sessions in pg_stat_activity (the daemon uses its instance name).
[[nodiscard]] db::database_options database_options(const config::settings& s,
                                                    std::string application_name = "tradebot");
// The connection of the external scoring adapter: signals.external.database_url, else our own database.
[[nodiscard]] db::database_options external_database_options(const config::settings& s);
[[nodiscard]] db::listener_options listener_options(const config::settings& s);
[[nodiscard]] monitoring::server_options server_options(const config::settings& s, std::string version);
// The venue's own budgets, with the operator's requests_per_second / requests_per_minute on top.
[[nodiscard]] exchange::rate_limits_config rate_limits(core::exchange_id venue, const config::exchange_settings& s);

}  // namespace tradebot::app

#pragma once

#include <string>
#include <vector>

#include "app/commands/findings.hpp"
#include "app/commands/read_session.hpp"

// The database side of `check` and `diagnose`: reachable, which migrations are pending.
namespace tradebot::app::commands {

struct database_state {
    bool reachable = false;
    std::string error;
    std::string server_version;
    std::vector<int> pending;  // embedded migrations not applied yet
};

// Probes the database and adds "database connection" and "database migrations" findings.
database_state database_findings(read_session& rs, finding_report& report);

}  // namespace tradebot::app::commands

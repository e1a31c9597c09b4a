#pragma once

#include "tradebot/db/records.hpp"

namespace tradebot::db {

// Where the trading core's audit rows go: event_log queues them for the events table; the
// trading core's unit tests keep them in memory. append() never waits.
class audit_sink {
public:
    virtual ~audit_sink() = default;
    virtual void append(event_record e) = 0;

protected:
    audit_sink() = default;
    audit_sink(const audit_sink&) = default;
    audit_sink& operator=(const audit_sink&) = default;
};

}  // namespace tradebot::db

#include "logging/structured_formatter.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "logging/escape.hpp"
#include "logging/payload_reader.hpp"
#include "logging/secret_registry.hpp"
#include "tradebot/logging/secret.hpp"

namespace tradebot::logging {
namespace {

void append_timestamp(spdlog::memory_buf_t& out, spdlog::log_clock::time_point tp) {
    using namespace std::chrono;
    const auto ms = floor<milliseconds>(tp);
    const auto day = floor<days>(ms);
    const year_month_day ymd{day};
    const hh_mm_ss hms{ms - day};
    fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                   static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                   hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

// Masks the registered secrets in each piece of one line, from a single snapshot of the registry.
class masker {
public:
    masker() {
        if (has_registered_secrets()) {
            snapshot_ = registered_secrets();
            views_.assign(snapshot_->begin(), snapshot_->end());
        }
    }
    std::string_view operator()(std::string_view text) {
        if (views_.empty()) {
            return text;
        }
        storage_ = redact(text, views_);
        return storage_;
    }

private:
    std::shared_ptr<const std::vector<std::string>> snapshot_;
    std::vector<std::string_view> views_;
    std::string storage_;
};

void format_kv(const spdlog::details::log_msg& msg, payload_reader& reader, masker& mask_fn, spdlog::memory_buf_t& dest) {
    append(dest, "ts=");
    append_timestamp(dest, msg.time);
    append(dest, " level=");
    append(dest, level_name(msg.level));
    append(dest, " module=");
    append_kv_value(dest, {msg.logger_name.data(), msg.logger_name.size()});
    append(dest, " msg=");
    append_kv_quoted(dest, mask_fn(reader.message()));
    while (const auto f = reader.next()) {
        dest.push_back(' ');
        append_key(dest, mask_fn(f->key));
        dest.push_back('=');
        append_kv_value(dest, mask_fn(f->value));
    }
    dest.push_back('\n');
}

void format_json(const spdlog::details::log_msg& msg, payload_reader& reader, masker& mask_fn, spdlog::memory_buf_t& dest) {
    append(dest, "{\"ts\":\"");
    append_timestamp(dest, msg.time);
    append(dest, "\",\"level\":\"");
    append(dest, level_name(msg.level));
    append(dest, "\",\"module\":");
    append_json_string(dest, {msg.logger_name.data(), msg.logger_name.size()});
    append(dest, ",\"msg\":");
    append_json_string(dest, mask_fn(reader.message()));
    while (const auto f = reader.next()) {
        dest.push_back(',');
        dest.push_back('"');
        append_key(dest, mask_fn(f->key));
        append(dest, "\":");
        const std::string_view value = mask_fn(f->value);
        if (f->raw) {
            append_json_raw(dest, value);
        } else {
            append_json_string(dest, value);
        }
    }
    append(dest, "}\n");
}

}  // namespace

std::string_view level_name(spdlog::level::level_enum level) noexcept {
    switch (level) {
        case spdlog::level::trace: return "trace";
        case spdlog::level::debug: return "debug";
        case spdlog::level::info: return "info";
        case spdlog::level::warn: return "warn";
        case spdlog::level::err: return "error";
        case spdlog::level::critical: return "critical";
        case spdlog::level::off:
        case spdlog::level::n_levels: break;
    }
    return "off";
}

void structured_formatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
    const std::string_view payload{msg.payload.data(), msg.payload.size()};
    masker mask_fn;
    const std::size_t start = dest.size();
    payload_reader reader{payload};
    if (fmt_ == options::format::json) {
        format_json(msg, reader, mask_fn, dest);
    } else {
        format_kv(msg, reader, mask_fn, dest);
    }
    if (!reader.ok()) {
        // A corrupt payload is printed whole rather than half-parsed, so nothing is silently lost.
        dest.resize(start);
        payload_reader as_text{payload.substr(1)};
        if (fmt_ == options::format::json) {
            format_json(msg, as_text, mask_fn, dest);
        } else {
            format_kv(msg, as_text, mask_fn, dest);
        }
    }
}

std::unique_ptr<spdlog::formatter> structured_formatter::clone() const {
    return std::make_unique<structured_formatter>(fmt_);
}

}  // namespace tradebot::logging

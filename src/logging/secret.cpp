#include "tradebot/logging/secret.hpp"

#include "logging/secret_registry.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <ostream>
#include <vector>

namespace tradebot::logging {
namespace {

// Copy-on-write so that the writer thread takes a snapshot without holding the lock while masking.
struct secret_registry {
    std::mutex mutex;
    std::shared_ptr<const std::vector<std::string>> values = std::make_shared<const std::vector<std::string>>();
    std::atomic<bool> any{false};
};

secret_registry& secrets() {
    static secret_registry r;
    return r;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const secret&) { return os << mask; }

std::string redact(std::string_view text, std::span<const std::string_view> secrets_in) {
    std::vector<std::string_view> ordered;
    ordered.reserve(secrets_in.size());
    for (const auto s : secrets_in) {
        if (!s.empty()) {
            ordered.push_back(s);
        }
    }
    std::sort(ordered.begin(), ordered.end(), [](std::string_view a, std::string_view b) { return a.size() > b.size(); });

    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const std::string_view rest = text.substr(i);
        const auto hit = std::find_if(ordered.begin(), ordered.end(), [&](std::string_view s) { return rest.starts_with(s); });
        if (hit != ordered.end()) {
            out += mask;
            i += hit->size();
        } else {
            out += text[i];
            ++i;
        }
    }
    return out;
}

void register_secret(std::string value) {
    if (value.empty()) {
        return;
    }
    auto& r = secrets();
    const std::lock_guard lock{r.mutex};
    if (std::find(r.values->begin(), r.values->end(), value) != r.values->end()) {
        return;
    }
    auto next = std::make_shared<std::vector<std::string>>(*r.values);
    next->push_back(std::move(value));
    r.values = std::move(next);
    r.any.store(true, std::memory_order_release);
}

std::shared_ptr<const std::vector<std::string>> registered_secrets() {
    auto& r = secrets();
    const std::lock_guard lock{r.mutex};
    return r.values;
}

std::string redact_registered(std::string_view text) {
    const auto snapshot = registered_secrets();
    const std::vector<std::string_view> views(snapshot->begin(), snapshot->end());
    return redact(text, views);
}

bool has_registered_secrets() noexcept { return secrets().any.load(std::memory_order_acquire); }

void clear_registered_secrets() {
    auto& r = secrets();
    const std::lock_guard lock{r.mutex};
    r.values = std::make_shared<const std::vector<std::string>>();
    r.any.store(false, std::memory_order_release);
}

}  // namespace tradebot::logging

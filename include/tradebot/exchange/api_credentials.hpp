#pragma once

#include <iosfwd>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace tradebot::exchange {

// An API key and its signing secret. Neither value is ever printed: streaming or formatting a
// credentials object gives a fixed mask, so it cannot leak through a log line, an error message
// or a test failure. The signer is the one place that reads the secret.
class api_credentials {
public:
    api_credentials() = default;
    api_credentials(std::string api_key, std::string secret)
        : api_key_{std::move(api_key)}, secret_{std::move(secret)} {}

    // The key goes into a request header (X-MBX-APIKEY / X-BAPI-API-KEY), never into a log.
    [[nodiscard]] const std::string& api_key() const noexcept { return api_key_; }
    [[nodiscard]] const std::string& reveal_secret() const noexcept { return secret_; }
    [[nodiscard]] bool empty() const noexcept { return api_key_.empty() || secret_.empty(); }

    friend bool operator==(const api_credentials&, const api_credentials&) = default;
    friend std::ostream& operator<<(std::ostream& os, const api_credentials& c);

private:
    std::string api_key_;
    std::string secret_;
};

inline constexpr const char* masked_credentials = "api_credentials{***}";

}  // namespace tradebot::exchange

template <>
struct fmt::formatter<tradebot::exchange::api_credentials> : fmt::formatter<std::string_view> {
    template <class Context>
    auto format(const tradebot::exchange::api_credentials&, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(tradebot::exchange::masked_credentials, ctx);
    }
};

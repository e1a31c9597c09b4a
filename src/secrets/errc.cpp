#include "tradebot/secrets/errc.hpp"

#include <string>

namespace tradebot::secrets {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class secrets_category final : public boost::system::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "tradebot.secrets"; }
    [[nodiscard]] std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::not_sealed: return "not an encrypted value (expected enc:v1:<base64>)";
            case errc::unsupported_version: return "unsupported encrypted-value version (this build reads enc:v1)";
            case errc::malformed: return "malformed encrypted value (not base64, or too short for nonce and tag)";
            case errc::authentication_failed:
                return "decryption failed: wrong master key, or the encrypted value was altered";
            case errc::bad_master_key: return "master key must be the base64 of exactly 32 bytes";
            case errc::key_file_unreadable: return "master key file cannot be read";
            case errc::key_file_permissions:
                return "master key file must be owned by this user and not readable by group or others (chmod 600)";
            case errc::no_master_key: return "no master key: set TRADEBOT_MASTER_KEY_FILE (or TRADEBOT_MASTER_KEY)";
            case errc::ambiguous_master_key:
                return "both TRADEBOT_MASTER_KEY and TRADEBOT_MASTER_KEY_FILE are set; set only one";
            case errc::crypto_failure: return "OpenSSL failed";
        }
        return "unknown secrets error";
    }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
    static const secrets_category instance;
    return instance;
}

}  // namespace tradebot::secrets

#pragma once

#include <cstdint>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace tradebot::secrets {

// Why a sealed value could not be opened or a master key could not be read. Every message names
// what is wrong, never a value: callers add the config key, not the text.
enum class errc : std::uint8_t {
    not_sealed = 1,         // no "enc:" prefix
    unsupported_version,    // "enc:v2:..." and this build reads v1
    malformed,              // not base64, or too short to hold a nonce and a tag
    authentication_failed,  // wrong master key, or the value was altered
    bad_master_key,         // not base64 of exactly 32 bytes
    key_file_unreadable,    // missing, not a regular file, cannot be read
    key_file_permissions,   // readable by group or others, or owned by another user
    no_master_key,          // neither TRADEBOT_MASTER_KEY nor TRADEBOT_MASTER_KEY_FILE is set
    ambiguous_master_key,   // both are set
    crypto_failure,         // OpenSSL itself failed (allocation, RNG)
};

[[nodiscard]] const boost::system::error_category& category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), category()};
}

}  // namespace tradebot::secrets

template <>
struct boost::system::is_error_code_enum<tradebot::secrets::errc> : std::true_type {};

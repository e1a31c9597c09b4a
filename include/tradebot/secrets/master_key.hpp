#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include "tradebot/secrets/errc.hpp"

// The key that seals configuration secrets at rest (AES-256-GCM, see sealed_value.hpp). It lives
// outside the configuration it protects: in TRADEBOT_MASTER_KEY_FILE (a file only its owner can
// read) or TRADEBOT_MASTER_KEY, both as the base64 of 32 random bytes (`tradebot keys generate`).
namespace tradebot::secrets {

inline constexpr const char* master_key_env = "TRADEBOT_MASTER_KEY";
inline constexpr const char* master_key_file_env = "TRADEBOT_MASTER_KEY_FILE";

class master_key {
public:
    static constexpr std::size_t size = 32;

    // Whitespace around the text (a trailing newline in a file) is ignored.
    [[nodiscard]] static boost::system::result<master_key> from_base64(std::string_view text);
    [[nodiscard]] static boost::system::result<master_key> generate();

    master_key(const master_key&) = default;
    master_key& operator=(const master_key&) = default;
    ~master_key();  // wipes the bytes

    [[nodiscard]] std::string to_base64() const;
    [[nodiscard]] const std::array<unsigned char, size>& bytes() const noexcept { return bytes_; }

private:
    master_key() = default;
    std::array<unsigned char, size> bytes_{};
};

// A failure to obtain the key, with where it was looked for (a path or a variable name), never
// the key's text.
struct key_error {
    boost::system::error_code code;
    std::string where;
    [[nodiscard]] std::string describe() const;
};

template <class T>
using key_result = boost::system::result<T, key_error>;

// A regular file (a symlink is followed) owned by the effective user with no group or other
// permission bits (0600 or 0400), holding the base64 key; anything else is refused before the
// file is read.
[[nodiscard]] key_result<master_key> read_master_key_file(const std::filesystem::path& path);

// TRADEBOT_MASTER_KEY_FILE or TRADEBOT_MASTER_KEY from `env`; exactly one must be set.
[[nodiscard]] key_result<master_key> master_key_from_environment(const std::map<std::string, std::string>& env);

// Writes a new key to `path` with mode 0600; refuses to overwrite an existing file.
[[nodiscard]] key_result<master_key> create_master_key_file(const std::filesystem::path& path);

// key_result<T>::value() on an error throws this (found by argument-dependent lookup).
[[noreturn]] void throw_exception_from_error(const key_error& e, const boost::source_location& loc);

}  // namespace tradebot::secrets

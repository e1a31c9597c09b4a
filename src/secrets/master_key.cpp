#include "tradebot/secrets/master_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "secrets/base64.hpp"

namespace tradebot::secrets {
namespace {

std::string_view trim(std::string_view text) {
    constexpr std::string_view blanks = " \t\r\n";
    const auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

key_error fail(errc code, std::string where) { return key_error{make_error_code(code), std::move(where)}; }

// Closes the descriptor on every path out.
struct fd_guard {
    int fd;
    ~fd_guard() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

}  // namespace

master_key::~master_key() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

boost::system::result<master_key> master_key::from_base64(std::string_view text) {
    auto raw = detail::base64_decode(trim(text));
    if (!raw || raw->size() != size) {
        if (raw) {
            OPENSSL_cleanse(raw->data(), raw->size());
        }
        return make_error_code(errc::bad_master_key);
    }
    master_key key;
    std::memcpy(key.bytes_.data(), raw->data(), size);
    OPENSSL_cleanse(raw->data(), raw->size());
    return key;
}

boost::system::result<master_key> master_key::generate() {
    master_key key;
    if (RAND_bytes(key.bytes_.data(), static_cast<int>(size)) != 1) {
        return make_error_code(errc::crypto_failure);
    }
    return key;
}

std::string master_key::to_base64() const {
    return detail::base64_encode({reinterpret_cast<const char*>(bytes_.data()), bytes_.size()});
}

std::string key_error::describe() const { return where.empty() ? code.message() : where + ": " + code.message(); }

void throw_exception_from_error(const key_error& e, const boost::source_location& loc) {
    boost::throw_exception(boost::system::system_error(e.code, e.where), loc);
}

key_result<master_key> read_master_key_file(const std::filesystem::path& path) {
    // fstat on the open descriptor: the file checked is the file read. A symlink is followed (secret
    // stores mount keys that way) and the file it leads to is what must be owner-only.
    const fd_guard file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) {
        return fail(errc::key_file_unreadable, path.string() + " (" + std::strerror(errno) + ")");
    }
    struct stat st {};
    if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        return fail(errc::key_file_unreadable, path.string() + " (not a regular file)");
    }
    if ((st.st_mode & 077U) != 0 || st.st_uid != ::geteuid()) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777U));
        return fail(errc::key_file_permissions, path.string() + " (mode " + mode + ", owner uid " +
                                                    std::to_string(st.st_uid) + ")");
    }
    std::string text(256, '\0');
    const auto n = ::read(file.fd, text.data(), text.size());
    if (n < 0) {
        return fail(errc::key_file_unreadable, path.string() + " (" + std::strerror(errno) + ")");
    }
    text.resize(static_cast<std::size_t>(n));
    auto key = master_key::from_base64(text);
    OPENSSL_cleanse(text.data(), text.size());
    if (!key) {
        return fail(errc::bad_master_key, path.string());
    }
    return *key;
}

key_result<master_key> master_key_from_environment(const std::map<std::string, std::string>& env) {
    const auto text = env.find(master_key_env);
    const auto file = env.find(master_key_file_env);
    const bool has_text = text != env.end() && !text->second.empty();
    const bool has_file = file != env.end() && !file->second.empty();
    if (has_text && has_file) {
        return fail(errc::ambiguous_master_key, {});
    }
    if (has_file) {
        return read_master_key_file(file->second);
    }
    if (has_text) {
        auto key = master_key::from_base64(text->second);
        if (!key) {
            return fail(errc::bad_master_key, master_key_env);
        }
        return *key;
    }
    return fail(errc::no_master_key, {});
}

key_result<master_key> create_master_key_file(const std::filesystem::path& path) {
    auto key = master_key::generate();
    if (!key) {
        return fail(errc::crypto_failure, path.string());
    }
    const fd_guard file{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
    if (file.fd < 0) {
        return fail(errc::key_file_unreadable, path.string() + " (" + std::strerror(errno) +
                                                   (errno == EEXIST ? "; a key file is never overwritten" : "") + ")");
    }
    // The umask may have narrowed 0600 further; it can never have widened it.
    auto text = key->to_base64() + "\n";
    const auto written = ::write(file.fd, text.data(), text.size());
    const bool complete = written == static_cast<ssize_t>(text.size());
    OPENSSL_cleanse(text.data(), text.size());
    if (!complete || ::fsync(file.fd) != 0) {
        const auto saved = errno;
        ::unlink(path.c_str());
        return fail(errc::key_file_unreadable, path.string() + " (write failed: " + std::strerror(saved) + ")");
    }
    return *key;
}

}  // namespace tradebot::secrets

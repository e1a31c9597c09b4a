#include "tradebot/db/connection_url.hpp"

#include <optional>

namespace tradebot::db {
namespace {

constexpr std::string_view mask = "***";

bool unreserved(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
    constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (unreserved(c)) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += hex[byte >> 4U];
            out += hex[byte & 0xFU];
        }
    }
    return out;
}

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// One `key = value` of the keyword form, as offsets into the original text.
struct keyword_entry {
    std::string_view key;
    std::size_t value_begin = 0;
    std::size_t value_end = 0;
};

// Splits "host=a port=5 password='x y'" into entries; nullopt when it is not well formed.
std::optional<std::vector<keyword_entry>> parse_keywords(std::string_view text) {
    std::vector<keyword_entry> entries;
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (true) {
        while (i < n && is_space(text[i])) {
            ++i;
        }
        if (i == n) {
            return entries;
        }
        const std::size_t key_begin = i;
        while (i < n && text[i] != '=' && !is_space(text[i])) {
            ++i;
        }
        keyword_entry entry;
        entry.key = text.substr(key_begin, i - key_begin);
        while (i < n && is_space(text[i])) {
            ++i;
        }
        if (i == n || text[i] != '=' || entry.key.empty()) {
            return std::nullopt;
        }
        ++i;
        while (i < n && is_space(text[i])) {
            ++i;
        }
        entry.value_begin = i;
        if (i < n && text[i] == '\'') {
            ++i;
            while (i < n && text[i] != '\'') {
                i += (text[i] == '\\' && i + 1 < n) ? 2 : 1;
            }
            if (i == n) {
                return std::nullopt;
            }
            ++i;
        } else {
            while (i < n && !is_space(text[i])) {
                i += (text[i] == '\\' && i + 1 < n) ? 2 : 1;
            }
        }
        entry.value_end = i;
        entries.push_back(entry);
    }
}

std::string quote_keyword_value(std::string_view value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '\'';
    return out;
}

std::string redact_url(std::string_view url) {
    std::string out;
    const std::size_t scheme_end = url.find("://") + 3;
    out.append(url.substr(0, scheme_end));
    std::size_t authority_end = url.find_first_of("/?", scheme_end);
    if (authority_end == std::string_view::npos) {
        authority_end = url.size();
    }
    const std::string_view authority = url.substr(scheme_end, authority_end - scheme_end);
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        if (const std::size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
            out.append(userinfo.substr(0, colon + 1));
            out.append(mask);
        } else {
            out.append(userinfo);
        }
        out.append(authority.substr(at));
    } else {
        out.append(authority);
    }
    std::string_view rest = url.substr(authority_end);
    const std::size_t query = rest.find('?');
    out.append(rest.substr(0, query));
    if (query == std::string_view::npos) {
        return out;
    }
    out += '?';
    std::string_view params = rest.substr(query + 1);
    for (bool first = true;; first = false) {
        const std::size_t amp = params.find('&');
        const std::string_view param = params.substr(0, amp);
        if (!first) {
            out += '&';
        }
        const std::size_t eq = param.find('=');
        if (eq != std::string_view::npos && param.substr(0, eq) == "password") {
            out.append("password=");
            out.append(mask);
        } else {
            out.append(param);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        params = params.substr(amp + 1);
    }
    return out;
}

bool url_has_param(std::string_view url, std::string_view key) {
    const std::size_t query = url.find('?');
    if (query == std::string_view::npos) {
        return false;
    }
    std::string_view params = url.substr(query + 1);
    while (!params.empty()) {
        const std::size_t amp = params.find('&');
        const std::string_view param = params.substr(0, amp);
        if (param.substr(0, param.find('=')) == key) {
            return true;
        }
        if (amp == std::string_view::npos) {
            break;
        }
        params = params.substr(amp + 1);
    }
    return false;
}

}  // namespace

bool is_url(std::string_view conninfo) noexcept {
    return conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://");
}

std::string connection_url::str() const {
    std::string out = "postgresql://";
    if (!user.empty() || !password.empty()) {
        out += percent_encode(user);
        if (!password.empty()) {
            out += ':';
            out += percent_encode(password);
        }
        out += '@';
    }
    const bool socket_dir = host.starts_with('/');
    if (!socket_dir) {
        if (host.find(':') != std::string::npos) {
            out += '[' + host + ']';
        } else {
            out += percent_encode(host);
        }
    }
    out += ':';
    out += std::to_string(port);
    out += '/';
    out += percent_encode(dbname);
    char sep = '?';
    if (socket_dir) {
        out += sep;
        out += "host=" + percent_encode(host);
        sep = '&';
    }
    for (const auto& [key, value] : params) {
        out += sep;
        out += percent_encode(key) + '=' + percent_encode(value);
        sep = '&';
    }
    return out;
}

std::string connection_url::redacted() const { return redact(str()); }

std::string redact(std::string_view conninfo) {
    if (is_url(conninfo)) {
        return redact_url(conninfo);
    }
    const auto entries = parse_keywords(conninfo);
    if (!entries) {
        // Better to lose the diagnostics than to print a secret we could not locate.
        return "<unparsable connection string>";
    }
    std::string out;
    std::size_t copied = 0;
    for (const auto& e : *entries) {
        if (e.key == "password") {
            out.append(conninfo.substr(copied, e.value_begin - copied));
            out.append(mask);
            copied = e.value_end;
        } else if (e.key == "dbname" && is_url(conninfo.substr(e.value_begin, e.value_end - e.value_begin))) {
            // libpq expands a URL given as dbname, password included.
            out.append(conninfo.substr(copied, e.value_begin - copied));
            out.append(redact_url(conninfo.substr(e.value_begin, e.value_end - e.value_begin)));
            copied = e.value_end;
        }
    }
    out.append(conninfo.substr(copied));
    return out;
}

std::string with_default_param(std::string_view conninfo, std::string_view key, std::string_view value) {
    std::string out{conninfo};
    if (is_url(conninfo)) {
        if (url_has_param(conninfo, key)) {
            return out;
        }
        out += conninfo.find('?') == std::string_view::npos ? '?' : '&';
        out += percent_encode(key) + '=' + percent_encode(value);
        return out;
    }
    if (const auto entries = parse_keywords(conninfo)) {
        for (const auto& e : *entries) {
            if (e.key == key) {
                return out;
            }
        }
    }
    if (!out.empty()) {
        out += ' ';
    }
    out.append(key);
    out += '=';
    out += quote_keyword_value(value);
    return out;
}

bool is_valid_identifier(std::string_view name) noexcept {
    if (name.empty() || name.size() > 48) {
        return false;
    }
    if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) {
        return false;
    }
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

std::string signals_channel(std::string_view schema) { return std::string{schema} + "_signals"; }

}  // namespace tradebot::db

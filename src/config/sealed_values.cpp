#include "config/sealed_values.hpp"

#include <optional>
#include <set>

#include "config/schema.hpp"
#include "config/text_values.hpp"
#include "tradebot/secrets/sealed_value.hpp"

namespace tradebot::config::detail {
namespace {

// The secret keys, one entry for all exchanges: "exchanges.<venue>.api_key, ..., database.password".
std::string secret_keys_hint() {
    std::set<std::string> seen;
    std::string out;
    for (const auto& f : fields()) {
        if (f.secret == secrecy::none) {
            continue;
        }
        auto path = f.path;
        if (path.starts_with("exchanges.")) {
            const auto dot = path.find('.', 10);
            path = "exchanges.<venue>" + path.substr(dot);
        }
        if (seen.insert(path).second) {
            out += (out.empty() ? "" : ", ") + path;
        }
    }
    return out;
}

}  // namespace

void open_sealed_values(std::map<std::string, raw_value>& values, const std::map<std::string, std::string>& env,
                        const std::map<std::string, source_location>& env_origins, error_sink& sink) {
    std::optional<secrets::key_result<secrets::master_key>> key;
    for (auto& [path, raw] : values) {
        const auto text = trim(raw.text);
        if (raw.type != raw_value::kind::scalar || !secrets::looks_sealed(text)) {
            continue;
        }
        const field* f = find_field(path);
        if (f == nullptr) {
            continue;  // an unknown key, reported by the loader
        }
        if (f->secret == secrecy::none) {
            sink.add(raw.loc, path, "is not a secret; encrypted values are accepted for " + secret_keys_hint());
            continue;
        }
        if (!key) {
            if (const auto in_dotenv = env_origins.find(secrets::master_key_env); in_dotenv != env_origins.end()) {
                // A key stored beside the values it protects protects nothing.
                sink.add(in_dotenv->second, {},
                         std::string{secrets::master_key_env} +
                             " must not be set in the .env file next to the encrypted values; set it in the "
                             "service's environment or use " + secrets::master_key_file_env);
                return;
            }
            key = secrets::master_key_from_environment(env);
        }
        if (!*key) {
            sink.add(raw.loc, path, "value is encrypted but the master key is unavailable: " + key->error().describe());
            continue;
        }
        auto opened = secrets::open(**key, text);
        if (!opened) {
            sink.add(raw.loc, path, "cannot use the encrypted value: " + opened.error().message());
            continue;
        }
        raw.text = std::move(*opened);
    }
}

}  // namespace tradebot::config::detail

#include "app/replay_cli.hpp"

#include <algorithm>
#include <fstream>
#include <vector>

#include "tradebot/config/loader.hpp"

namespace tradebot::app::replay_cli {

bool known_key(const std::string& key) {
    static const auto known = config::known_keys();
    return std::find(known.begin(), known.end(), key) != known.end();
}

std::optional<config::settings> load_settings(const std::string& dir, const std::map<std::string, std::string>& overrides,
                                              std::string_view command, const std::string& what, std::ostream& err) {
    auto loaded = config::load(dir, overrides);
    if (!loaded.value) {
        for (const auto& e : loaded.errors) {
            err << e.to_string() << '\n';
        }
        err << "tradebot " << command << ": " << what << " has " << loaded.errors.size() << " configuration error(s)\n";
        return std::nullopt;
    }
    return std::move(loaded.value);
}

bool add_sets(const boost::program_options::variables_map& vm, std::string_view command,
              std::map<std::string, std::string>& overrides, std::ostream& err) {
    if (vm.count("set") == 0) return true;
    for (const auto& kv : vm["set"].as<std::vector<std::string>>()) {
        const auto eq = kv.find('=');
        const auto key = kv.substr(0, eq);
        if (eq == std::string::npos || !known_key(key)) {
            err << "tradebot " << command << ": --set '" << kv << "': expected KEY=VALUE with a known key\n";
            return false;
        }
        overrides[config::env_name(key)] = kv.substr(eq + 1);
    }
    return true;
}

bool write_file(const std::filesystem::path& p, const std::string& text, std::string_view command, std::ostream& err) {
    std::ofstream f{p, std::ios::binary | std::ios::trunc};
    f << text;
    if (!f.flush()) {
        err << "tradebot " << command << ": cannot write " << p.string() << '\n';
        return false;
    }
    return true;
}

std::optional<core::decimal> non_negative(const boost::program_options::variables_map& vm, const char* name,
                                          std::string_view command, std::ostream& err) {
    const auto text = vm[name].as<std::string>();
    auto d = core::decimal::parse(text);
    if (!d || d->is_negative()) {
        err << "tradebot " << command << ": --" << name << " must be a non-negative decimal, not '" << text << "'\n";
        return std::nullopt;
    }
    return d;
}

}  // namespace tradebot::app::replay_cli

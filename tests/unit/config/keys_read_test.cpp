// Every configuration key must change something: a key that only the schema reads is a promise
// docs/CONFIG.md makes and the bot does not keep (issue 20). This walks known_keys() and looks for
// a read of each settings member in the bot's own sources (src/ and include/ outside config/ and
// the simulator), with comments and string literals removed so that a log message or a comment
// naming a key does not count as reading it.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "tradebot/config/loader.hpp"
#include "tradebot_test/env.hpp"

namespace tradebot::config {
namespace {

namespace fs = std::filesystem;

// Keys read under another name, where neither rule of key_is_read() can see it. Each names the
// file and the code that reads it; the test fails if that code is no longer there.
struct indirect_read {
    std::string_view key;
    std::string_view file;
    std::string_view code;
};
const std::vector<indirect_read> read_elsewhere = {
    // venue_stack takes one `const config::exchange_settings& s` per venue.
    {"exchanges.binance.api_key", "src/app/venue_stack.cpp", "credentials{s.api_key, s.api_secret}"},
    {"exchanges.bybit.api_key", "src/app/venue_stack.cpp", "credentials{s.api_key, s.api_secret}"},
    {"exchanges.binance.api_secret", "src/app/venue_stack.cpp", "credentials{s.api_key, s.api_secret}"},
    {"exchanges.bybit.api_secret", "src/app/venue_stack.cpp", "credentials{s.api_key, s.api_secret}"},
    {"exchanges.binance.ca_file", "src/app/venue_stack.cpp", "o.ca_file = s.ca_file.string()"},
    {"exchanges.bybit.ca_file", "src/app/venue_stack.cpp", "o.ca_file = s.ca_file.string()"},
    {"exchanges.binance.recv_window_ms", "src/app/venue_stack.cpp", "ro.recv_window = s.recv_window_ms"},
    {"exchanges.bybit.recv_window_ms", "src/app/venue_stack.cpp", "ro.recv_window = s.recv_window_ms"},
    // The endpoint fills the URLs at load (src/config/endpoints.cpp) and picks Binance's testnet limits.
    {"exchanges.binance.endpoint", "src/app/option_mapping.cpp", "s.endpoint == config::endpoint_kind::testnet"},
    {"exchanges.bybit.endpoint", "src/config/validate.cpp", "urls_for(venue, ex.endpoint)"},
    // The per-venue override and the default meet in settings::leverage_for().
    {"trading.leverage", "src/pipeline/entry_decider.cpp", "settings_.leverage_for("},
    {"exchanges.binance.leverage", "src/pipeline/entry_decider.cpp", "settings_.leverage_for("},
    {"exchanges.bybit.leverage", "src/pipeline/entry_decider.cpp", "settings_.leverage_for("},
    // wave_selector copies signals_settings `s` into its options.
    {"signals.buffer_fixed", "src/signals/wave_selector.cpp", ".buffer_fixed = s.buffer_fixed"},
    {"signals.min_score_week", "src/signals/wave_selector.cpp", ".min_score_week = s.min_score_week"},
    {"signals.min_score_month", "src/signals/wave_selector.cpp", ".min_score_month = s.min_score_month"},
    {"signals.max_trades_per_wave", "src/signals/wave_selector.cpp",
     ".max_trades_per_wave = s.max_trades_per_wave"},
    {"signals.wave_minutes", "src/signals/wave_schedule.cpp", ".wave_minutes = s.wave_minutes"},
    // filter_chain keeps signal_filters as filters_ and trading_settings as trading_; risk_manager too.
    {"signals.filters.stop_list", "src/signals/filter_chain.cpp", "filters_.stop_list"},
    {"trading.max_leverage", "src/trading/risk_manager.cpp", "trading_.max_leverage"},
    // stop_policy keeps its stop_loss_settings as settings_.
    {"protection.stop_loss.percent", "src/protection/stop_policy.cpp", "settings_.percent"},
    {"protection.stop_loss.trigger", "src/trading/stop_loss_manager.cpp", "policy.settings().trigger"},
    // external_source keeps its external_signals_settings as settings_.
    {"signals.external.query", "src/signals/external_source.cpp", "settings_.query"},
    {"signals.external.source", "src/signals/external_source.cpp", "settings_.source"},
    {"signals.external.poll_interval_ms", "src/signals/external_source.cpp", "settings_.poll_interval_ms"},
    // webhook_notifier keeps its webhook_settings as settings_.
    {"alerts.webhook.format", "src/alerts/webhook_notifier.cpp",
     "render_payload(settings_.format, settings_.telegram_chat_id"},
    {"alerts.webhook.telegram_chat_id", "src/alerts/webhook_notifier.cpp",
     "render_payload(settings_.format, settings_.telegram_chat_id"},
    {"alerts.webhook.max_per_minute", "src/alerts/webhook_notifier.cpp", "settings_.max_per_minute"},
    {"alerts.webhook.queue_size", "src/alerts/webhook_notifier.cpp", "settings_.queue_size"},
    {"alerts.webhook.max_attempts", "src/alerts/webhook_notifier.cpp", "settings_.max_attempts"},
    // aged_policy keeps its aged_settings as settings_.
    {"protection.aged.enabled", "src/protection/aged_policy.cpp", "settings_.enabled"},
};

// Keys documented in docs/CONFIG.md as "not yet in effect": accepted by the loader, read by nothing.
// The list may only shrink: a key here that code starts reading fails the test until it is removed.
// Empty since issue 20 gave the spread and entry-order keys their effect.
const std::set<std::string, std::less<>> not_yet_in_effect = {};

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The source without comments and string/char literals (their contents become spaces).
std::string code_only(const std::string& src) {
    std::string out;
    out.reserve(src.size());
    for (std::size_t i = 0; i < src.size();) {
        if (src.compare(i, 2, "//") == 0) {
            while (i < src.size() && src[i] != '\n') ++i;
        } else if (src.compare(i, 2, "/*") == 0) {
            const auto end = src.find("*/", i + 2);
            i = end == std::string::npos ? src.size() : end + 2;
            out += ' ';
        } else if (src[i] == '"' || (src[i] == '\'' && (i == 0 || !std::isxdigit(static_cast<unsigned char>(src[i - 1]))))) {
            // A quote after a hex digit is a digit separator (1'000), not a character literal.
            const char quote = src[i++];
            while (i < src.size() && src[i] != quote && src[i] != '\n') {
                i += src[i] == '\\' ? 2 : 1;
            }
            ++i;
            out += "\"\"";
        } else {
            out += src[i++];
        }
    }
    return out;
}

struct source_file {
    std::string rel;
    std::string code;
};

const std::vector<source_file>& bot_sources() {
    static const std::vector<source_file> all = [] {
        std::vector<source_file> out;
        const auto root = tradebot::test::source_dir();
        for (const auto* top : {"src", "include"}) {
            for (const auto& e : fs::recursive_directory_iterator(root / top)) {
                const auto ext = e.path().extension();
                if (!e.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
                const auto rel = fs::relative(e.path(), root).generic_string();
                if (rel.starts_with("src/config/") || rel.starts_with("include/tradebot/config/") ||
                    rel.starts_with("src/sim/") || rel.starts_with("include/tradebot/sim/")) {
                    continue;
                }
                out.push_back({rel, code_only(tradebot::test::read_file(e.path()))});
            }
        }
        return out;
    }();
    return all;
}

// Every whole-word occurrence of `word` in `code`.
std::vector<std::size_t> word_at(const std::string& code, std::string_view word) {
    std::vector<std::size_t> out;
    for (auto at = code.find(word); at != std::string::npos; at = code.find(word, at + 1)) {
        const bool starts = at == 0 || !ident_char(code[at - 1]);
        const bool ends = at + word.size() == code.size() || !ident_char(code[at + word.size()]);
        if (starts && ends) out.push_back(at);
    }
    return out;
}

// `.leaf` or `->leaf` at `at` (the position of leaf).
bool member_access(const std::string& code, std::size_t at) {
    return (at >= 1 && code[at - 1] == '.') || (at >= 2 && code.compare(at - 2, 2, "->") == 0);
}

// `parent.leaf`, or for a venue block `exchange(...).leaf`.
bool chain_read(const std::string& code, std::string_view parent, std::string_view leaf) {
    const bool venue = parent == "binance" || parent == "bybit";
    for (const auto at : word_at(code, leaf)) {
        if (at < 1 || code[at - 1] != '.') continue;
        if (at >= parent.size() + 1 && code.compare(at - 1 - parent.size(), parent.size(), parent) == 0 &&
            (at == parent.size() + 1 || !ident_char(code[at - 2 - parent.size()]))) {
            return true;
        }
        if (venue && at >= 2 && code[at - 2] == ')') {
            const auto open = code.rfind('(', at - 2);
            if (open != std::string::npos && open >= 8 && code.compare(open - 8, 8, "exchange") == 0) return true;
        }
    }
    return false;
}

// `Type leaf =`, `Type& leaf;`, `Type leaf{`, a parameter `Type leaf,` ...: some other variable or
// member of that name exists, so a bare `.leaf` proves nothing about the configuration.
bool declared(const std::string& code, std::string_view leaf) {
    static const std::set<std::string, std::less<>> keywords = {"return", "co_return", "co_yield", "case",
                                                                 "throw",  "co_await",  "else",     "delete"};
    for (const auto at : word_at(code, leaf)) {
        std::size_t before = at;
        while (before > 0 && (code[before - 1] == ' ' || code[before - 1] == '\t')) --before;
        if (before == at || before == 0) continue;
        const char prev = code[before - 1];
        if (!(ident_char(prev) || prev == '>' || prev == '&' || prev == '*')) continue;
        std::size_t word_start = before;
        while (word_start > 0 && ident_char(code[word_start - 1])) --word_start;
        if (keywords.contains(code.substr(word_start, before - word_start))) continue;
        std::size_t after = at + leaf.size();
        while (after < code.size() && code[after] == ' ') ++after;
        if (after >= code.size()) continue;
        const char next = code[after];
        if ((next == '=' && code.compare(after, 2, "==") != 0) || next == '{' || next == ';' || next == ',' ||
            next == ')' || next == '[') {
            return true;
        }
    }
    return false;
}

std::string leaf_of(const std::string& key) { return key.substr(key.rfind('.') + 1); }
std::string parent_of(const std::string& key) {
    const auto section = key.substr(0, key.rfind('.'));
    return section.substr(section.rfind('.') + 1);
}

// Read by the chain `parent.leaf`, or by `.leaf` when no other key and no other variable or member
// in the bot's sources is called `leaf`.
bool key_is_read(const std::string& key, const std::map<std::string, int>& leaf_count) {
    const auto leaf = leaf_of(key);
    const auto parent = parent_of(key);
    const auto& sources = bot_sources();
    if (std::any_of(sources.begin(), sources.end(),
                    [&](const source_file& f) { return chain_read(f.code, parent, leaf); })) {
        return true;
    }
    if (leaf_count.at(leaf) > 1) return false;
    const bool shadowed =
        std::any_of(sources.begin(), sources.end(), [&](const source_file& f) { return declared(f.code, leaf); });
    if (shadowed) return false;
    return std::any_of(sources.begin(), sources.end(), [&](const source_file& f) {
        const auto hits = word_at(f.code, leaf);
        return std::any_of(hits.begin(), hits.end(), [&](std::size_t at) { return member_access(f.code, at); });
    });
}

TEST(config_keys_read, every_key_is_read_outside_the_config_module) {
    const auto keys = known_keys();
    std::map<std::string, int> leaf_count;
    // Both venue blocks are one struct (exchange_settings): count their members once.
    std::set<std::string> members;
    for (const auto& k : keys) members.insert(k.starts_with("exchanges.bybit.") ? "exchanges.binance." + k.substr(16) : k);
    for (const auto& k : members) ++leaf_count[leaf_of(k)];
    std::set<std::string_view> elsewhere;
    for (const auto& r : read_elsewhere) elsewhere.insert(r.key);

    std::vector<std::string> dead;
    std::vector<std::string> now_read;
    for (const auto& k : keys) {
        if (elsewhere.contains(k)) continue;
        const bool read = key_is_read(k, leaf_count);
        if (!read && !not_yet_in_effect.contains(k)) dead.push_back(k);
        if (read && not_yet_in_effect.contains(k)) now_read.push_back(k);
    }
    std::string dead_text;
    for (const auto& k : dead) dead_text += "\n  " + k;
    EXPECT_TRUE(dead.empty()) << "keys that no code outside src/config reads (give each its effect or remove "
                                 "it from the schema, settings and docs/CONFIG.md):"
                              << dead_text;
    for (const auto& k : now_read) {
        ADD_FAILURE() << k << " is read now: take it off not_yet_in_effect and docs/CONFIG.md's list";
    }
}

TEST(config_keys_read, indirect_reads_are_still_there) {
    const auto keys = known_keys();
    const auto root = tradebot::test::source_dir();
    for (const auto& r : read_elsewhere) {
        EXPECT_NE(std::find(keys.begin(), keys.end(), r.key), keys.end()) << r.key << " is not a key any more";
        const auto code = code_only(tradebot::test::read_file(root / r.file));
        EXPECT_NE(code.find(r.code), std::string::npos) << r.key << ": " << r.file << " no longer has " << r.code;
    }
}

TEST(config_keys_read, keys_not_in_effect_are_documented_so) {
    const auto doc = tradebot::test::read_file(tradebot::test::source_dir() / "docs" / "CONFIG.md");
    const auto keys = known_keys();
    for (const auto& k : not_yet_in_effect) {
        EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k << " is not a key any more";
        const auto row = doc.find("| `" + k + "`");
        ASSERT_NE(row, std::string::npos) << k << " has no row in docs/CONFIG.md";
        const auto line = doc.substr(row, doc.find('\n', row) - row);
        EXPECT_NE(line.find("Not yet in effect"), std::string::npos) << k << ": its row must say so: " << line;
    }
}

// A removed key still in someone's file is named as removed, with the reason, not as a typo.
TEST(config_keys_read, a_removed_key_says_why) {
    const tradebot::test::temp_dir dir;
    tradebot::test::write_file(dir.path() / "tradebot.yaml", "protection:\n  aged:\n    close_attempts: 3\n");
    const auto r = load(dir.path(), {});
    ASSERT_EQ(r.errors.size(), 1U);
    EXPECT_NE(r.errors.front().message.find("'protection.aged.close_attempts' was removed: "), std::string::npos)
        << r.errors.front().message;
}

// The scanner itself: comments and strings do not count, chains and unique members do.
TEST(config_keys_read, scanner_sees_reads_not_mentions) {
    EXPECT_EQ(code_only("a.b // s.http.enabled\nc \"http.enabled\" d"), "a.b \nc \"\" d");
    EXPECT_TRUE(chain_read("if (s.http.enabled) {", "http", "enabled"));
    EXPECT_FALSE(chain_read("if (s.xhttp.enabled) {", "http", "enabled"));
    EXPECT_TRUE(chain_read("settings_.exchange(id).margin_mode;", "bybit", "margin_mode"));
    EXPECT_FALSE(chain_read("settings_.exchange(id).margin_mode;", "http", "margin_mode"));
    EXPECT_TRUE(declared("    core::decimal trigger;", "trigger"));
    EXPECT_TRUE(declared("void f(int trigger, int b)", "trigger"));
    EXPECT_FALSE(declared("    return trigger;", "trigger"));
    EXPECT_FALSE(declared("x = s.trigger;", "trigger"));
}

}  // namespace
}  // namespace tradebot::config

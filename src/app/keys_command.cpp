#include "tradebot/app/keys_command.hpp"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <openssl/crypto.h>

#include "app/exit_codes.hpp"
#include "tradebot/secrets/sealed_value.hpp"

namespace tradebot::app {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

struct keys_options {
    std::string action;
    std::optional<fs::path> key_file;
    std::optional<fs::path> new_key_file;
    fs::path config_dir = "config";
    std::vector<fs::path> files;
    bool json = false;
};

po::options_description keys_option_list() {
    po::options_description opts{"Options"};
    opts.add_options()
        ("help,h", "show this help and exit")
        ("key-file", po::value<std::string>(), "the master key file (default: $TRADEBOT_MASTER_KEY_FILE, or $TRADEBOT_MASTER_KEY itself)")
        ("new-key-file", po::value<std::string>(), "rotate: the new master key file")
        ("config", po::value<std::string>()->default_value("config"), "rotate: directory holding tradebot.yaml")
        ("json", "machine-readable output");
    return opts;
}

// Hides what is typed when stdin is a terminal, and restores the terminal on every path out.
class hidden_input {
public:
    hidden_input() {
        if (::isatty(STDIN_FILENO) == 1 && ::tcgetattr(STDIN_FILENO, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    ~hidden_input() {
        if (active_) {
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
        }
    }
    hidden_input(const hidden_input&) = delete;
    hidden_input& operator=(const hidden_input&) = delete;
    [[nodiscard]] bool active() const noexcept { return active_; }

private:
    termios saved_{};
    bool active_ = false;
};

// All of stdin, less one trailing line break ("printf '%s' KEY" and "echo KEY" give the same value).
std::string read_secret(std::istream& in, std::ostream& err, const char* prompt) {
    std::string text;
    if (&in == &std::cin) {
        const hidden_input hide;
        if (hide.active()) {
            err << prompt << " (input hidden, end with Enter): " << std::flush;
            std::getline(in, text);
            err << '\n';
            return text;
        }
    }
    std::ostringstream all;
    all << in.rdbuf();
    text = all.str();
    if (text.ends_with('\n')) {
        text.pop_back();
        if (text.ends_with('\r')) {
            text.pop_back();
        }
    }
    return text;
}

secrets::key_result<secrets::master_key> current_key(const keys_options& o,
                                                     const std::map<std::string, std::string>& env) {
    return o.key_file ? secrets::read_master_key_file(*o.key_file) : secrets::master_key_from_environment(env);
}

void print_json(std::ostream& out, boost::json::object o) { out << boost::json::serialize(o) << '\n'; }

int generate(const keys_options& o, std::ostream& out, std::ostream& err) {
    if (!o.key_file) {
        auto key = secrets::master_key::generate();
        if (!key) {
            err << "tradebot keys generate: " << key.error().message() << '\n';
            return exit_failed;
        }
        out << key->to_base64() << '\n';
        return 0;
    }
    const auto key = secrets::create_master_key_file(*o.key_file);
    if (!key) {
        err << "tradebot keys generate: " << key.error().describe() << '\n';
        return exit_failed;
    }
    if (o.json) {
        print_json(out, {{"key_file", o.key_file->string()}, {"mode", "0600"}});
    } else {
        out << "keys generate: new master key written to " << o.key_file->string() << " (mode 0600)\n";
    }
    return 0;
}

int encrypt(const keys_options& o, const std::map<std::string, std::string>& env, std::istream& in,
            std::ostream& out, std::ostream& err) {
    const auto key = current_key(o, env);
    if (!key) {
        err << "tradebot keys encrypt: " << key.error().describe() << '\n';
        return exit_failed;
    }
    auto plain = read_secret(in, err, "secret to encrypt");
    if (plain.empty()) {
        err << "tradebot keys encrypt: nothing to encrypt (stdin was empty)\n";
        return exit_failed;
    }
    const auto sealed = secrets::seal(*key, plain);
    OPENSSL_cleanse(plain.data(), plain.size());
    if (!sealed) {
        err << "tradebot keys encrypt: " << sealed.error().message() << '\n';
        return exit_failed;
    }
    if (o.json) {
        print_json(out, {{"value", *sealed}});
    } else {
        out << *sealed << '\n';
    }
    return 0;
}

int decrypt(const keys_options& o, const std::map<std::string, std::string>& env, std::istream& in,
            std::ostream& out, std::ostream& err) {
    const auto key = current_key(o, env);
    if (!key) {
        err << "tradebot keys decrypt: " << key.error().describe() << '\n';
        return exit_failed;
    }
    std::ostringstream all;
    all << in.rdbuf();
    auto text = all.str();
    const auto first = text.find_first_not_of(" \t\r\n");
    text = first == std::string::npos ? std::string{} : text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
    const auto opened = secrets::open(*key, text);
    if (!opened) {
        err << "tradebot keys decrypt: " << opened.error().message() << '\n';
        return exit_failed;
    }
    if (o.json) {
        print_json(out, {{"value", *opened}});
    } else {
        out << *opened << '\n';
    }
    return 0;
}

// Base64 and the header's own characters: where an "enc:" token in a file ends.
bool token_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
           c == '=' || c == ':';
}

struct file_plan {
    fs::path path;
    std::string text;
    int rotated = 0;
    int already_new = 0;
};

// Re-seals every token of `plan.text` under `to`; a token that `from` cannot open but `to` can is
// left as it is (a rotation interrupted between two files). Any other failure is added to `errors`.
void reseal(file_plan& plan, const secrets::master_key& from, const secrets::master_key& to,
            std::vector<std::string>& errors) {
    std::string out;
    std::size_t done = 0;
    for (auto at = plan.text.find(secrets::sealed_prefix); at != std::string::npos;
         at = plan.text.find(secrets::sealed_prefix, done)) {
        auto end = at;
        while (end < plan.text.size() && token_char(plan.text[end])) {
            ++end;
        }
        const std::string_view token{plan.text.data() + at, end - at};
        out.append(plan.text, done, at - done);
        done = end;
        auto opened = secrets::open(from, token);
        if (!opened && secrets::open(to, token)) {
            ++plan.already_new;
            out += token;
            continue;
        }
        const auto line = 1 + std::count(plan.text.begin(), plan.text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
        if (!opened) {
            errors.push_back(plan.path.string() + ":" + std::to_string(line) + ": " + opened.error().message());
            out += token;
            continue;
        }
        const auto sealed = secrets::seal(to, *opened);
        OPENSSL_cleanse(opened->data(), opened->size());
        if (!sealed) {
            errors.push_back(plan.path.string() + ":" + std::to_string(line) + ": " + sealed.error().message());
            out += token;
            continue;
        }
        out += *sealed;
        ++plan.rotated;
    }
    out.append(plan.text, done);
    plan.text = std::move(out);
}

// Same directory, same mode, fsync, rename: a crash leaves the old file or the new one.
bool replace_file(const fs::path& path, const std::string& text, std::string& why) {
    const auto temp = path.parent_path() / ("." + path.filename().string() + ".rotate.tmp");
    std::error_code ec;
    const auto perms = fs::status(path, ec).permissions();
    {
        std::ofstream f{temp, std::ios::binary | std::ios::trunc};
        f << text;
        f.flush();
        if (!f) {
            why = "cannot write " + temp.string();
            fs::remove(temp, ec);
            return false;
        }
    }
    fs::permissions(temp, perms, ec);
    if (FILE* f = std::fopen(temp.c_str(), "rb")) {
        ::fsync(::fileno(f));
        std::fclose(f);
    }
    fs::rename(temp, path, ec);
    if (ec) {
        why = "cannot replace " + path.string() + ": " + ec.message();
        fs::remove(temp, ec);
        return false;
    }
    return true;
}

int rotate(const keys_options& o, const std::map<std::string, std::string>& env, std::ostream& out,
           std::ostream& err) {
    if (!o.new_key_file) {
        err << "tradebot keys rotate: --new-key-file is required (create one with 'tradebot keys generate "
               "--key-file FILE')\n";
        return exit_usage;
    }
    const auto from = current_key(o, env);
    if (!from) {
        err << "tradebot keys rotate: current key: " << from.error().describe() << '\n';
        return exit_failed;
    }
    const auto to = secrets::read_master_key_file(*o.new_key_file);
    if (!to) {
        err << "tradebot keys rotate: new key: " << to.error().describe() << '\n';
        return exit_failed;
    }
    auto files = o.files;
    if (files.empty()) {
        for (const char* name : {"tradebot.yaml", "exchanges.yaml", "strategies.yaml", ".env"}) {
            if (fs::exists(o.config_dir / name)) {
                files.push_back(o.config_dir / name);
            }
        }
    }
    // Everything is opened before anything is written: one value that does not open leaves every file as it was.
    std::vector<file_plan> plans;
    std::vector<std::string> errors;
    for (const auto& path : files) {
        std::ifstream f{path, std::ios::binary};
        if (!f) {
            errors.push_back(path.string() + ": cannot be read");
            continue;
        }
        std::ostringstream text;
        text << f.rdbuf();
        plans.push_back({path, text.str()});
        reseal(plans.back(), *from, *to, errors);
    }
    if (!errors.empty()) {
        for (const auto& e : errors) {
            err << "tradebot keys rotate: " << e << '\n';
        }
        err << "tradebot keys rotate: nothing was changed\n";
        return exit_failed;
    }
    boost::json::array report;
    int total = 0;
    for (const auto& p : plans) {
        std::string why;
        if (p.rotated > 0 && !replace_file(p.path, p.text, why)) {
            err << "tradebot keys rotate: " << why << " (files listed before it were rotated; run rotate again)\n";
            return exit_failed;
        }
        total += p.rotated;
        report.push_back({{"file", p.path.string()}, {"rotated", p.rotated}, {"already_new", p.already_new}});
        if (!o.json) {
            out << "keys rotate: " << p.path.string() << ": " << p.rotated << " value(s) re-encrypted"
                << (p.already_new > 0 ? ", " + std::to_string(p.already_new) + " already under the new key" : "")
                << '\n';
        }
    }
    // Values in the process environment live in a service file or a secret store this command cannot edit.
    std::vector<std::string> in_env;
    for (const auto& [name, value] : env) {
        if (name.starts_with("TRADEBOT_") && secrets::looks_sealed(value)) {
            in_env.push_back(name);
        }
    }
    if (o.json) {
        boost::json::array names;
        for (const auto& n : in_env) {
            names.emplace_back(n);
        }
        print_json(out, {{"files", std::move(report)}, {"rotated", total}, {"environment_not_rotated", std::move(names)}});
    } else {
        for (const auto& n : in_env) {
            out << "keys rotate: " << n << " holds an encrypted value in the environment; re-encrypt it with "
                   "'tradebot keys encrypt --key-file " << o.new_key_file->string() << "'\n";
        }
        out << "keys rotate: " << total << " value(s) now need the new key; point TRADEBOT_MASTER_KEY_FILE at "
            << o.new_key_file->string() << " before the next start\n";
    }
    return 0;
}

}  // namespace

std::string keys_usage() {
    std::ostringstream out;
    out << "Usage:\n"
        << "  tradebot keys generate [--key-file FILE]     new master key: into FILE (mode 0600, never overwritten)\n"
        << "                                               or printed to stdout\n"
        << "  tradebot keys encrypt [--key-file FILE]      read a secret on stdin, print its enc:v1:... value\n"
        << "  tradebot keys decrypt [--key-file FILE]      read an enc:v1:... value on stdin, print the secret\n"
        << "  tradebot keys rotate --new-key-file NEW [--key-file OLD] [--config DIR] [FILE...]\n"
        << "                                               re-encrypt every enc: value in FILEs (default: DIR's\n"
        << "                                               tradebot.yaml, exchanges.yaml, strategies.yaml, .env)\n\n"
        << "The master key is the base64 of 32 random bytes, read from --key-file, else from the file named by\n"
        << "TRADEBOT_MASTER_KEY_FILE, else from TRADEBOT_MASTER_KEY. A key file must be owned by this user\n"
        << "and not readable by group or others (chmod 600). Any config key holding a secret (API keys and\n"
        << "secrets, database password and URL) accepts an enc:v1:... value; the daemon opens it at start and\n"
        << "refuses to start when it cannot. Exit codes: 0 done, 1 failed, 2 usage error.\n\n"
        << keys_option_list();
    return out.str();
}

int run_keys(const std::vector<std::string>& args, const std::map<std::string, std::string>& env, std::istream& in,
             std::ostream& out, std::ostream& err) {
    keys_options o;
    try {
        po::options_description all = keys_option_list();
        all.add_options()("words", po::value<std::vector<std::string>>(), "");
        po::positional_options_description positional;
        positional.add("words", -1);
        po::variables_map vm;
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::notify(vm);
        if (vm.count("help") > 0) {
            out << keys_usage();
            return 0;
        }
        auto words = vm.count("words") > 0 ? vm["words"].as<std::vector<std::string>>() : std::vector<std::string>{};
        if (words.empty()) {
            err << "tradebot keys: which one: generate, encrypt, decrypt or rotate?\n" << keys_usage();
            return exit_usage;
        }
        o.action = words.front();
        o.files.assign(words.begin() + 1, words.end());
        if (vm.count("key-file") > 0) {
            o.key_file = vm["key-file"].as<std::string>();
        }
        if (vm.count("new-key-file") > 0) {
            o.new_key_file = vm["new-key-file"].as<std::string>();
        }
        o.config_dir = vm["config"].as<std::string>();
        o.json = vm.count("json") > 0;
    } catch (const po::error& e) {
        err << "tradebot keys: " << e.what() << "\nTry 'tradebot keys --help'.\n";
        return exit_usage;
    }
    if (o.action != "rotate" && !o.files.empty()) {
        err << "tradebot keys " << o.action << ": unexpected argument '" << o.files.front().string()
            << "' (secrets are read on stdin, never from the command line)\n";
        return exit_usage;
    }
    if (o.action == "generate") {
        return generate(o, out, err);
    }
    if (o.action == "encrypt") {
        return encrypt(o, env, in, out, err);
    }
    if (o.action == "decrypt") {
        return decrypt(o, env, in, out, err);
    }
    if (o.action == "rotate") {
        return rotate(o, env, out, err);
    }
    err << "tradebot keys: unknown action '" << o.action << "' (generate, encrypt, decrypt, rotate)\n";
    return exit_usage;
}

}  // namespace tradebot::app

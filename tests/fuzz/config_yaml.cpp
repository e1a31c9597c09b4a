// The config loader over YAML text: the input is config/tradebot.yaml of a directory of its own
// (no exchanges.yaml, strategies.yaml or .env), loaded with a small environment for ${VAR}
// expansion. Properties: load() never throws, and returns exactly one of a configuration or a
// non-empty list of errors, each naming the file it came from.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "fuzz_check.hpp"
#include "tradebot/config/loader.hpp"

namespace {

namespace fuzz = tradebot::fuzz;

std::filesystem::path make_directory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tradebot-fuzz-config-XXXXXX").string();
    const char* made = ::mkdtemp(pattern.data());
    fuzz::check(made != nullptr, "mkdtemp failed");
    return made;
}

struct directory {
    directory() : path{make_directory()} {}
    ~directory() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    directory(const directory&) = delete;
    directory& operator=(const directory&) = delete;
    std::filesystem::path path;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const directory dir;
    static const std::map<std::string, std::string> env{{"HOME", "/home/trader"}, {"FUZZ_VALUE", "12.5"}};
    {
        std::ofstream out{dir.path / "tradebot.yaml", std::ios::binary | std::ios::trunc};
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));  // NOLINT: bytes as chars
        fuzz::check(out.good(), "cannot write tradebot.yaml");
    }
    const auto result = tradebot::config::load(dir.path, env);
    fuzz::check(result.value.has_value() != !result.errors.empty(), "load() gave both or neither");
    for (const auto& e : result.errors) {
        fuzz::check(!e.file.empty() && !e.message.empty(), "an error without its file or message");
    }
    return 0;
}

#include "tradebot_test/env.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <random>
#include <stdexcept>

namespace tradebot::test {

std::optional<std::string> pg_url() {
    if (const char* url = std::getenv("TRADEBOT_TEST_PG_URL"); url != nullptr && *url != '\0') {
        return std::string{url};
    }
    return std::nullopt;
}

temp_dir::temp_dir() {
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto candidate = std::filesystem::temp_directory_path() / ("tradebot-test-" + std::to_string(rd()));
        if (std::filesystem::create_directory(candidate)) {
            path_ = std::move(candidate);
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary directory");
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out << text;
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in{path, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace tradebot::test

namespace tradebot::test {
bool allow_no_pg() {
    const char* v = std::getenv("TRADEBOT_TEST_ALLOW_NO_PG");
    return v != nullptr && std::string{v} == "1";
}
}  // namespace tradebot::test

#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace tradebot::logging {

// How logging is set up by init(). A plain struct: the config module maps its own settings onto it,
// so logging never reads files or the environment itself.
struct options {
    enum class format : unsigned char { kv, json };

    // trace | debug | info | warn | error | critical | off
    std::string level = "info";
    format fmt = format::kv;
    // Per-module overrides, e.g. {"http", "debug"}; modules not listed use `level`.
    std::map<std::string, std::string> module_levels;
    // Empty: no file. Otherwise a size-rotated file (file, file.1 ... file.<max_files>).
    std::string file;
    std::size_t max_file_bytes = std::size_t{100} * 1024 * 1024;
    std::size_t max_files = 10;
    // Lines waiting for the writer thread; when full the oldest waiting line is dropped.
    std::size_t queue_size = 8192;
    // Also write every line to stderr (stdout is reserved for command output such as --json).
    bool console = true;
};

}  // namespace tradebot::logging

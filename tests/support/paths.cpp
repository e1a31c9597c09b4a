// The one translation unit that knows where the tree and its build are: the paths are compiled in
// here alone, so every other test file is the same text in any clone and ccache shares it.
#include "tradebot_test/env.hpp"

namespace tradebot::test {

std::filesystem::path source_dir() { return TRADEBOT_TEST_SOURCE_DIR; }

std::filesystem::path binary_dir() { return TRADEBOT_TEST_BINARY_DIR; }

}  // namespace tradebot::test

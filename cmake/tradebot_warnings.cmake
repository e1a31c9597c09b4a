add_library(tradebot_warnings INTERFACE)
target_compile_options(tradebot_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
# GCC 12 reports a false -Wmismatched-new-delete for the frames of coroutines (asio aligned_new),
# in any file with a coroutine: set once here rather than as a pragma per file. Clang's warning
# of that name checks new[] against delete, is not affected, and stays on.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(tradebot_warnings INTERFACE -Wno-mismatched-new-delete)
endif()
# Off by default so that a packager's plain `cmake --build` with a newer compiler's new warnings
# still builds; the presets (CMakePresets.json) and so scripts/test.sh and CI turn it on.
if(TRADEBOT_WERROR)
  target_compile_options(tradebot_warnings INTERFACE -Werror)
endif()

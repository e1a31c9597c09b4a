add_library(tradebot_warnings INTERFACE)
target_compile_options(tradebot_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
# Off by default so that a packager's plain `cmake --build` with a newer compiler's new warnings
# still builds; the presets (CMakePresets.json) and so scripts/test.sh and CI turn it on.
if(TRADEBOT_WERROR)
  target_compile_options(tradebot_warnings INTERFACE -Werror)
endif()

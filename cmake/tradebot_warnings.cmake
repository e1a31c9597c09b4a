add_library(tradebot_warnings INTERFACE)
target_compile_options(tradebot_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(TRADEBOT_WERROR)
  target_compile_options(tradebot_warnings INTERFACE -Werror)
endif()

# ccache turns a rebuild of an unchanged translation unit into a cache hit; CI machines may lack it.
# The test programs use a precompiled header, which ccache caches only with this sloppiness (its
# manual, "Precompiled headers"); the PCH is passed with -include, as CMake does.
find_program(TRADEBOT_CCACHE ccache)
if(TRADEBOT_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=pch_defines,time_macros
    ${TRADEBOT_CCACHE})
  message(STATUS "tradebot: using ccache ${TRADEBOT_CCACHE}")
endif()

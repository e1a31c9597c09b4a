# ccache turns a rebuild of an unchanged translation unit into a cache hit; CI machines may lack it.
find_program(TRADEBOT_CCACHE ccache)
if(TRADEBOT_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${TRADEBOT_CCACHE})
  message(STATUS "tradebot: using ccache ${TRADEBOT_CCACHE}")
endif()

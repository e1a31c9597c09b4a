# GNU ld spends most of a link of our test programs reading the libraries' debug sections; lld
# links the same in a fraction of the time. Used when installed (scripts/install-deps.sh installs
# it) and the user has not chosen a linker (CMAKE_LINKER_TYPE, or -fuse-ld in the flags).
option(TRADEBOT_USE_LLD "Link with lld when it is installed" ON)
if(TRADEBOT_USE_LLD AND NOT CMAKE_EXE_LINKER_FLAGS MATCHES "-fuse-ld=")
  include(CheckLinkerFlag)
  check_linker_flag(CXX "-fuse-ld=lld" TRADEBOT_HAS_LLD)
  if(TRADEBOT_HAS_LLD)
    add_link_options(-fuse-ld=lld)
    message(STATUS "tradebot: linking with lld")
  endif()
endif()

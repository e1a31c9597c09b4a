# Versions are pinned to Debian 12: Boost 1.81 (libboost1.81-all-dev), libpqxx 6.4 through pkg-config.
find_package(Threads REQUIRED)
# Boost.JSON and Boost.URL have no compiled packages in Debian 1.81; src/core/boost_impl.cpp builds them.
find_package(Boost 1.81...<1.82 REQUIRED CONFIG COMPONENTS program_options)
find_package(OpenSSL 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(simdjson REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(prometheus-cpp REQUIRED CONFIG COMPONENTS core)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
# sd_notify for the systemd unit (packaging/systemd/): READY, WATCHDOG, STOPPING. libsystemd-dev.
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
if(TRADEBOT_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# Asio, SSL and Beast are compiled once, in their own small library, so that linking anything
# that uses Asio does not depend on any module's sources. Every user must see the same macros,
# which tradebot_asio_defs carries.
add_library(tradebot_asio STATIC ${PROJECT_SOURCE_DIR}/src/asio/asio_impl.cpp)
target_compile_definitions(tradebot_asio PUBLIC
  BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION BOOST_ASIO_NO_DEPRECATED
  BOOST_ASIO_DISABLE_BOOST_COROUTINE)
target_link_libraries(tradebot_asio PUBLIC Boost::headers OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
add_library(tradebot_asio_defs INTERFACE)
target_link_libraries(tradebot_asio_defs INTERFACE tradebot_asio)

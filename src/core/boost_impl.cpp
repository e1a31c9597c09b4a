// Debian 12 ships Boost.JSON and Boost.URL 1.81 as headers only; this translation unit holds
// their compiled parts for the whole program (include <boost/json.hpp> / <boost/url.hpp> elsewhere).
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>

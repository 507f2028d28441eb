// Boost.Asio compiled once for the whole program (BOOST_ASIO_SEPARATE_COMPILATION, DESIGN.md §10).
#include <boost/asio/impl/src.hpp>

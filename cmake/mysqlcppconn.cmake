# MySQL Connector/C++ 1.1 ships neither a CMake nor a pkg-config file. Debian's -dev package cannot
# be installed next to Boost 1.81 (it depends on libboost-dev 1.74), so scripts/lib/deps.sh unpacks
# its headers into the build tree and we link the runtime library from libmysqlcppconn7v5.
set(MYSQLCPPCONN_ROOT "" CACHE PATH "Folder holding include/cppconn (unpacked libmysqlcppconn-dev)")
find_path(MYSQLCPPCONN_INCLUDE_DIR mysql_driver.h
  HINTS ${MYSQLCPPCONN_ROOT}/usr/include ${MYSQLCPPCONN_ROOT}/include
  REQUIRED)
find_library(MYSQLCPPCONN_LIBRARY NAMES mysqlcppconn libmysqlcppconn.so.7 REQUIRED)
add_library(mysqlcppconn::mysqlcppconn SHARED IMPORTED)
set_target_properties(mysqlcppconn::mysqlcppconn PROPERTIES
  IMPORTED_LOCATION ${MYSQLCPPCONN_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${MYSQLCPPCONN_INCLUDE_DIR})
message(STATUS "MySQL Connector/C++: ${MYSQLCPPCONN_LIBRARY}, headers in ${MYSQLCPPCONN_INCLUDE_DIR}")

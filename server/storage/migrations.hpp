#pragma once
// Numbered SQL migrations from schema/ (embedded into the binary at build time), applied in order
// and recorded in schema_migrations. Applying twice changes nothing; an applied file that was
// edited afterwards stops the run (its checksum no longer matches).
#include "common/log.hpp"

#include <string>
#include <vector>

namespace sql {
class Connection;
}

namespace sharedstore {

struct migration_source {
    std::string file_name;  // "0001_users.sql"
    std::string sql;
};

struct migration {
    int version = 0;
    std::string file_name;
    std::string checksum;  // SHA-256 of the file, hex
    std::vector<std::string> statements;
};

const std::vector<migration_source>& embedded_migrations();

// Validates names (NNNN_name.sql, versions unique) and splits each file into statements.
// Throws std::invalid_argument naming the bad file.
std::vector<migration> prepare_migrations(const std::vector<migration_source>& sources);

// Splits SQL text into statements on ';', skipping comments and respecting quotes.
// DELIMITER blocks (stored procedures) are not supported.
std::vector<std::string> split_sql_statements(const std::string& text);

struct migration_report {
    std::vector<std::string> applied;  // file names applied by this run
    int already_applied = 0;
};

// Blocking; runs under a named lock so two instances never migrate at once.
migration_report apply_migrations(sql::Connection& connection, const std::vector<migration>& migrations, logger& log);

}  // namespace sharedstore

#include "server/storage/migrations.hpp"

#include "common/sha256.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

namespace sharedstore {

namespace {

bool only_blank(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

constexpr const char* lock_name = "sharedstore_migrate";

}  // namespace

std::vector<std::string> split_sql_statements(const std::string& text) {
    std::vector<std::string> statements;
    std::string current;
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n; ++i) {
        char c = text[i];
        char next = i + 1 < n ? text[i + 1] : '\0';
        if ((c == '-' && next == '-' && (i + 2 >= n || std::isspace(static_cast<unsigned char>(text[i + 2])))) || c == '#') {
            while (i < n && text[i] != '\n') ++i;
            current.push_back('\n');
            continue;
        }
        if (c == '/' && next == '*') {
            auto end = text.find("*/", i + 2);
            if (end == std::string::npos) throw std::invalid_argument("unterminated /* comment");
            i = end + 1;
            current.push_back(' ');
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            const char quote = c;
            current.push_back(c);
            for (++i; i < n; ++i) {
                current.push_back(text[i]);
                if (text[i] == '\\' && quote != '`' && i + 1 < n) {
                    current.push_back(text[++i]);
                } else if (text[i] == quote) {
                    if (i + 1 < n && text[i + 1] == quote) current.push_back(text[++i]);  // doubled quote
                    else break;
                }
            }
            if (i >= n) throw std::invalid_argument("unterminated quoted text");
            continue;
        }
        if (c == ';') {
            if (!only_blank(current)) statements.push_back(current);
            current.clear();
            continue;
        }
        current.push_back(c);
    }
    if (!only_blank(current)) statements.push_back(current);
    for (auto& s : statements) {
        auto first = s.find_first_not_of(" \t\r\n");
        auto last = s.find_last_not_of(" \t\r\n");
        s = s.substr(first, last - first + 1);
    }
    return statements;
}

std::vector<migration> prepare_migrations(const std::vector<migration_source>& sources) {
    std::vector<migration> out;
    std::set<int> versions;
    for (const auto& source : sources) {
        const auto& name = source.file_name;
        bool well_named = name.size() > 9 && name.compare(name.size() - 4, 4, ".sql") == 0 && name[4] == '_' &&
                          std::all_of(name.begin(), name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
        if (!well_named) throw std::invalid_argument("migration " + name + " is not named NNNN_description.sql");
        migration m;
        m.version = std::stoi(name.substr(0, 4));
        m.file_name = name;
        m.checksum = sha256_hex(source.sql);
        try {
            m.statements = split_sql_statements(source.sql);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("migration " + name + ": " + e.what());
        }
        if (m.statements.empty()) throw std::invalid_argument("migration " + name + " holds no statement");
        if (!versions.insert(m.version).second) throw std::invalid_argument("migration version " + name.substr(0, 4) + " is used twice");
        out.push_back(std::move(m));
    }
    std::sort(out.begin(), out.end(), [](const migration& a, const migration& b) { return a.version < b.version; });
    return out;
}

migration_report apply_migrations(sql::Connection& connection, const std::vector<migration>& migrations, logger& log) {
    {
        std::unique_ptr<sql::PreparedStatement> lock(connection.prepareStatement("SELECT GET_LOCK(?, 60)"));
        lock->setString(1, lock_name);
        std::unique_ptr<sql::ResultSet> rs(lock->executeQuery());
        if (!rs->next() || rs->isNull(1) || rs->getInt(1) != 1)
            throw std::runtime_error("another migrate run holds the lock; try again when it ends");
    }
    struct release_lock {
        sql::Connection& connection;
        ~release_lock() {
            try {
                std::unique_ptr<sql::PreparedStatement> release(connection.prepareStatement("SELECT RELEASE_LOCK(?)"));
                release->setString(1, lock_name);
                std::unique_ptr<sql::ResultSet> rs(release->executeQuery());
            } catch (...) {
            }
        }
    } releaser{connection};

    std::unique_ptr<sql::Statement> ddl(connection.createStatement());
    ddl->execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INT UNSIGNED NOT NULL PRIMARY KEY,"
        " file_name VARCHAR(255) NOT NULL,"
        " checksum CHAR(64) NOT NULL,"
        " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");

    std::map<int, std::string> applied;  // version -> checksum
    {
        std::unique_ptr<sql::PreparedStatement> select(connection.prepareStatement("SELECT version, checksum FROM schema_migrations"));
        std::unique_ptr<sql::ResultSet> rs(select->executeQuery());
        while (rs->next()) applied[rs->getInt(1)] = rs->getString(2);
    }

    migration_report report;
    for (const auto& m : migrations) {
        if (auto it = applied.find(m.version); it != applied.end()) {
            if (it->second != m.checksum)
                throw std::runtime_error("migration " + m.file_name +
                                         " was changed after it was applied; add a new migration instead");
            ++report.already_applied;
            continue;
        }
        log.info("migration_applying", {{"file", m.file_name}, {"statements", m.statements.size()}});
        // DDL commits implicitly in MariaDB, so a migration is not atomic: keep each one small,
        // and a failure names the statement so it can be repaired by hand.
        for (std::size_t i = 0; i < m.statements.size(); ++i) {
            try {
                ddl->execute(m.statements[i]);
            } catch (const sql::SQLException& e) {
                throw std::runtime_error("migration " + m.file_name + " failed at statement " + std::to_string(i + 1) + ": " + e.what());
            }
        }
        std::unique_ptr<sql::PreparedStatement> record(
            connection.prepareStatement("INSERT INTO schema_migrations (version, file_name, checksum) VALUES (?, ?, ?)"));
        record->setInt(1, m.version);
        record->setString(2, m.file_name);
        record->setString(3, m.checksum);
        record->executeUpdate();
        report.applied.push_back(m.file_name);
    }
    for (const auto& [version, checksum] : applied) {
        bool known = std::any_of(migrations.begin(), migrations.end(), [v = version](const migration& m) { return m.version == v; });
        if (!known) log.warn("migration_unknown", {{"version", version}, {"hint", "the database is newer than this binary"}});
    }
    return report;
}

}  // namespace sharedstore

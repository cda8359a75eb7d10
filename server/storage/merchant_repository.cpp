#include "server/storage/merchant_repository.hpp"

#include "server/storage/sql_support.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>

namespace sharedstore {

namespace {
using statement = mysql_statement;
using rows = std::unique_ptr<sql::ResultSet>;
}  // namespace

std::string_view to_string(staff_role role) {
    switch (role) {
    case staff_role::owner: return "owner";
    case staff_role::manager: return "manager";
    case staff_role::cashier: return "cashier";
    }
    return "cashier";
}

std::optional<staff_role> parse_staff_role(std::string_view text) {
    if (text == "owner") return staff_role::owner;
    if (text == "manager") return staff_role::manager;
    if (text == "cashier") return staff_role::cashier;
    return std::nullopt;
}

std::uint64_t insert_merchant(mysql_connection& db, const std::string& name, const std::string& time_zone, std::uint64_t owner_user_id) {
    statement insert(db.prepare("INSERT INTO merchants (name, time_zone, owner_user_id) VALUES (?, ?, ?)"));
    insert->setString(1, name);
    insert->setString(2, time_zone);
    insert->setUInt64(3, owner_user_id);
    insert->executeUpdate();
    const auto merchant_id = last_insert_id(db);
    upsert_staff(db, merchant_id, owner_user_id, staff_role::owner, owner_user_id);
    return merchant_id;
}

void lock_merchant(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare("SELECT id FROM merchants WHERE id = ? FOR UPDATE"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
}

std::optional<merchant_record> find_merchant(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare(std::string("SELECT id, name, owner_user_id, time_zone, allow_existing_customers, "
                                                     "cards_for_owned_customers, protection_days, ") +
                                         sql_micros("created_at") + ", settlement_delay_days, "
                                         "EXISTS (SELECT 1 FROM member_programs p WHERE p.merchant_id = merchants.id), "
                                         "EXISTS (SELECT 1 FROM bonus_config_versions b WHERE b.merchant_id = merchants.id) FROM merchants WHERE id = ?"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    merchant_record m{.id = rs->getUInt64(1),
                      .name = rs->getString(2),
                      .owner_user_id = rs->getUInt64(3),
                      .time_zone = rs->getString(4),
                      .allow_existing_customers = rs->getBoolean(5),
                      .cards_for_owned_customers = rs->getBoolean(6),
                      .protection_days = std::nullopt,
                      .created_at = from_micros(rs->getInt64(8))};
    if (!rs->isNull(7)) m.protection_days = static_cast<int>(rs->getUInt(7));
    m.settlement_delay_days = static_cast<int>(rs->getUInt(9));
    m.has_member_program = rs->getBoolean(10);
    m.has_bonus_config = rs->getBoolean(11);
    return m;
}

void update_merchant_settings(mysql_connection& db, std::uint64_t merchant_id, const merchant_settings& settings) {
    statement update(db.prepare(
        "UPDATE merchants SET allow_existing_customers = ?, cards_for_owned_customers = ?, protection_days = ?, settlement_delay_days = ? "
        "WHERE id = ?"));
    update->setBoolean(1, settings.allow_existing_customers);
    update->setBoolean(2, settings.cards_for_owned_customers);
    if (settings.protection_days) update->setInt(3, *settings.protection_days);
    else update->setNull(3, 0);
    update->setInt(4, settings.settlement_delay_days);
    update->setUInt64(5, merchant_id);
    update->executeUpdate();
}

std::optional<staff_role> find_staff_role(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id) {
    statement select(db.prepare("SELECT role FROM merchant_staff WHERE merchant_id = ? AND user_id = ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, user_id);
    rows rs(select->executeQuery());
    if (!rs->next()) return std::nullopt;
    return parse_staff_role(std::string(rs->getString(1)));
}

std::vector<staff_member> list_staff(mysql_connection& db, std::uint64_t merchant_id) {
    statement select(db.prepare(std::string("SELECT user_id, role, added_by_user_id, ") + sql_micros("created_at") +
                                         " FROM merchant_staff WHERE merchant_id = ? ORDER BY created_at, user_id"));
    select->setUInt64(1, merchant_id);
    rows rs(select->executeQuery());
    std::vector<staff_member> out;
    while (rs->next())
        out.push_back({rs->getUInt64(1), parse_staff_role(std::string(rs->getString(2))).value_or(staff_role::cashier), rs->getUInt64(3),
                       from_micros(rs->getInt64(4))});
    return out;
}

void upsert_staff(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id, staff_role role, std::uint64_t added_by) {
    statement upsert(db.prepare(
        "INSERT INTO merchant_staff (merchant_id, user_id, role, added_by_user_id) VALUES (?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE role = VALUES(role)"));
    upsert->setUInt64(1, merchant_id);
    upsert->setUInt64(2, user_id);
    upsert->setString(3, std::string(to_string(role)));
    upsert->setUInt64(4, added_by);
    upsert->executeUpdate();
}

bool delete_staff(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t user_id) {
    statement del(db.prepare("DELETE FROM merchant_staff WHERE merchant_id = ? AND user_id = ? AND role <> 'owner'"));
    del->setUInt64(1, merchant_id);
    del->setUInt64(2, user_id);
    return del->executeUpdate() > 0;
}

bool user_exists(mysql_connection& db, std::uint64_t user_id) {
    statement select(db.prepare("SELECT 1 FROM users WHERE id = ?"));
    select->setUInt64(1, user_id);
    rows rs(select->executeQuery());
    return rs->next();
}

int insert_tier_version(mysql_connection& db, std::uint64_t merchant_id, std::int32_t profit_margin_bp,
                        const std::map<std::string, std::int32_t>& category_margins_bp, std::vector<share_tier> tiers,
                        std::uint64_t created_by) {
    {
        // Serialises concurrent changes of one store's tiers.
        statement lock(db.prepare("SELECT id FROM merchants WHERE id = ? FOR UPDATE"));
        lock->setUInt64(1, merchant_id);
        rows locked(lock->executeQuery());
    }
    int version = 1;
    {
        // A locking read: a plain SELECT would read the transaction's snapshot, taken before the
        // lock above was granted, and two concurrent changes would both compute the same version.
        statement last(db.prepare("SELECT COALESCE(MAX(version), 0) + 1 FROM tier_versions WHERE merchant_id = ? FOR UPDATE"));
        last->setUInt64(1, merchant_id);
        rows rs(last->executeQuery());
        rs->next();
        // COALESCE(MAX(..)) + 1 is a BIGINT: Connector/C++ 1.1 misreads it through getInt().
        version = static_cast<int>(rs->getInt64(1));
    }
    statement insert(db.prepare(
        "INSERT INTO tier_versions (merchant_id, version, profit_margin_bp, created_by_user_id) VALUES (?, ?, ?, ?)"));
    insert->setUInt64(1, merchant_id);
    insert->setInt(2, version);
    insert->setInt(3, profit_margin_bp);
    insert->setUInt64(4, created_by);
    insert->executeUpdate();
    const auto version_id = last_insert_id(db);

    std::sort(tiers.begin(), tiers.end(), [](const share_tier& a, const share_tier& b) { return a.buy_in_fen < b.buy_in_fen; });
    statement tier(db.prepare(
        "INSERT INTO tier_version_tiers (tier_version_id, position, name, buy_in_fen, ratio_bp) VALUES (?, ?, ?, ?, ?)"));
    for (std::size_t i = 0; i < tiers.size(); ++i) {
        tier->setUInt64(1, version_id);
        tier->setInt(2, static_cast<int>(i));
        tier->setString(3, tiers[i].name);
        tier->setInt64(4, tiers[i].buy_in_fen);
        tier->setInt(5, tiers[i].ratio_bp);
        tier->executeUpdate();
    }
    statement margin(db.prepare(
        "INSERT INTO tier_version_category_margins (tier_version_id, category, profit_margin_bp) VALUES (?, ?, ?)"));
    for (const auto& [category, bp] : category_margins_bp) {
        margin->setUInt64(1, version_id);
        margin->setString(2, category);
        margin->setInt(3, bp);
        margin->executeUpdate();
    }
    return version;
}

namespace {

// Versions by a query whose columns are (id, version, profit_margin_bp, created_by_user_id,
// created_at), with their tiers and margins.
std::vector<tier_version_record> read_tier_versions(mysql_connection& db, sql::PreparedStatement& select) {
    std::vector<tier_version_record> versions;
    {
        rows rs(select.executeQuery());
        while (rs->next()) {
            tier_version_record v;
            v.id = rs->getUInt64(1);
            v.version = static_cast<int>(rs->getUInt(2));
            v.profit_margin_bp = static_cast<std::int32_t>(rs->getUInt(3));
            v.created_by_user_id = rs->getUInt64(4);
            v.created_at = from_micros(rs->getInt64(5));
            versions.push_back(std::move(v));
        }
    }
    // Read each result set whole before the next statement runs (Connector/C++ invalidates it).
    statement tiers(db.prepare("SELECT name, buy_in_fen, ratio_bp FROM tier_version_tiers WHERE tier_version_id = ? ORDER BY position"));
    statement margins(db.prepare("SELECT category, profit_margin_bp FROM tier_version_category_margins WHERE tier_version_id = ?"));
    for (auto& v : versions) {
        tiers->setUInt64(1, v.id);
        {
            rows rs(tiers->executeQuery());
            while (rs->next()) v.tiers.push_back({rs->getString(1), rs->getInt64(2), static_cast<std::int32_t>(rs->getUInt(3))});
        }
        margins->setUInt64(1, v.id);
        {
            rows rs(margins->executeQuery());
            while (rs->next()) v.category_margins_bp[rs->getString(1)] = static_cast<std::int32_t>(rs->getUInt(2));
        }
    }
    return versions;
}

const std::string tier_version_columns =
    std::string("SELECT id, version, profit_margin_bp, created_by_user_id, ") + sql_micros("created_at") + " FROM tier_versions ";

}  // namespace

std::vector<tier_version_record> list_tier_versions(mysql_connection& db, std::uint64_t merchant_id, int limit) {
    statement select(db.prepare(tier_version_columns + "WHERE merchant_id = ? ORDER BY version DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setInt(2, limit);
    return read_tier_versions(db, *select);
}

std::optional<tier_version_record> find_tier_version(mysql_connection& db, std::uint64_t merchant_id, std::uint64_t version_id) {
    statement select(db.prepare(tier_version_columns + "WHERE merchant_id = ? AND id = ?"));
    select->setUInt64(1, merchant_id);
    select->setUInt64(2, version_id);
    auto versions = read_tier_versions(db, *select);
    if (versions.empty()) return std::nullopt;
    return std::move(versions.front());
}

std::vector<tier_version_record> list_tier_versions_in_window(mysql_connection& db, std::uint64_t merchant_id, const std::string& from,
                                                              const std::string& to, int limit) {
    statement select(db.prepare(tier_version_columns +
                                "WHERE merchant_id = ? AND created_at < ? AND version >= COALESCE("
                                "(SELECT MAX(version) FROM tier_versions WHERE merchant_id = ? AND created_at <= ?), 0) "
                                "ORDER BY version DESC LIMIT ?"));
    select->setUInt64(1, merchant_id);
    select->setString(2, to);
    select->setUInt64(3, merchant_id);
    select->setString(4, from);
    select->setInt(5, limit);
    return read_tier_versions(db, *select);
}

std::optional<tier_version_record> find_tier_version_at(mysql_connection& db, std::uint64_t merchant_id, const std::string& at) {
    statement select(db.prepare(tier_version_columns + "WHERE merchant_id = ? AND created_at <= ? ORDER BY version DESC LIMIT 1"));
    select->setUInt64(1, merchant_id);
    select->setString(2, at);
    auto versions = read_tier_versions(db, *select);
    if (versions.empty()) return std::nullopt;
    return std::move(versions.front());
}

}  // namespace sharedstore

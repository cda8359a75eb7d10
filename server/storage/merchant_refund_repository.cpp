#include "server/storage/merchant_refund_repository.hpp"

#include "server/storage/sql_support.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <stdexcept>

namespace sharedstore {

namespace {

using rows = std::unique_ptr<sql::ResultSet>;

const std::string columns =
    "SELECT id, merchant_id, order_id, requested_by_user_id, request_id, out_refund_no, reason, status, "
    "COALESCE(wechat_refund_id, ''), COALESCE(failure_code, ''), " + sql_micros("created_at") + ", amount_fen FROM merchant_refunds ";

std::optional<merchant_refund_record> first(sql::PreparedStatement& select) {
    rows rs(select.executeQuery());
    if (!rs->next()) return std::nullopt;
    merchant_refund_record r;
    r.id = rs->getUInt64(1);
    r.merchant_id = rs->getUInt64(2);
    r.order_id = rs->getUInt64(3);
    r.requested_by_user_id = rs->getUInt64(4);
    r.request_id = rs->getString(5);
    r.out_refund_no = rs->getString(6);
    r.reason = rs->getString(7);
    const std::string status = rs->getString(8);
    const auto parsed = parse_refund_request_status(status);
    if (!parsed) throw std::runtime_error("merchant refund " + std::to_string(r.id) + " has an unknown status " + status);
    r.status = *parsed;
    r.wechat_refund_id = rs->getString(9);
    r.failure_code = rs->getString(10);
    r.created_at = from_micros(rs->getInt64(11));
    r.amount_fen = rs->getInt64(12);
    return r;
}

}  // namespace

std::optional<merchant_refund_record> find_merchant_refund_by_request(mysql_connection& db, std::uint64_t merchant_id,
                                                                      const std::string& request_id) {
    mysql_statement select(db.prepare(columns + "WHERE merchant_id = ? AND request_id = ? FOR UPDATE"));
    select->setUInt64(1, merchant_id);
    select->setString(2, request_id);
    return first(*select);
}

std::optional<merchant_refund_record> find_merchant_refund_by_out_refund_no(mysql_connection& db, const std::string& out_refund_no) {
    mysql_statement select(db.prepare(columns + "WHERE out_refund_no = ? FOR UPDATE"));
    select->setString(1, out_refund_no);
    return first(*select);
}

std::int64_t processing_refund_total(mysql_connection& db, std::uint64_t order_id) {
    mysql_statement select(db.prepare(
        "SELECT COALESCE(SUM(amount_fen), 0) FROM merchant_refunds WHERE order_id = ? AND status = 'processing' FOR UPDATE"));
    select->setUInt64(1, order_id);
    rows rs(select->executeQuery());
    return rs->next() ? rs->getInt64(1) : 0;
}

std::uint64_t insert_merchant_refund(mysql_connection& db, const merchant_refund_record& r) {
    mysql_statement insert(db.prepare(
        "INSERT INTO merchant_refunds (merchant_id, order_id, request_id, out_refund_no, amount_fen, reason, requested_by_user_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert->setUInt64(1, r.merchant_id);
    insert->setUInt64(2, r.order_id);
    insert->setString(3, r.request_id);
    insert->setString(4, r.out_refund_no);
    insert->setInt64(5, r.amount_fen);
    insert->setString(6, r.reason);
    insert->setUInt64(7, r.requested_by_user_id);
    insert->executeUpdate();
    return last_insert_id(db);
}

void finish_merchant_refund(mysql_connection& db, const std::string& out_refund_no, refund_request_status status,
                            const std::string& wechat_refund_id, const std::string& failure_code) {
    mysql_statement update(db.prepare(
        "UPDATE merchant_refunds SET status = ?, wechat_refund_id = COALESCE(NULLIF(?, ''), wechat_refund_id), "
        "failure_code = NULLIF(?, '') WHERE out_refund_no = ? AND status = 'processing'"));
    update->setString(1, std::string(to_string(status)));
    update->setString(2, wechat_refund_id);
    update->setString(3, failure_code);
    update->setString(4, out_refund_no);
    update->executeUpdate();
}

void set_merchant_refund_wechat_id(mysql_connection& db, const std::string& out_refund_no, const std::string& wechat_refund_id) {
    mysql_statement update(db.prepare("UPDATE merchant_refunds SET wechat_refund_id = ? WHERE out_refund_no = ? AND wechat_refund_id IS NULL"));
    update->setString(1, wechat_refund_id);
    update->setString(2, out_refund_no);
    update->executeUpdate();
}

}  // namespace sharedstore

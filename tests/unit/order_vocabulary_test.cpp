// The order and payment-anomaly words as the SQL and JSON edges read and write them: every value
// reads back as itself, and a word of no value is refused rather than read as a default.
#include "server/domain/order_vocabulary.hpp"

#include <gtest/gtest.h>

using namespace sharedstore;

TEST(order_vocabulary, every_payment_anomaly_kind_reads_back_as_itself) {
    for (auto kind : {payment_anomaly_kind::payment_mismatch, payment_anomaly_kind::refund_unknown_order, payment_anomaly_kind::refund_conflict,
                      payment_anomaly_kind::refund_exceeds_order}) {
        auto read = parse_payment_anomaly_kind(to_string(kind));
        ASSERT_TRUE(read.has_value()) << to_string(kind);
        EXPECT_EQ(*read, kind);
    }
    EXPECT_EQ(to_string(payment_anomaly_kind::refund_exceeds_order), "refund_exceeds_order");
    EXPECT_FALSE(parse_payment_anomaly_kind("").has_value());
    EXPECT_FALSE(parse_payment_anomaly_kind("Payment_Mismatch").has_value());
}

TEST(order_vocabulary, order_words_read_back_and_unknown_ones_are_refused) {
    for (auto status : {order_status::created, order_status::paid, order_status::closed}) EXPECT_EQ(parse_order_status(to_string(status)), status);
    for (auto kind : {order_kind::purchase, order_kind::buy_in}) EXPECT_EQ(parse_order_kind(to_string(kind)), kind);
    EXPECT_FALSE(parse_order_status("refunded").has_value());
    EXPECT_FALSE(parse_payment_source("cash").has_value());
}

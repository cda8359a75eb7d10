// Statements as documents (server/domain/statement_documents.hpp): the CSV's quoting and formula
// guard, yuan amounts, and a PDF that pdftotext reads back (Chinese included) when it is installed.
#include "server/domain/statement_documents.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace sharedstore;

namespace {

statement_document sample() {
    return statement_document{.title = "分润对账单 Share statement",
                              .header = {{"收款方 Payee", "南山区服务中心"}, {"应付 Payable (yuan)", yuan_text(240000)}},
                              .tables = {{.title = "商户 Merchants",
                                          .columns = {"商户 Merchant", "净额 Net"},
                                          .rows = {{"=cmd|' /C calc'!A0", "2400000"}, {"茶, \"好\"", "-100"}}}}};
}

}  // namespace

TEST(statement_documents, yuan_are_exact) {
    EXPECT_EQ(yuan_text(123456), "1234.56");
    EXPECT_EQ(yuan_text(-5), "-0.05");
    EXPECT_EQ(yuan_text(0), "0.00");
    EXPECT_EQ(yuan_text(-9223372036854775807LL - 1), "-92233720368547758.08");
}

TEST(statement_documents, the_pdf_writes_broken_utf8_as_replacement_characters_and_keeps_what_follows) {
    const statement_document d{.title = "a\xE4\xB8" "b\xF0\x9F\x98\x80" "c\xC3", .header = {}, .tables = {}};
    const auto pdf = statement_pdf(d);
    // a, U+FFFD for the cut sequence, b, U+FFFD for the emoji (outside UCS-2), c, U+FFFD at the end.
    EXPECT_NE(pdf.find("<0061FFFD0062FFFD0063FFFD>"), std::string::npos);
}

TEST(statement_documents, csv_quotes_and_defuses_formulas) {
    const auto csv = statement_csv(sample());
    EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
    EXPECT_NE(csv.find("'=cmd|' /C calc'!A0,2400000\r\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\"茶, \"\"好\"\"\",-100\r\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("应付 Payable (yuan),2400.00\r\n"), std::string::npos) << csv;
}

TEST(statement_documents, the_pdf_reads_back_with_pdftotext) {
    const auto pdf = statement_pdf(sample());
    ASSERT_EQ(pdf.substr(0, 8), "%PDF-1.4");
    EXPECT_NE(pdf.find("/BaseFont /STSong-Light"), std::string::npos);
    EXPECT_EQ(pdf.substr(pdf.size() - 6), "%%EOF\n");
    if (std::system("command -v pdftotext >/dev/null 2>&1") != 0) GTEST_SKIP() << "pdftotext (poppler-utils) is not installed";
    const std::string path = ::testing::TempDir() + "statement_documents_test.pdf";
    std::ofstream(path, std::ios::binary) << pdf;
    const auto command = "pdftotext -layout " + path + " " + path + ".txt 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ifstream in(path + ".txt");
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("分润对账单 Share statement"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("南山区服务中心"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("2400.00"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("茶, \"好\""), std::string::npos) << text.str();
}

#pragma once
// A statement as a document to hand over (docs/promoters-and-centres.md "Exports"): a title,
// labelled header values and tables, written as CSV (UTF-8 with a byte-order mark, so that
// spreadsheet programs read the Chinese names; RFC 4180 quoting; a text cell that a spreadsheet
// would run as a formula is prefixed with ') or as a PDF (A4, text only, in the PDF's standard
// Chinese font STSong-Light, which readers supply, with a ToUnicode map so that its text can be
// searched and extracted). Pure.
#include <string>
#include <utility>
#include <vector>

namespace sharedstore {

struct document_table {
    std::string title;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
};

struct statement_document {
    std::string title;
    std::vector<std::pair<std::string, std::string>> header;
    std::vector<document_table> tables;
};

std::string statement_csv(const statement_document& document);
std::string statement_pdf(const statement_document& document);

// 123456 -> "1234.56", -5 -> "-0.05": fen as yuan for people, exact.
std::string yuan_text(long long fen);

}  // namespace sharedstore

#include "server/domain/statement_documents.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdint>

namespace sharedstore {

namespace {

bool numeric(const std::string& cell) {
    if (cell.empty()) return false;
    std::size_t i = cell[0] == '-' ? 1 : 0;
    if (i == cell.size()) return false;
    for (; i < cell.size(); ++i)
        if (!((cell[i] >= '0' && cell[i] <= '9') || cell[i] == '.')) return false;
    return true;
}

std::string csv_cell(const std::string& cell) {
    std::string text = cell;
    // A name like "=HYPERLINK(...)" would run in a spreadsheet: shown as text instead.
    if (!numeric(text) && !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' || text[0] == '\r'))
        text.insert(text.begin(), '\'');
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

void csv_row(std::string& out, const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) out += ',';
        out += csv_cell(cells[i]);
    }
    out += "\r\n";
}

// UTF-8 to UTF-16BE code units as hex (the font's UniGB-UCS2-H encoding is UCS-2: characters
// outside the Basic Multilingual Plane are shown as U+FFFD).
std::string ucs2_hex(const std::string& text) {
    std::string out;
    char buffer[8];
    // A sequence cut short is one U+FFFD (its lead and the continuation bytes it has); the byte
    // that cut it is read anew. Four-byte sequences are outside UCS-2: U+FFFD too.
    auto continues = [&](std::size_t at) { return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80; };
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::uint32_t cp = 0xFFFD;
        std::size_t n = 1;
        const std::size_t length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        while (n < length && continues(i + n)) ++n;
        if (c < 0x80) cp = c;
        else if (n == length && length == 2) cp = ((c & 0x1F) << 6) | (text[i + 1] & 0x3F);
        else if (n == length && length == 3) cp = ((c & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F);
        if (cp > 0xFFFF || cp < 0x20) cp = cp < 0x20 ? 0x20 : 0xFFFD;
        std::snprintf(buffer, sizeof buffer, "%04X", static_cast<unsigned>(cp));
        out += buffer;
        i += n;
    }
    return out;
}

// Columns placed across the page's width: the first (names) wider.
std::vector<int> column_positions(std::size_t count) {
    std::vector<int> x;
    const int left = 40, width = 515;
    if (count == 0) return x;
    const int first = count > 1 ? width * 3 / 10 : width;
    x.push_back(left);
    for (std::size_t i = 1; i < count; ++i) x.push_back(left + first + static_cast<int>((width - first) * (i - 1) / (count - 1)));
    return x;
}

class pdf_pages {
public:
    void text(int x, int size, const std::string& line) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "BT /F1 %d Tf %d %d Td <", size, x, y_);
        current_ += buffer;
        current_ += ucs2_hex(line);
        current_ += "> Tj ET\n";
    }
    void next_line(int leading) {
        y_ -= leading;
        if (y_ < 50) new_page();
    }
    void new_page() {
        pages_.push_back(std::move(current_));
        current_.clear();
        y_ = top;
    }
    std::vector<std::string> finish() {
        if (!current_.empty() || pages_.empty()) pages_.push_back(std::move(current_));
        return std::move(pages_);
    }

private:
    static constexpr int top = 800;
    int y_ = top;
    std::string current_;
    std::vector<std::string> pages_;
};

// Codes are UTF-16BE units and so are their characters: an identity map, one range per high
// byte (surrogates are never written), in blocks of at most 100 ranges.
std::string to_unicode_cmap() {
    std::vector<std::string> ranges;
    char buffer[48];
    for (int hi = 0; hi < 256; ++hi) {
        if (hi >= 0xD8 && hi <= 0xDF) continue;
        std::snprintf(buffer, sizeof buffer, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
        ranges.emplace_back(buffer);
    }
    std::string out =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    for (std::size_t start = 0; start < ranges.size(); start += 100) {
        const auto n = std::min<std::size_t>(100, ranges.size() - start);
        out += std::to_string(n) + " beginbfrange\n";
        for (std::size_t i = start; i < start + n; ++i) out += ranges[i];
        out += "endbfrange\n";
    }
    out += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    return out;
}

}  // namespace

std::string yuan_text(long long fen) {
    const bool negative = fen < 0;
    const unsigned long long magnitude = negative ? 0ULL - static_cast<unsigned long long>(fen) : static_cast<unsigned long long>(fen);
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%s%llu.%02llu", negative ? "-" : "", magnitude / 100, magnitude % 100);
    return buffer;
}

std::string statement_csv(const statement_document& d) {
    std::string out = "\xEF\xBB\xBF";
    csv_row(out, {d.title});
    for (const auto& [label, value] : d.header) csv_row(out, {label, value});
    for (const auto& t : d.tables) {
        out += "\r\n";
        csv_row(out, {t.title});
        csv_row(out, t.columns);
        for (const auto& r : t.rows) csv_row(out, r);
    }
    return out;
}

std::string statement_pdf(const statement_document& d) {
    pdf_pages pages;
    pages.text(40, 16, d.title);
    pages.next_line(28);
    for (const auto& [label, value] : d.header) {
        pages.text(40, 10, label);
        pages.text(220, 10, value);
        pages.next_line(15);
    }
    for (const auto& t : d.tables) {
        pages.next_line(12);
        pages.text(40, 12, t.title);
        pages.next_line(18);
        const auto x = column_positions(t.columns.size());
        for (std::size_t i = 0; i < t.columns.size(); ++i) pages.text(x[i], 9, t.columns[i]);
        pages.next_line(14);
        for (const auto& r : t.rows) {
            for (std::size_t i = 0; i < r.size() && i < x.size(); ++i) pages.text(x[i], 9, r[i]);
            pages.next_line(13);
        }
    }
    const auto contents = pages.finish();

    // Objects: 1 catalog, 2 pages, 3 font, 4 descendant font, 5 descriptor, 6 ToUnicode, then a
    // page and its contents for each page.
    std::vector<std::string> objects;
    std::string kids;
    for (std::size_t i = 0; i < contents.size(); ++i) kids += std::to_string(7 + 2 * i) + " 0 R ";
    objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
    objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(contents.size()) + " >>");
    objects.push_back("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>");
    objects.push_back("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
                      "/FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>");
    objects.push_back("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 "
                      "/Descent -120 /CapHeight 880 /StemV 93 >>");
    const auto cmap = to_unicode_cmap();
    objects.push_back("<< /Length " + std::to_string(cmap.size()) + " >>\nstream\n" + cmap + "endstream");
    for (std::size_t i = 0; i < contents.size(); ++i) {
        objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents " +
                          std::to_string(8 + 2 * i) + " 0 R >>");
        objects.push_back("<< /Length " + std::to_string(contents[i].size()) + " >>\nstream\n" + contents[i] + "endstream");
    }
    std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const auto xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    char buffer[32];
    for (auto offset : offsets) {
        std::snprintf(buffer, sizeof buffer, "%010zu 00000 n \n", offset);
        out += buffer;
    }
    out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

}  // namespace sharedstore

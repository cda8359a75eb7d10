#include "server/http/static_files.hpp"

#include "common/http/router.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>

namespace sharedstore {

namespace {

bool servable_segment(const std::string& segment) {
    if (segment.empty() || segment.front() == '.') return false;  // "", ".", "..", dot files
    for (char c : segment) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '/' || c == '\\') return false;
    }
    return true;
}

std::string lower_extension(std::string_view name) {
    const auto dot = name.rfind('.');
    std::string ext(dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1));
    for (auto& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return ext;
}

// realpath(3) into a std::string; nullopt when the path does not resolve.
std::optional<std::string> resolved(const std::string& path) {
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
    if (!real) return std::nullopt;
    return std::string(real.get());
}

struct fd_guard {
    int fd;
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
};

std::string hex(std::uint64_t v) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    do {
        out.insert(out.begin(), digits[v & 15]);
        v >>= 4;
    } while (v);
    return out;
}

}  // namespace

std::optional<std::vector<std::string>> static_path_segments(std::string_view raw_tail) {
    std::vector<std::string> segments;
    if (raw_tail.empty()) return segments;
    if (raw_tail.back() == '/') raw_tail.remove_suffix(1);
    for (;;) {
        const auto slash = raw_tail.find('/');
        std::string decoded;
        if (!percent_decode(raw_tail.substr(0, slash), decoded) || !servable_segment(decoded)) return std::nullopt;
        segments.push_back(std::move(decoded));
        if (slash == std::string_view::npos) break;
        raw_tail.remove_prefix(slash + 1);
    }
    return segments;
}

bool has_extension(std::string_view segment) {
    const auto dot = segment.rfind('.');
    return dot != std::string_view::npos && dot + 1 < segment.size();
}

std::string_view content_type_for(std::string_view file_name) {
    struct entry {
        std::string_view extension, type;
    };
    static constexpr std::array types{
        entry{"html", "text/html; charset=utf-8"},
        entry{"js", "text/javascript; charset=utf-8"},  // RFC 9239
        entry{"mjs", "text/javascript; charset=utf-8"},
        entry{"css", "text/css; charset=utf-8"},
        entry{"json", "application/json"},
        entry{"map", "application/json"},
        entry{"webmanifest", "application/manifest+json"},
        entry{"txt", "text/plain; charset=utf-8"},
        entry{"xml", "application/xml"},
        entry{"svg", "image/svg+xml"},
        entry{"png", "image/png"},
        entry{"jpg", "image/jpeg"},
        entry{"jpeg", "image/jpeg"},
        entry{"gif", "image/gif"},
        entry{"webp", "image/webp"},
        entry{"avif", "image/avif"},
        entry{"ico", "image/x-icon"},
        entry{"woff", "font/woff"},
        entry{"woff2", "font/woff2"},
        entry{"ttf", "font/ttf"},
        entry{"otf", "font/otf"},
        entry{"wasm", "application/wasm"},
    };
    const auto ext = lower_extension(file_name);
    for (const auto& e : types)
        if (e.extension == ext) return e.type;
    return "application/octet-stream";
}

static_read read_static_file(const std::string& root, const std::vector<std::string>& segments, std::size_t max_bytes, static_file& out) {
    if (root.empty()) return static_read::missing;
    const auto real_root = resolved(root);
    if (!real_root) return static_read::missing;
    std::string candidate = *real_root;
    for (const auto& s : segments) candidate += "/" + s;
    // Symlinks are followed only to see where they lead: outside the root is not served.
    const auto real = resolved(candidate);
    if (!real || real->size() <= real_root->size() || real->compare(0, real_root->size(), *real_root) != 0 ||
        (*real)[real_root->size()] != '/')
        return static_read::missing;
    // O_NOFOLLOW: a symlink swapped in since realpath() looked is refused, not followed.
    fd_guard file{::open(real->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)};
    if (file.fd < 0) return static_read::missing;
    struct stat info {};
    if (::fstat(file.fd, &info) != 0 || !S_ISREG(info.st_mode)) return static_read::missing;
    if (static_cast<std::uint64_t>(info.st_size) > max_bytes) return static_read::too_large;
    std::string body(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t done = 0;
    while (done < body.size()) {
        const auto n = ::read(file.fd, body.data() + done, body.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return static_read::missing;  // truncated while reading: as if absent
        done += static_cast<std::size_t>(n);
    }
    const auto mtime_ns = static_cast<std::uint64_t>(info.st_mtim.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(info.st_mtim.tv_nsec);
    out.etag = "\"" + hex(static_cast<std::uint64_t>(info.st_size)) + "-" + hex(mtime_ns) + "\"";
    out.body = std::move(body);
    return static_read::found;
}

}  // namespace sharedstore

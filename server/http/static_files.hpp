#pragma once
// Files of a directory served over HTTP (the merchant console's build, docs/console-login.md):
// which request paths may name a file at all, the content type of a name, and reading a file that
// resolves inside the directory. Every check is made before the file system is asked anything.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sharedstore {

// The segments of a request path below the served root, percent-decoded, or nullopt for a path
// that names nothing servable: a malformed escape; after decoding a NUL or other control
// character, a '/' or '\' inside a segment (%2F, %5C), a segment "." or "..", a dot file
// (".env"), or an empty segment ("a//b"). A trailing '/' is dropped ("assets/" -> {"assets"});
// the root itself ("") is {}.
std::optional<std::vector<std::string>> static_path_segments(std::string_view raw_tail);

// "app.3f2a.js" has an extension, "dashboard" does not: what tells a missing file (404) from a
// page of the single-page app (index.html).
bool has_extension(std::string_view segment);

// By extension: text/html; charset=utf-8, text/javascript; charset=utf-8, text/css; ..., image/*,
// font/*, application/json, ...; application/octet-stream for anything unknown.
std::string_view content_type_for(std::string_view file_name);

struct static_file {
    std::string body;
    std::string etag;  // "size-mtime" in hex, quoted: changes whenever the file is rewritten
};

enum class static_read { found, missing, too_large };

// Reads root/segments... when it is a regular file that, symlinks resolved, lies inside root and
// is at most `max_bytes` long; `missing` for anything else (absent, a directory, outside root,
// root absent). Blocking, but only on the page cache for a console build of a few MiB.
static_read read_static_file(const std::string& root, const std::vector<std::string>& segments, std::size_t max_bytes, static_file& out);

}  // namespace sharedstore

#include "common/json_duplicates.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <set>
#include <vector>

namespace sharedstore {

namespace {

namespace json = boost::json;
using boost::system::error_code;

// A SAX pass over the document that keeps, per open object, the keys seen so far.
class duplicate_finder {
public:
    constexpr static std::size_t max_object_size = std::size_t(-1);
    constexpr static std::size_t max_array_size = std::size_t(-1);
    constexpr static std::size_t max_key_size = std::size_t(-1);
    constexpr static std::size_t max_string_size = std::size_t(-1);

    std::optional<std::string> duplicate;

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) {
        frames_.push_back(frame{true, {}, {}, 0});
        return true;
    }
    bool on_object_end(std::size_t, error_code&) {
        frames_.pop_back();
        return value_done();
    }
    bool on_array_begin(error_code&) {
        frames_.push_back(frame{false, {}, {}, 0});
        return true;
    }
    bool on_array_end(std::size_t, error_code&) {
        frames_.pop_back();
        return value_done();
    }
    bool on_key_part(json::string_view s, std::size_t, error_code&) {
        key_.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, std::size_t, error_code& ec) {
        key_.append(s.data(), s.size());
        auto& top = frames_.back();
        if (!top.keys.insert(key_).second) {
            duplicate = path() + key_;
            ec = json::error::syntax;  // stops the pass; the caller looks at `duplicate`
            return false;
        }
        top.key = std::move(key_);
        key_.clear();
        return true;
    }
    bool on_string_part(json::string_view, std::size_t, error_code&) { return true; }
    bool on_string(json::string_view, std::size_t, error_code&) { return value_done(); }
    bool on_number_part(json::string_view, error_code&) { return true; }
    bool on_int64(std::int64_t, json::string_view, error_code&) { return value_done(); }
    bool on_uint64(std::uint64_t, json::string_view, error_code&) { return value_done(); }
    bool on_double(double, json::string_view, error_code&) { return value_done(); }
    bool on_bool(bool, error_code&) { return value_done(); }
    bool on_null(error_code&) { return value_done(); }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }

private:
    struct frame {
        bool object;
        std::set<std::string, std::less<>> keys;
        std::string key;        // in an object: the key of the value being read
        std::size_t index = 0;  // in an array: values read so far (the current one's index)
    };

    bool value_done() {
        if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
        return true;
    }

    // Where the current object stands: "a.b[2]." (empty at the top).
    std::string path() const {
        std::string out;
        for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
            const auto& f = frames_[i];
            if (f.object)
                out += f.key;
            else
                out += "[" + std::to_string(f.index) + "]";
            if (frames_[i + 1].object) out += ".";
        }
        return out;
    }

    std::vector<frame> frames_;
    std::string key_;
};

}  // namespace

std::optional<std::string> first_duplicate_key(std::string_view text) {
    json::parse_options options;
    options.max_depth = 64;
    json::basic_parser<duplicate_finder> parser(options);
    error_code ec;
    parser.write_some(false, text.data(), text.size(), ec);
    return parser.handler().duplicate;
}

}  // namespace sharedstore

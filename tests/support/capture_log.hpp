#pragma once
// A logger whose lines a test can read back.
#include "common/log.hpp"

#include <cstdio>
#include <string>

namespace sharedstore::test_support {

class captured_log {
public:
    captured_log() : file_(std::tmpfile()), log_(log_level::debug, file_) {}
    ~captured_log() { std::fclose(file_); }
    logger& log() { return log_; }
    std::string text() {
        std::fflush(file_);
        std::rewind(file_);
        std::string out;
        char buffer[4096];
        size_t n;
        while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) out.append(buffer, n);
        std::fseek(file_, 0, SEEK_END);
        return out;
    }

private:
    std::FILE* file_;
    logger log_;
};

}  // namespace sharedstore::test_support

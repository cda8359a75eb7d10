#pragma once
// A child process for integration tests: started with posix_spawn, output to a file, killed
// (SIGKILL) and reaped when the object goes out of scope.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sharedstore::test_support {

// Environment changes for a child: a value sets the variable, nullopt removes it.
using environment_changes = std::vector<std::pair<std::string, std::optional<std::string>>>;

class child_process {
public:
    child_process(std::vector<std::string> argv, environment_changes env, std::string output_path);
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const { return pid_; }
    void send_signal(int signal_number);
    // Exit code (128 + signal when killed by one), or nullopt if still running after `timeout`.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    bool running();
    const std::string& output_path() const { return output_path_; }
    std::string output() const;

private:
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    std::string output_path_;
};

}  // namespace sharedstore::test_support

#include "tests/integration/support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace sharedstore::test_support {

child_process::child_process(std::vector<std::string> argv, environment_changes env, std::string output_path)
    : output_path_(std::move(output_path)) {
    std::map<std::string, std::string> variables;
    for (char** e = environ; *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos) variables[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    for (auto& [name, value] : env) {
        if (value) variables[name] = *value;
        else variables.erase(name);
    }
    std::vector<std::string> env_strings;
    for (auto& [name, value] : variables) env_strings.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);

    // fork + exec rather than posix_spawn, for PR_SET_PDEATHSIG: a child dies with the test process
    // (strictly: with the forking thread; tests start children from their main thread)
    // even when that crashes, so no server or simulator outlives a failed test. Between fork and
    // exec only async-signal-safe calls.
    const int output = ::open(output_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int input = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (output < 0 || input < 0) throw std::runtime_error("cannot open " + output_path_);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
        ::dup2(input, 0);
        ::dup2(output, 1);
        ::dup2(output, 2);
        ::execve(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    const int rc = pid_ < 0 ? errno : 0;
    ::close(output);
    ::close(input);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
}

child_process::~child_process() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        wait_exit(std::chrono::seconds(10));
    }
}

void child_process::send_signal(int signal_number) {
    if (running()) ::kill(pid_, signal_number);
}

bool child_process::running() {
    if (exit_code_) return false;
    return !wait_exit(std::chrono::milliseconds(0));
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
    if (exit_code_) return exit_code_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return exit_code_;
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::string child_process::output() const {
    std::ifstream in(output_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace sharedstore::test_support

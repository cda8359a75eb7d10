#pragma once
// What integration tests share: the configuration scripts/test prepared (real MariaDB and Redis),
// the server binary started as a process, and private Redis servers for tests that stop Redis.
#include "server/config.hpp"
#include "tests/integration/support/child_process.hpp"

#include <memory>
#include <string>

namespace sharedstore::test_support {

// The config file scripts/test exported in SHAREDSTORE_TEST_CONFIG. Throws, with a hint to run
// through scripts/test, when it is missing: an integration test never skips silently.
std::string test_config_path();
// That file resolved with the environment (the SHAREDSTORE_* overrides scripts/test set).
server_config test_config();

std::string make_temp_dir(const std::string& tag);
int free_tcp_port();

// `sharedstore serve` on a kernel-chosen port, with extra environment overrides.
class server_process {
public:
    explicit server_process(environment_changes extra = {});
    int port() const { return port_; }
    child_process& process() { return *process_; }
    std::string log() const { return process_->output(); }

private:
    std::unique_ptr<child_process> process_;
    int port_ = 0;
};

// A Redis server of the test's own, so that stopping it cannot disturb other tests.
class redis_server_process {
public:
    // Without persistence by default; `append_only`: AOF with fsync every second, as production.
    explicit redis_server_process(int port = free_tcp_port(), bool append_only = false);
    ~redis_server_process();
    void start();
    void stop();          // SIGTERM, waits for the exit
    void kill_hard();     // SIGKILL
    int port() const { return port_; }
    bool accepts_connections();
    void pause();   // SIGSTOP: the server hangs without closing connections
    void resume();  // SIGCONT
    // While stopped: forget everything (the next start is an empty Redis).
    void wipe_data();
    // The append-only file Redis is writing (the newest increment), its size, and cutting it
    // back to `size` while stopped: what a host crash with appendfsync everysec may leave.
    std::string aof_file() const;
    std::uintmax_t aof_size() const;
    void truncate_aof(std::uintmax_t size);

private:
    int port_;
    bool append_only_;
    std::string dir_;
    std::unique_ptr<child_process> process_;
};

// A MariaDB server of the test's own (for drills that stop it: the shared one serves every other
// test meanwhile), with the server's user of test_config() (same name and password) allowed from
// 127.0.0.1. Empty at start; SIGKILLed with its data folder when destroyed.
class mariadb_server_process {
public:
    mariadb_server_process();
    ~mariadb_server_process();
    int port() const { return port_; }
    void pause();   // SIGSTOP: connections stay open, nothing answers
    void resume();  // SIGCONT

private:
    void admin(const std::string& sql);
    int port_;
    std::string dir_;
    std::unique_ptr<child_process> process_;
};

}  // namespace sharedstore::test_support

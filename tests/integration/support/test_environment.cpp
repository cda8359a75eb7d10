#include "tests/integration/support/test_environment.hpp"

#include "tests/integration/support/http_client.hpp"
#include "tests/integration/support/wechat_simulator.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sharedstore::test_support {

std::string test_config_path() {
    const char* path = std::getenv("SHAREDSTORE_TEST_CONFIG");
    if (!path || !*path)
        throw std::runtime_error("SHAREDSTORE_TEST_CONFIG is not set: run integration tests through scripts/test, "
                                 "which starts MariaDB and Redis for them");
    return path;
}

server_config test_config() { return load_config_file(test_config_path(), process_environment()); }

std::string make_temp_dir(const std::string& tag) {
    std::string pattern = (std::filesystem::temp_directory_path() / ("sharedstore-" + tag + ".XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

int free_tcp_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

server_process::server_process(environment_changes extra) {
    extra.insert(extra.begin(), {"SHAREDSTORE_HTTP_PORT", std::string("0")});
    const std::string log_path = make_temp_dir("server") + "/server.log";
    process_ = std::make_unique<child_process>(
        std::vector<std::string>{SHAREDSTORE_BINARY, "serve", "--config", test_config_path()}, std::move(extra), log_path);
    port_ = wait_for_listening_port(*process_, "server");
    // As a load balancer would: traffic once /readyz says MariaDB and Redis answer (the server
    // listens before its Redis connection is up). Best effort: some tests start it with a
    // dependency down on purpose.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (http_call(port_, "GET", "/readyz").status == 200) break;
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

redis_server_process::redis_server_process(int port, bool append_only) : port_(port), append_only_(append_only), dir_(make_temp_dir("redis")) {
    start();
}

redis_server_process::~redis_server_process() {
    resume();
    process_.reset();
    std::filesystem::remove_all(dir_);
}

// Redis listens only once it is ready to serve, so an accepted connection means ready.
bool redis_server_process::accepts_connections() {
    try {
        tcp_connection connection(port_);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void redis_server_process::pause() {
    if (process_) process_->send_signal(SIGSTOP);
}

void redis_server_process::resume() {
    if (process_) process_->send_signal(SIGCONT);
}

void redis_server_process::start() {
    const char* configured = std::getenv("REDIS_SERVER");
    std::string binary = configured && *configured ? configured : "/usr/bin/redis-server";
    process_ = std::make_unique<child_process>(
        std::vector<std::string>{binary, "--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_,
                                 "--save", "", "--appendonly", append_only_ ? "yes" : "no", "--appendfsync", "everysec",
                                 "--aof-load-truncated", "yes"},
        environment_changes{}, dir_ + "/redis.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (accepts_connections()) return;
        if (!process_->running()) throw std::runtime_error("redis-server exited:\n" + process_->output());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("redis-server did not start on port " + std::to_string(port_));
}

void redis_server_process::stop() {
    if (!process_) return;
    process_->send_signal(SIGTERM);
    process_->wait_exit(std::chrono::seconds(10));
    process_.reset();
}

mariadb_server_process::mariadb_server_process() : port_(free_tcp_port()), dir_(make_temp_dir("mariadb")) {
    child_process install({"/usr/bin/mariadb-install-db", "--no-defaults", "--user=root", "--datadir=" + dir_ + "/data",
                           "--auth-root-authentication-method=normal", "--skip-test-db"},
                          {}, dir_ + "/install.log");
    if (install.wait_exit(std::chrono::seconds(60)) != 0) throw std::runtime_error("mariadb-install-db failed:\n" + install.output());
    // --no-defaults first, or /etc/mysql is read.
    process_ = std::make_unique<child_process>(
        std::vector<std::string>{"/usr/sbin/mariadbd", "--no-defaults", "--user=root", "--datadir=" + dir_ + "/data", "--socket=" + dir_ + "/mariadb.sock",
                                 "--port=" + std::to_string(port_), "--bind-address=127.0.0.1", "--skip-name-resolve",
                                 "--pid-file=" + dir_ + "/mariadb.pid", "--log-error=" + dir_ + "/mariadb.err", "--character-set-server=utf8mb4",
                                 "--collation-server=utf8mb4_bin", "--innodb-buffer-pool-size=64M", "--max-connections=200"},
        environment_changes{}, dir_ + "/mariadbd.out");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
        child_process ping({"/usr/bin/mariadb-admin", "--no-defaults", "--socket=" + dir_ + "/mariadb.sock", "-uroot", "ping"}, {},
                           dir_ + "/ping.log");
        if (ping.wait_exit(std::chrono::seconds(5)) == 0) break;
        if (!process_->running() || std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("mariadbd did not start on port " + std::to_string(port_));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const auto mysql = test_config().mysql;
    std::string password;
    for (char c : mysql.password) password += c == '\'' ? std::string("''") : std::string(1, c);
    admin("CREATE DATABASE `" + mysql.database + "`; CREATE USER '" + mysql.user + "'@'127.0.0.1' IDENTIFIED BY '" + password + "'; GRANT ALL ON *.* TO '" + mysql.user +
          "'@'127.0.0.1'");
}

mariadb_server_process::~mariadb_server_process() {
    resume();
    process_.reset();
    std::filesystem::remove_all(dir_);
}

void mariadb_server_process::admin(const std::string& sql) {
    child_process client({"/usr/bin/mariadb", "--no-defaults", "--socket=" + dir_ + "/mariadb.sock", "-uroot", "-e", sql}, {}, dir_ + "/admin.log");
    if (client.wait_exit(std::chrono::seconds(30)) != 0) throw std::runtime_error("mariadb admin statement failed:\n" + client.output());
}

void mariadb_server_process::pause() {
    if (process_) process_->send_signal(SIGSTOP);
}

void mariadb_server_process::resume() {
    if (process_) process_->send_signal(SIGCONT);
}

void redis_server_process::wipe_data() {
    for (const auto& entry : std::filesystem::directory_iterator(dir_))
        if (entry.path().filename() != "redis.log") std::filesystem::remove_all(entry.path());
}

std::string redis_server_process::aof_file() const {
    // Redis 7: appendonlydir/ holds a base file and numbered increments; the highest is written.
    std::string newest;
    int newest_number = -1;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/appendonlydir")) {
        const auto name = entry.path().filename().string();
        const auto suffix = name.rfind(".incr.aof");
        if (suffix == std::string::npos) continue;
        const auto dot = name.rfind('.', suffix - 1);
        const int number = std::stoi(name.substr(dot + 1, suffix - dot - 1));
        if (number > newest_number) {
            newest_number = number;
            newest = entry.path().string();
        }
    }
    if (newest.empty()) throw std::runtime_error("no append-only file in " + dir_);
    return newest;
}

std::uintmax_t redis_server_process::aof_size() const { return std::filesystem::file_size(aof_file()); }

void redis_server_process::truncate_aof(std::uintmax_t size) {
    const auto file = aof_file();
    if (std::filesystem::file_size(file) > size) std::filesystem::resize_file(file, size);
}

void redis_server_process::kill_hard() {
    if (!process_) return;
    process_->send_signal(SIGKILL);
    process_->wait_exit(std::chrono::seconds(10));
    process_.reset();
}

}  // namespace sharedstore::test_support

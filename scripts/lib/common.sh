# Shared by scripts/run and scripts/test (sourced, not run): install what is missing, build, and
# start/stop the project's own MariaDB and Redis on loopback with data in a folder we choose.
# No systemd, no system service is touched.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${SHAREDSTORE_BUILD_DIR:-$ROOT/build}
BIN=$BUILD_DIR/server/sharedstore

# Everything the build, the tests and the dev run need, from Debian 12. libmysqlcppconn-dev is
# not here on purpose: it conflicts with Boost 1.81 (see ensure_mysqlcppconn_headers).
# poppler-utils and poppler-data (its CMaps for the PDF standard Chinese fonts): pdftotext, which
# the tests read the statements' PDF exports with.
DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache curl openssl
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libhiredis-dev libssl-dev libgtest-dev libmysqlcppconn7v5
  mariadb-server mariadb-client redis-server redis-tools
  poppler-utils poppler-data
)

say() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { say "error: $*"; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=""
apt_update_once() {
  [ -n "$APT_UPDATED" ] && return
  say "apt-get update"
  as_root apt-get update -qq
  APT_UPDATED=1
}

# Installs those of the named Debian packages that are not installed yet.
ensure_debian_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  apt_update_once
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_packages() { ensure_debian_packages "${DEBIAN_PACKAGES[@]}"; }

# The merchant console (console/, built with npm) and its tests. Node.js and npm are checked by
# command, not by package: a machine may carry a newer Node.js whose npm is bundled (no Debian
# `npm` package), and Debian's npm would then try to replace that Node.js. Chromium and a CJK font
# are for the browser tests (tests/browser/), which drive /usr/bin/chromium headless.
CONSOLE_DIR=$ROOT/console
BROWSER_PACKAGES=(chromium fonts-wqy-microhei)

ensure_node() {
  local missing=()
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_update_once
    say "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
  # Vite 8 and its tools need Node.js 20.19+ (or 22.12+); Debian 12's own nodejs is 18.
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) || (a === 20 && b >= 19) ? 0 : 1)' \
    || die "Node.js $(node --version) is too old for the console: it needs 20.19 or later (22.12 or later on the 22 line)"
}

# nginx for the deploy tests (tests/sdk/deploy.test.mjs: deploy/nginx in front of three instances).
DEPLOY_PACKAGES=(nginx)

ensure_deploy() { ensure_debian_packages "${DEPLOY_PACKAGES[@]}"; }

ensure_browser() { ensure_debian_packages "${BROWSER_PACKAGES[@]}"; }

# npm ci in console/, skipped while node_modules was made from this very lock by this Node.js.
ensure_console_deps() {
  ensure_node
  local stamp=$CONSOLE_DIR/node_modules/.sharedstore-installed want
  want="$(sha256sum "$CONSOLE_DIR/package-lock.json" | cut -d' ' -f1) node-$(node --version)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return
  say "npm ci in console/"
  (cd "$CONSOLE_DIR" && npm ci --no-audit --no-fund --loglevel=error) >&2
  echo "$want" > "$stamp"
}

# npm ci in miniprogram/ (the SDK's type check and the `ws` package its Node tests' wx adapter uses),
# skipped like the console's while node_modules matches the lock.
MINIPROGRAM_DIR=$ROOT/miniprogram
ensure_miniprogram_deps() {
  ensure_node
  local stamp=$MINIPROGRAM_DIR/node_modules/.sharedstore-installed want
  want="$(sha256sum "$MINIPROGRAM_DIR/package-lock.json" | cut -d' ' -f1) node-$(node --version)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return
  say "npm ci in miniprogram/"
  (cd "$MINIPROGRAM_DIR" && npm ci --no-audit --no-fund --loglevel=error) >&2
  echo "$want" > "$stamp"
}

# Type check and build console/dist, unless nothing it is made of changed since the last build.
build_console() {
  ensure_console_deps
  if [ -f "$CONSOLE_DIR/dist/index.html" ] && [ -z "$(find "$CONSOLE_DIR/src" "$CONSOLE_DIR/index.html" "$CONSOLE_DIR/vite.config.ts" \
      "$CONSOLE_DIR/tsconfig.json" "$CONSOLE_DIR/package-lock.json" "$ROOT/docs/openapi.yaml" -type f \
      -newer "$CONSOLE_DIR/dist/index.html" ! -name schema.d.ts | head -1)" ]; then
    return
  fi
  say "building the console (console/dist)"
  local log
  log=$(mktemp)
  if ! (cd "$CONSOLE_DIR" && npm run --silent build) >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "the console's build failed (cd console && npm run build)"
  fi
  rm -f "$log"
}

# libmysqlcppconn-dev (Connector/C++ 1.1.12) depends on libboost-dev 1.74, which apt refuses next
# to libboost1.81-dev. Its headers only need boost/shared_ptr.hpp and scoped_ptr.hpp, which 1.81
# has, so we unpack the package into the build tree (never into /usr) and link the runtime
# library from libmysqlcppconn7v5.
MYSQLCPPCONN_ROOT=${SHAREDSTORE_DEPS_DIR:-$ROOT/build/deps}/mysqlcppconn-dev
ensure_mysqlcppconn_headers() {
  [ -f "$MYSQLCPPCONN_ROOT/usr/include/mysql_driver.h" ] && return
  local tmp
  tmp=$(mktemp -d)
  chmod 755 "$tmp"  # apt's download sandbox user must be able to write there
  say "fetching libmysqlcppconn-dev headers into $MYSQLCPPCONN_ROOT"
  if ! (cd "$tmp" && apt-get download -qq libmysqlcppconn-dev >/dev/null 2>&1); then
    apt_update_once
    (cd "$tmp" && apt-get download -qq libmysqlcppconn-dev >/dev/null 2>&1) || die "apt-get download libmysqlcppconn-dev failed"
  fi
  mkdir -p "$MYSQLCPPCONN_ROOT"
  dpkg-deb -x "$tmp"/libmysqlcppconn-dev_*.deb "$MYSQLCPPCONN_ROOT"
  rm -rf "$tmp"
}

# SHAREDSTORE_BUILD_TYPE (default Release) and SHAREDSTORE_SANITIZE=1 (ASan + UBSan) are for
# developers: e.g. SHAREDSTORE_BUILD_DIR=build-asan SHAREDSTORE_SANITIZE=1 scripts/test
build_project() {
  ensure_mysqlcppconn_headers
  local build_type=${SHAREDSTORE_BUILD_TYPE:-Release} sanitize=OFF
  [ "${SHAREDSTORE_SANITIZE:-0}" = 1 ] && sanitize=ON
  say "configuring and building ($build_type, sanitizers $sanitize) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DSHAREDSTORE_SANITIZE=$sanitize \
    -DMYSQLCPPCONN_ROOT="$MYSQLCPPCONN_ROOT" "$@" >/dev/null
  cmake --build "$BUILD_DIR" -j "$(nproc)"
}

# Prints a TCP port on 127.0.0.1 that nothing listens on.
# Below the kernel's ephemeral range (32768 and up by default), where tests' servers and every
# outgoing connection take their ports: a port picked there can be taken before Redis binds it.
free_port() {
  local port _
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  die "no free port found"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# mariadbd changes directory to its datadir, so every path we hand it must be absolute.
absolute_dir() { mkdir -p "$1" && (cd "$1" && pwd); }

sbin() { command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"; }

# wait_until_ready NAME LOG SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds; after
# SECONDS shows the tail of LOG and stops the script.
wait_until_ready() {
  local name=$1 log=$2 seconds=$3 i
  shift 3
  for i in $(seq $((seconds * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  tail -20 "$log" >&2 || true
  die "$name did not start within ${seconds} s (log: $log)"
}

# Waits until a process has exited (mariadb-admin shutdown returns before that).
wait_pid_gone() {
  local pid=$1 i
  for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "process $pid did not stop in 30 s; killing it"
  kill -9 "$pid" 2>/dev/null || true
}

# start_mariadb DIR PORT: data in DIR/data, socket DIR/mariadb.sock. Reuses a running one.
start_mariadb() {
  local dir port=$2
  dir=$(absolute_dir "$1")
  local sock=$dir/mariadb.sock
  if mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; then
    say "MariaDB already running in $dir"
    return
  fi
  if port_in_use "$port"; then
    die "port $port (MariaDB) is taken by another program; change mysql.port in the config or SHAREDSTORE_MYSQL_PORT"
  fi
  if [ ! -d "$dir/data/mysql" ]; then
    say "creating MariaDB data folder $dir/data"
    "$(sbin mariadb-install-db)" --no-defaults --user="$(id -un)" --datadir="$dir/data" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
      || { cat "$dir/install.log" >&2; die "mariadb-install-db failed"; }
  fi
  # --no-defaults must come first, or /etc/mysql is read.
  "$(sbin mariadbd)" --no-defaults --user="$(id -un)" --datadir="$dir/data" --socket="$sock" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --pid-file="$dir/mariadb.pid" \
    --log-error="$dir/mariadb.err" --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    --innodb-buffer-pool-size=128M --max-connections=500 </dev/null >/dev/null 2>&1 &
  wait_until_ready "MariaDB" "$dir/mariadb.err" 30 mariadb-admin --no-defaults --socket="$sock" -uroot ping
  say "MariaDB up on 127.0.0.1:$port"
}

stop_mariadb() {
  local dir=$1
  [ -f "$dir/mariadb.pid" ] || return 0
  local pid
  pid=$(cat "$dir/mariadb.pid" 2>/dev/null) || return 0
  mariadb-admin --no-defaults --socket="$dir/mariadb.sock" -uroot shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  wait_pid_gone "$pid"
}

sql_quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g")"; }

# bootstrap_database DIR DATABASE USER PASSWORD SCOPE: creates the database and a user for the
# server, allowed from 127.0.0.1 only. SCOPE is "database" (dev) or "all" (tests make scratch databases).
bootstrap_database() {
  local dir=$1 db=$2 user=$3 password=$4 scope=$5 grant_on
  [[ "$db" =~ ^[A-Za-z0-9_]+$ ]] || die "database name '$db' must be letters, digits and _"
  if [ "$scope" = all ]; then grant_on="*.*"; else grant_on="\`$db\`.*"; fi
  mariadb --no-defaults --socket="$dir/mariadb.sock" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS $(sql_quote "$user")@'127.0.0.1' IDENTIFIED BY $(sql_quote "$password");
ALTER USER $(sql_quote "$user")@'127.0.0.1' IDENTIFIED BY $(sql_quote "$password");
GRANT ALL PRIVILEGES ON $grant_on TO $(sql_quote "$user")@'127.0.0.1';
SQL
}

# start_redis DIR PORT PASSWORD PERSIST: PERSIST=yes keeps data across runs (append-only file).
start_redis() {
  local dir port=$2 password=$3 persist=$4
  dir=$(absolute_dir "$1")
  local auth=()
  [ -n "$password" ] && auth=(-a "$password" --no-auth-warning)
  if redis-cli -h 127.0.0.1 -p "$port" "${auth[@]}" ping 2>/dev/null | grep -q PONG; then
    if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
      say "Redis already running in $dir"
      return
    fi
    die "port $port (Redis) is taken by another Redis; change redis.port in the config or SHAREDSTORE_REDIS_PORT"
  fi
  port_in_use "$port" && die "port $port (Redis) is taken by another program; change redis.port"
  local options=(--port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid"
                 --logfile "$dir/redis.log")
  if [ "$persist" = yes ]; then options+=(--appendonly yes --save "900 1"); else options+=(--appendonly no --save ""); fi
  [ -n "$password" ] && options+=(--requirepass "$password")
  redis-server "${options[@]}" >/dev/null
  wait_until_ready "Redis" "$dir/redis.log" 10 redis_answers_pong "$port" "${auth[@]}"
  say "Redis up on 127.0.0.1:$port"
}

# redis-cli exits 0 on an error reply too (LOADING, NOAUTH): only PONG means ready.
redis_answers_pong() {
  local port=$1
  shift
  redis-cli -h 127.0.0.1 -p "$port" "$@" ping 2>/dev/null | grep -q PONG
}

stop_redis() {
  local dir=$1
  [ -f "$dir/redis.pid" ] || return 0
  local pid
  pid=$(cat "$dir/redis.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || true  # SIGTERM: Redis saves (when persistence is on) and exits
  wait_pid_gone "$pid"
}

# ensure_keys DIR: the secrets and keys the WeChat simulator and the server share, made once and
# kept (never committed; var/ is ignored). docs/simulator.md lists the files.
ensure_keys() {
  local dir
  dir=$(absolute_dir "$1")
  chmod 700 "$dir"
  (
    cd "$dir"
    umask 077
    [ -s wechat-app-secret ] || openssl rand -hex 16 > wechat-app-secret
    # The server's data key (security.data_key_file): seals secrets it must read back (POS API keys).
    [ -s data-key ] || openssl rand -hex 32 > data-key
    if [ ! -s wechat-ca.pem ]; then
      openssl req -x509 -newkey rsa:2048 -nodes -keyout wechat-ca.key -out wechat-ca.pem -days 3650 \
        -subj "/CN=sharedstore development CA" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
      rm -f wechat-sim.pem  # a new CA needs a new server certificate
    fi
    if [ ! -s wechat-sim.pem ]; then
      openssl req -newkey rsa:2048 -nodes -keyout wechat-sim.key -out wechat-sim.csr -subj "/CN=127.0.0.1" 2>/dev/null
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > wechat-sim.ext
      openssl x509 -req -in wechat-sim.csr -CA wechat-ca.pem -CAkey wechat-ca.key -CAcreateserial -days 825 \
        -extfile wechat-sim.ext -out wechat-sim.pem 2>/dev/null
      rm -f wechat-sim.csr wechat-sim.ext
    fi
    # WeChat Pay API v3 (orders issue): the merchant's key pair and certificate (its serial number
    # goes into every signed request), the platform's key pair and certificate (it signs
    # notifications), and the 32-character API v3 key (AES-256-GCM of notification resources).
    [ -s wechatpay-apiv3-key ] || openssl rand -hex 16 > wechatpay-apiv3-key
    for who in merchant wechatpay-platform; do
      if [ ! -s "$who-private.pem" ]; then
        openssl genrsa -out "$who-private.pem" 2048 2>/dev/null
        openssl req -new -x509 -key "$who-private.pem" -out "$who-cert.pem" -days 1825 -subj "/CN=sharedstore dev $who" 2>/dev/null
        openssl rsa -in "$who-private.pem" -pubout -out "$who-public.pem" 2>/dev/null
      fi
    done
    # WeChat Pay public-key mode: a key pair of its own (WeChat's public key is not the platform
    # certificate's), named by a PUB_KEY_ID_... instead of a certificate serial.
    if [ ! -s wechatpay-pubkey-private.pem ]; then
      openssl genrsa -out wechatpay-pubkey-private.pem 2048 2>/dev/null
      openssl rsa -in wechatpay-pubkey-private.pem -pubout -out wechatpay-pubkey-public.pem 2>/dev/null
    fi
  )
}

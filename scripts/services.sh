#!/usr/bin/env bash
# Local backing services for Skyro Core's tests and benchmarks:
# PostgreSQL, Redis and a single-node Apache Kafka (KRaft), all on 127.0.0.1.
#
#   scripts/services.sh up [--only pg,redis,kafka]   start (reuses running instances)
#   scripts/services.sh down [--only ...] [--mode M] stop (caches and data are kept); M: fast (default),
#                                                    smart (pg: wait for sessions; returns at once),
#                                                    kill (SIGKILL: a crash, no clean shutdown)
#   scripts/services.sh restart [--only ...]         down, then up (pg: pg_ctlcluster restart -m fast)
#   scripts/services.sh purge [--only ...]           down and delete the data (private state dirs only)
#   scripts/services.sh status [--only ...]          one line per service; exit 1 if any is down
#   scripts/services.sh env                          shell exports: eval "$(scripts/services.sh env)"
#
# Private instances for tests that stop and start them (fault tests) without touching the
# shared ones: another SKYRO_STATE_DIR and other ports (SKYRO_PG_PORT, SKYRO_REDIS_PORT,
# SKYRO_KAFKA_PORT, SKYRO_KAFKA_CONTROLLER_PORT) make a separate PostgreSQL cluster, Redis
# and Kafka broker; `purge` removes them again.
#
# Everything comes from package registries only (Debian apt, Maven Central),
# because that's all our machines and CI can reach. Must run as root (apt-get,
# pg_ctlcluster for the postgres-owned cluster).
set -euo pipefail

PG_PORT="${SKYRO_PG_PORT:-54329}"
REDIS_PORT="${SKYRO_REDIS_PORT:-63799}"
KAFKA_PORT="${SKYRO_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${SKYRO_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_VERSION="${SKYRO_KAFKA_VERSION:-4.1.1}"
# Kafka 4.1 logs through slf4j 1.7.x, so the log4j2 binding must be the slf4j-1 one.
LOG4J_VERSION="${SKYRO_LOG4J_VERSION:-2.24.3}"

CACHE_DIR="${SKYRO_CACHE_DIR:-$HOME/.cache/skyro}"
STATE_DIR="${SKYRO_STATE_DIR:-/tmp/skyro-services}"
LOG_DIR="$STATE_DIR/logs"
RUN_DIR="$STATE_DIR/run"

# Debian cluster names are machine-wide; a non-default state dir gets its own cluster so
# two state dirs (e.g. parallel CI jobs with other ports) never share or restart each other's.
if [[ -z "${SKYRO_STATE_DIR:-}" || "$STATE_DIR" == /tmp/skyro-services ]]; then
  PG_CLUSTER=skyro
else
  PG_CLUSTER="skyro-$(printf '%s' "$STATE_DIR" | md5sum | cut -c1-8)"
fi
PG_USER=skyro PG_PASSWORD=skyro PG_DB=skyro
WAIT_SECS="${SKYRO_WAIT_SECS:-90}"

ALL_SERVICES="pg redis kafka"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# bash's /dev/tcp avoids needing nc/ss just to probe a port.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
read_pid() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }

env_lines() {
  cat <<EOF
export DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
EOF
}

APT_UPDATED=0
apt_install() {
  [[ $(id -u) -eq 0 ]] || die "need root to apt-get install $*"
  # A fresh machine may have empty package lists; update once, only when we really install.
  local apt_log="$LOG_DIR/apt.log"
  mkdir -p "$LOG_DIR"
  if [[ $APT_UPDATED -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$apt_log" 2>&1 \
      || { tail -n 20 "$apt_log" >&2; die "apt-get update failed; see $apt_log"; }
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>"$apt_log" 2>&1 \
    || { tail -n 20 "$apt_log" >&2; die "apt-get install $* failed; see $apt_log"; }
}

# ---------------------------------------------------------------- PostgreSQL

# Prefer the version that already holds our cluster, else the newest installed server.
pg_version() {
  local v
  v=$(pg_lsclusters -h 2>/dev/null | awk -v c="$PG_CLUSTER" '$2 == c { print $1; exit }' || true)
  if [[ -z "$v" ]]; then
    v=$(ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -1 || true)
  fi
  printf '%s' "$v"
}

pg_running() {
  local v; v=$(pg_version)
  [[ -n "$v" ]] && pg_lsclusters -h 2>/dev/null | awk -v c="$PG_CLUSTER" -v v="$v" '$1 == v && $2 == c { print $4 }' | grep -q online
}

# Tuned for a 2-core / 24 GiB test and bench box. fsync and synchronous_commit stay on
# on purpose: benchmark numbers must be honest.
pg_conf() {
  cat <<EOF
# Written by scripts/services.sh; edits here are overwritten on the next 'up'.
listen_addresses = '127.0.0.1'
max_connections = 300
shared_buffers = 512MB
effective_cache_size = 8GB
work_mem = 8MB
maintenance_work_mem = 256MB
wal_buffers = 16MB
max_wal_size = 4GB
min_wal_size = 1GB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
random_page_cost = 1.1
effective_io_concurrency = 200
max_worker_processes = 4
max_parallel_workers = 2
max_parallel_workers_per_gather = 1
fsync = on
synchronous_commit = on
full_page_writes = on
password_encryption = scram-sha-256
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = -1
EOF
}

pg_up() {
  if ! command -v pg_createcluster >/dev/null || [[ -z "$(pg_version)" ]]; then
    log "installing postgresql from Debian"
    apt_install postgresql
  fi
  local v; v=$(pg_version)
  [[ -n "$v" ]] || die "no PostgreSQL server found under /usr/lib/postgresql after install"
  local conf_dir="/etc/postgresql/$v/$PG_CLUSTER"
  local data_dir="$STATE_DIR/pg/$v"
  local pg_log="$LOG_DIR/postgres.log"

  # The cluster's config lives in /etc but its data in the state dir, which may have
  # been wiped (e.g. /tmp cleared): a cluster without data can't start, so recreate it.
  if [[ -d "$conf_dir" ]]; then
    local existing_data
    existing_data=$(pg_conftool -s "$v" "$PG_CLUSTER" show data_directory 2>/dev/null || true)
    if [[ ! -f "$existing_data/PG_VERSION" ]]; then
      log "postgres: cluster $v/$PG_CLUSTER has no data at '$existing_data'; recreating"
      # pg_dropcluster may refuse (data dir gone) and never removes our conf.d file: clear the rest by hand.
      pg_dropcluster --stop "$v" "$PG_CLUSTER" 2>/dev/null || true
      rm -rf "$conf_dir"
    fi
  fi

  if [[ ! -d "$conf_dir" ]]; then
    mkdir -p "$STATE_DIR/pg"
    chown postgres:postgres "$STATE_DIR/pg"
    # The postgres user must be able to reach the data dir (e.g. not under /root).
    runuser -u postgres -- test -w "$STATE_DIR/pg" \
      || die "user postgres cannot write $STATE_DIR/pg; pick a SKYRO_STATE_DIR it can reach"
    touch "$pg_log" && chown postgres:postgres "$pg_log"
    log "postgres: creating cluster $v/$PG_CLUSTER in $data_dir"
    pg_createcluster "$v" "$PG_CLUSTER" -p "$PG_PORT" -d "$data_dir" -l "$pg_log" \
      --start-conf=manual --locale=C.UTF-8 -e UTF8 \
      -- --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  fi

  # Port is set in postgresql.conf itself (not conf.d) because pg_lsclusters/pg_ctlcluster read it there.
  local restart=0
  if [[ "$(pg_conftool -s "$v" "$PG_CLUSTER" show port 2>/dev/null)" != "$PG_PORT" ]]; then
    pg_conftool "$v" "$PG_CLUSTER" set port "$PG_PORT"
    restart=1
  fi
  local conf_file="$conf_dir/conf.d/skyro.conf"
  if [[ "$(cat "$conf_file" 2>/dev/null)" != "$(pg_conf)" ]]; then
    mkdir -p "$conf_dir/conf.d"
    pg_conf >"$conf_file"
    restart=1
  fi

  if pg_running; then
    if [[ $restart -eq 1 ]]; then
      log "postgres: config changed, restarting"
      pg_ctlcluster "$v" "$PG_CLUSTER" restart -m fast 9>&-
    fi
  else
    port_open "$PG_PORT" && die "port $PG_PORT is taken by something else; set SKYRO_PG_PORT"
    log "postgres: starting $v/$PG_CLUSTER on 127.0.0.1:$PG_PORT"
    pg_ctlcluster "$v" "$PG_CLUSTER" start 9>&- \
      || die "postgres failed to start; see $pg_log"
  fi

  local deadline=$((SECONDS + WAIT_SECS))
  until pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; do
    (( SECONDS < deadline )) || die "postgres not ready on 127.0.0.1:$PG_PORT after ${WAIT_SECS}s; see $pg_log"
    sleep 0.2
  done

  # Role and database are (re)ensured every time: cheap, and heals a half-finished first run.
  local psql_admin=(psql -X -q -v ON_ERROR_STOP=1 -h /var/run/postgresql -p "$PG_PORT" -U postgres -d postgres)
  "${psql_admin[@]}" <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN SUPERUSER CREATEDB CREATEROLE PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SQL
  if [[ "$("${psql_admin[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]]; then
    "${psql_admin[@]}" -c "CREATE DATABASE $PG_DB OWNER $PG_USER" >/dev/null
  fi
  # The real check: a password login over TCP, exactly as the app connects.
  PGPASSWORD="$PG_PASSWORD" psql -X -q -tA -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c 'select 1' >/dev/null \
    || die "postgres is up but login as $PG_USER failed; see $pg_log"
  log "postgres: ready at 127.0.0.1:$PG_PORT (PostgreSQL $v)"
}

pg_down() {
  local v; v=$(pg_version)
  if [[ -n "$v" ]] && pg_running; then
    case "$MODE" in
      fast) log "postgres: stopping"; pg_ctlcluster "$v" "$PG_CLUSTER" stop -m fast ;;
      # Smart: no new sessions (they get 57P03 "the database system is shutting down"), the
      # open ones go on; the server stops when the last ends. We do not wait for that.
      smart) log "postgres: smart shutdown requested"; pg_ctlcluster "$v" "$PG_CLUSTER" stop -m smart -- --no-wait ;;
      kill)
        local pid; pid=$(head -1 "$(pg_conftool -s "$v" "$PG_CLUSTER" show data_directory)/postmaster.pid" 2>/dev/null || true)
        log "postgres: killing the postmaster (pid ${pid:-?}) and its backends"
        # The whole server at once, as a power cut would leave it: the next start recovers from the WAL.
        if pid_alive "$pid"; then pkill -KILL -P "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true; fi
        # Gone for good before anyone starts it again (its socket lock file names this pid).
        for _ in $(seq 100); do pid_alive "$pid" || break; sleep 0.05; done
        ;;
    esac
  fi
}

pg_restart() {
  local v; v=$(pg_version)
  if [[ -n "$v" ]] && pg_running; then
    log "postgres: restarting (fast: sessions are ended with 57P01)"
    pg_ctlcluster "$v" "$PG_CLUSTER" restart -m fast 9>&-
  fi
  pg_up
}

pg_purge() {
  [[ "$PRIVATE" -eq 1 ]] || die "purge removes data: only for a private SKYRO_STATE_DIR, never the shared $STATE_DIR"
  local v; v=$(pg_version)
  if [[ -n "$v" ]] && pg_lsclusters -h 2>/dev/null | awk -v c="$PG_CLUSTER" '$2 == c { found = 1 } END { exit !found }'; then
    log "postgres: dropping cluster $v/$PG_CLUSTER"
    pg_dropcluster --stop "$v" "$PG_CLUSTER" 2>/dev/null || true
    rm -rf "/etc/postgresql/$v/$PG_CLUSTER"
  fi
  rm -rf "$STATE_DIR/pg"
}

pg_status() {
  if pg_running && pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    echo "postgres up   127.0.0.1:$PG_PORT (PostgreSQL $(pg_version), cluster $PG_CLUSTER)"
  else
    echo "postgres down 127.0.0.1:$PG_PORT"; return 1
  fi
}

# --------------------------------------------------------------------- Redis

REDIS_PIDFILE="$RUN_DIR/redis.pid"

redis_ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

redis_up() {
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    log "installing redis-server from Debian"
    apt_install redis-server
  fi
  if redis_ping; then
    log "redis: already running on 127.0.0.1:$REDIS_PORT"
    # One started before persistence was configured here gets it now, without a restart
    # (Redis writes its append-only file in the background from the data it holds).
    if [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get appendonly | tail -1)" != yes ]]; then
      log "redis: turning on append-only persistence (appendfsync everysec)"
      redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config set appendfsync everysec >/dev/null
      redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config set appendonly yes >/dev/null
    fi
    return 0
  fi
  port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by something that isn't answering PING; set SKYRO_REDIS_PORT"
  mkdir -p "$STATE_DIR/redis"
  log "redis: starting on 127.0.0.1:$REDIS_PORT"
  # Our own instance rather than the system service. Sessions live here, so it persists
  # them the way production must (docs/deploy.md, "Redis: sessions survive its restart"): an append-only file, fsynced
  # every second. Redis writes each command to the file before it answers, so a restart or
  # a crash of Redis itself loses nothing acknowledged; only a crash of the machine may lose
  # the last second. "always" would fsync on every write — every rate-limit hit of every
  # request — for a second of sessions that at worst means logging in again. No RDB
  # snapshots: the AOF alone is complete. noeviction: a full Redis must refuse writes
  # (CACHE_UNAVAILABLE), never drop sessions to make room.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --pidfile "$REDIS_PIDFILE" --logfile "$LOG_DIR/redis.log" --dir "$STATE_DIR/redis" \
    --save '' --appendonly yes --appendfsync everysec --maxmemory-policy noeviction --maxclients 4096 9>&- \
    || die "redis failed to start; see $LOG_DIR/redis.log"
  local deadline=$((SECONDS + WAIT_SECS))
  until redis_ping; do
    (( SECONDS < deadline )) || die "redis not answering PING on 127.0.0.1:$REDIS_PORT after ${WAIT_SECS}s; see $LOG_DIR/redis.log"
    sleep 0.1
  done
  log "redis: ready at 127.0.0.1:$REDIS_PORT"
}

redis_down() {
  local pid; pid=$(read_pid "$REDIS_PIDFILE")
  if [[ "$MODE" == kill ]]; then
    # Only the pid this state dir started: never whatever answers on the port.
    if pid_alive "$pid"; then log "redis: killing (pid $pid)"; kill -KILL "$pid" 2>/dev/null || true; fi
  elif redis_ping; then
    log "redis: stopping"
    # SHUTDOWN flushes and fsyncs the append-only file; NOSAVE only skips an RDB snapshot.
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  if pid_alive "$pid"; then
    for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.1; done
    pid_alive "$pid" && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$REDIS_PIDFILE"
}

redis_restart() { redis_down; redis_up; }

redis_purge() {
  [[ "$PRIVATE" -eq 1 ]] || die "purge removes data: only for a private SKYRO_STATE_DIR, never the shared $STATE_DIR"
  rm -rf "$STATE_DIR/redis"
}

redis_status() {
  if redis_ping; then
    echo "redis    up   127.0.0.1:$REDIS_PORT ($(redis-server --version | grep -o 'v=[0-9.]*'))"
  else
    echo "redis    down 127.0.0.1:$REDIS_PORT"; return 1
  fi
}

# --------------------------------------------------------------------- Kafka

KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DIR="$STATE_DIR/kafka"
KAFKA_PIDFILE="$RUN_DIR/kafka.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"

kafka_pid() {
  local pid; pid=$(read_pid "$KAFKA_PIDFILE")
  # Guard against a recycled pid belonging to some other process.
  if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
    echo "$pid"
  fi
}

# Apache ships Kafka's jars on Maven Central, so Maven can fetch a runnable broker
# (the tarball site is not reachable from our machines).
kafka_fetch() {
  [[ -f "$KAFKA_HOME/.complete" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch Kafka jars)"
  log "kafka: fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS (first run only)"
  mkdir -p "$KAFKA_HOME"
  cat >"$KAFKA_HOME/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/services.sh: only used to download a runnable Kafka broker. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>skyro.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <!-- CLI tools (topics, console producer/consumer); Connect's REST stack isn't needed. -->
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$KAFKA_VERSION</version>
      <exclusions>
        <exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion>
        <exclusion><groupId>com.fasterxml.jackson.jakarta.rs</groupId><artifactId>*</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-api</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
  # Download into a temp dir and mark complete only at the end, so an interrupted
  # download is redone rather than leaving a half classpath.
  rm -rf "$KAFKA_LIBS.tmp"
  mvn -q -B -f "$KAFKA_HOME/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.tmp" >"$KAFKA_HOME/mvn.log" 2>&1 \
    || { tail -n 30 "$KAFKA_HOME/mvn.log" >&2; die "fetching Kafka jars failed; see $KAFKA_HOME/mvn.log"; }
  ls "$KAFKA_LIBS.tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 \
    || die "Kafka jars missing after mvn; see $KAFKA_HOME/mvn.log"
  rm -rf "$KAFKA_LIBS"
  mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
  touch "$KAFKA_HOME/.complete"
}

kafka_write_config() {
  mkdir -p "$KAFKA_DIR/data"
  cat >"$KAFKA_DIR/server.properties" <<EOF
# Written by scripts/services.sh on every start.
process.roles=broker,controller
node.id=1
# Static single voter: simplest KRaft quorum for one combined node.
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.network.threads=2
num.io.threads=4
num.partitions=3
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Few internal partitions: faster first consumer-group / transaction use on 2 cores.
offsets.topic.num.partitions=3
transaction.state.log.num.partitions=3
# Tests want consumers to join at once, not after the default 3s delay.
group.initial.rebalance.delay.ms=0
# After an unclean stop (kill -9) the controller holds the old registration until the
# session times out (default 9s); shorter makes such restarts quicker.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000
log.retention.hours=24
log.segment.bytes=268435456
EOF
  cat >"$KAFKA_DIR/log4j2.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/services.sh: broker logs go to a file, never the terminal. -->
<Configuration status="WARN">
  <Appenders>
    <RollingFile name="file" fileName="$KAFKA_LOG" filePattern="$KAFKA_LOG.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <Policies><SizeBasedTriggeringPolicy size="50MB"/></Policies>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="file"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="org.apache.kafka.clients" level="WARN"/>
  </Loggers>
</Configuration>
EOF
}

kafka_up() {
  local pid; pid=$(kafka_pid)
  if [[ -n "$pid" ]] && port_open "$KAFKA_PORT"; then
    log "kafka: already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  command -v java >/dev/null || die "java not found (Kafka $KAFKA_VERSION needs Java 17+)"
  if [[ -n "$pid" ]]; then
    # Alive but not listening: probably still starting (e.g. a concurrent 'up'); just wait below.
    log "kafka: process $pid exists, waiting for it"
  else
    port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by something else; set SKYRO_KAFKA_PORT"
    port_open "$KAFKA_CONTROLLER_PORT" && die "port $KAFKA_CONTROLLER_PORT is taken; set SKYRO_KAFKA_CONTROLLER_PORT"
    kafka_fetch
    kafka_write_config
    if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
      # Formatting stamps the log dir with a cluster id; only ever done once per data dir.
      local cluster_id
      cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)
      log "kafka: formatting storage (cluster id $cluster_id)"
      java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format --cluster-id="$cluster_id" -c "$KAFKA_DIR/server.properties" \
        >"$LOG_DIR/kafka-format.log" 2>&1 \
        || { cat "$LOG_DIR/kafka-format.log" >&2; die "kafka storage format failed; see $LOG_DIR/kafka-format.log"; }
    fi
    # Fresh log per start, so the readiness grep below can't match an old run's line.
    if [[ -f "$KAFKA_LOG" ]]; then mv -f "$KAFKA_LOG" "$KAFKA_LOG.prev"; fi
    log "kafka: starting Apache Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$KAFKA_PORT"
    # setsid: detach from our session so the broker outlives this shell and its job control.
    # The inner shell records its own pid and then execs java, so the pidfile is exact.
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$KAFKA_PIDFILE" \
      java ${SKYRO_KAFKA_HEAP:--Xms256m -Xmx512m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.xml" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties" \
      </dev/null >"$LOG_DIR/kafka.out" 2>&1 9>&- &
    for _ in $(seq 50); do [[ -s "$KAFKA_PIDFILE" ]] && break; sleep 0.05; done
  fi

  # "Kafka Server started" is logged once the broker has caught up with the metadata
  # log and opened its listeners; the port check confirms it from the outside.
  local deadline=$((SECONDS + WAIT_SECS))
  until port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null; do
    if [[ -z "$(kafka_pid)" ]]; then
      tail -n 20 "$KAFKA_LOG" "$LOG_DIR/kafka.out" >&2 2>/dev/null || true
      die "kafka exited during startup; see $KAFKA_LOG and $LOG_DIR/kafka.out"
    fi
    (( SECONDS < deadline )) || die "kafka not ready on 127.0.0.1:$KAFKA_PORT after ${WAIT_SECS}s; see $KAFKA_LOG"
    sleep 0.25
  done
  log "kafka: ready at 127.0.0.1:$KAFKA_PORT (pid $(kafka_pid))"
}

kafka_down() {
  local pid; pid=$(kafka_pid)
  if [[ -n "$pid" && "$MODE" == kill ]]; then
    log "kafka: killing (pid $pid)"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.1; done
  elif [[ -n "$pid" ]]; then
    log "kafka: stopping (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    # A clean shutdown avoids log recovery on the next start; give it a while.
    for _ in $(seq 300); do pid_alive "$pid" || break; sleep 0.1; done
    if pid_alive "$pid"; then
      log "kafka: did not stop in 30s, killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$KAFKA_PIDFILE"
}

kafka_restart() { kafka_down; kafka_up; }

kafka_purge() {
  [[ "$PRIVATE" -eq 1 ]] || die "purge removes data: only for a private SKYRO_STATE_DIR, never the shared $STATE_DIR"
  rm -rf "$KAFKA_DIR"
}

kafka_status() {
  local pid; pid=$(kafka_pid)
  if [[ -n "$pid" ]] && port_open "$KAFKA_PORT"; then
    echo "kafka    up   127.0.0.1:$KAFKA_PORT (Apache Kafka $KAFKA_VERSION KRaft, pid $pid)"
  else
    echo "kafka    down 127.0.0.1:$KAFKA_PORT"; return 1
  fi
}

# ---------------------------------------------------------------------- main

usage() {
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

cmd="${1:-}"; [[ -n "$cmd" ]] || usage; shift
services="$ALL_SERVICES"
MODE=fast
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) [[ $# -ge 2 ]] || usage; services="${2//,/ }"; shift 2 ;;
    --only=*) services="${1#--only=}"; services="${services//,/ }"; shift ;;
    --mode) [[ $# -ge 2 ]] || usage; MODE="$2"; shift 2 ;;
    --mode=*) MODE="${1#--mode=}"; shift ;;
    -h|--help) usage ;;
    *) die "unknown argument: $1" ;;
  esac
done
for s in $services; do
  case "$s" in pg|postgres) ;; redis|kafka) ;; *) die "unknown service '$s' (use pg, redis, kafka)" ;; esac
done
services="${services//postgres/pg}"
case "$MODE" in fast|kill) ;; smart) [[ "$services" == pg ]] || die "--mode smart is for pg only (--only pg)" ;; *) die "unknown mode '$MODE' (use fast, smart, kill)" ;; esac
[[ "$MODE" == fast || "$cmd" == down ]] || die "--mode is an option of down"
PRIVATE=0
[[ -n "${SKYRO_STATE_DIR:-}" && "$(realpath -m "$STATE_DIR")" != /tmp/skyro-services ]] && PRIVATE=1

# One 'up'/'down' at a time (parallel test jobs may all call 'up'). The lock fd is
# closed (9>&-) for every daemon we start so they don't hold it forever.
take_lock() {
  mkdir -p "$STATE_DIR" "$LOG_DIR" "$RUN_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock -w 900 9 || die "timed out waiting for another services.sh on $STATE_DIR/.lock"
}

case "$cmd" in
  up)
    [[ $(id -u) -eq 0 ]] || die "run as root (apt-get and pg_ctlcluster need it)"
    take_lock
    for s in $services; do "${s}_up"; done
    env_lines >"$STATE_DIR/env"
    log "all requested services up; env written to $STATE_DIR/env"
    ;;
  down)
    take_lock
    # Reverse order: Kafka is the slowest to stop, do it while the others are still fine.
    for s in kafka redis pg; do
      if [[ " $services " == *" $s "* ]]; then "${s}_down"; fi
    done
    log "stopped ($services); caches in $CACHE_DIR and data in $STATE_DIR kept"
    ;;
  restart)
    [[ $(id -u) -eq 0 ]] || die "run as root (apt-get and pg_ctlcluster need it)"
    take_lock
    for s in $services; do "${s}_restart"; done
    env_lines >"$STATE_DIR/env"
    ;;
  purge)
    # Checked before anything is stopped: the shared instances are never purged (nor killed by a purge).
    [[ "$PRIVATE" -eq 1 ]] || die "purge removes data: only for a private SKYRO_STATE_DIR, never the shared $STATE_DIR"
    take_lock
    for s in kafka redis pg; do
      if [[ " $services " == *" $s "* ]]; then MODE=kill "${s}_down"; "${s}_purge"; fi
    done
    # The whole state dir once nothing of it is left.
    if [[ "$services" == "$ALL_SERVICES" || -z "$(ls -A "$STATE_DIR/pg" "$STATE_DIR/redis" "$KAFKA_DIR" 2>/dev/null)" ]]; then rm -rf "$STATE_DIR"; fi
    log "purged ($services) in $STATE_DIR"
    ;;
  status)
    rc=0
    for s in $services; do "${s}_status" || rc=1; done
    exit $rc
    ;;
  env) env_lines ;;
  *) usage ;;
esac

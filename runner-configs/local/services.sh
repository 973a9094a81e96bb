#!/usr/bin/env bash
# Starts (or reports) the local services dctwin's tests and local stack use, all on 127.0.0.1:
# Mosquitto, PostgreSQL, MariaDB, a Kafka broker (KRaft, a JVM of its own from the kafka_2.13
# jars of Maven Central), Prometheus Alertmanager (runner-configs/alertmanager/alertmanager.yml;
# AlertmanagerRelayIT starts an instance of its own from the same package) and Prometheus'
# node_exporter (127.0.0.1:9100). It also installs the real monitoring agents of
# runner-configs/agents/ (collectd with write_kafka, Prometheus, stress-ng) without starting them:
# the tests that use them start their own with the project's configs; and Debian's chromium and
# chromium-driver, which the web view's tests drive headless. Idempotent: a service that already
# answers is reused.
# Usage: services.sh start|status|stop [all]   (stop: the Kafka broker; stop all: every service)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
KAFKA_PORT=${DCTWIN_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${DCTWIN_KAFKA_CONTROLLER_PORT:-9093}
# A second listener that authenticates with SASL/SCRAM-SHA-256; tests create their users on it
# with random passwords through the Admin API (no user or password is configured here).
KAFKA_SASL_PORT=${DCTWIN_KAFKA_SASL_PORT:-9094}
KAFKA_DIR=${DCTWIN_KAFKA_DIR:-/var/tmp/dctwin-kafka}
# The role whose connections from 127.0.0.1 need a password (scram-sha-256), so that tests can
# check authentication although the local cluster trusts everyone else.
PG_AUTH_ROLE=dctwin_auth
# Not Alertmanager's default 9093: the Kafka controller listens there.
ALERTMANAGER_PORT=${DCTWIN_ALERTMANAGER_PORT:-9095}
ALERTMANAGER_DIR=${DCTWIN_ALERTMANAGER_DIR:-/var/tmp/dctwin-alertmanager}
# runner-configs/agents/prometheus.yml scrapes it there.
NODE_EXPORTER_PORT=${DCTWIN_NODE_EXPORTER_PORT:-9100}
NODE_EXPORTER_DIR=${DCTWIN_NODE_EXPORTER_DIR:-/var/tmp/dctwin-node-exporter}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 60); do
    port_open "$port" && return 0
    sleep 0.5
  done
  echo "services: $name did not come up on 127.0.0.1:$port" >&2
  return 1
}

need_package() {
  local binary=$1 package=$2
  if ! command -v "$binary" >/dev/null 2>&1; then
    echo "services: installing $package"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
  fi
}

# Installs Debian packages without letting their init scripts start a daemon: Debian's collectd,
# prometheus and prometheus-node-exporter start one listening on every interface when nothing
# forbids it (a Docker image's policy-rc.d does; a plain machine has none).
install_without_starting() {
  local forbid=/usr/sbin/policy-rc.d created=
  if [ ! -e "$forbid" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$forbid" && chmod +x "$forbid" && created=1
  fi
  local rc=0
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || rc=$?
  [ -n "$created" ] && rm -f "$forbid"
  return $rc
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# The agents of runner-configs/agents/ that the tests run for real: collectd (write_kafka needs
# libyajl2 for JSON and librdkafka1), Prometheus (promtool too), node_exporter, stress-ng.
need_agents() {
  local missing=()
  for package in collectd-core libyajl2 librdkafka1 prometheus prometheus-node-exporter stress-ng; do
    installed "$package" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "services: installing ${missing[*]}"
  install_without_starting "${missing[@]}"
}

start_node_exporter() {
  port_open "$NODE_EXPORTER_PORT" && return 0
  mkdir -p "$NODE_EXPORTER_DIR"
  nohup prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_EXPORTER_PORT" \
    >"$NODE_EXPORTER_DIR/node-exporter.log" 2>&1 &
  echo $! >"$NODE_EXPORTER_DIR/node-exporter.pid"
  wait_port node-exporter "$NODE_EXPORTER_PORT"
}

stop_node_exporter() {
  local pid_file="$NODE_EXPORTER_DIR/node-exporter.pid"
  [ -f "$pid_file" ] || return 0
  kill "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file"
}

start_mosquitto() {
  port_open 1883 && return 0
  need_package mosquitto mosquitto
  mosquitto -d -c /etc/mosquitto/mosquitto.conf
  wait_port mosquitto 1883
}

start_postgres() {
  port_open 5432 && return 0
  need_package pg_ctlcluster postgresql
  pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main start
  wait_port postgresql 5432
}

pg_version() { ls /etc/postgresql | sort -V | tail -1; }

# Idempotent: puts one pg_hba.conf rule for PG_AUTH_ROLE above the others (first match wins).
require_password_for_auth_role() {
  local hba
  hba="/etc/postgresql/$(pg_version)/main/pg_hba.conf"
  grep -q "^host all $PG_AUTH_ROLE " "$hba" && return 0
  sed -i "0,/^\(local\|host\)/s//host all $PG_AUTH_ROLE 127.0.0.1\/32 scram-sha-256\n&/" "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main reload
}

kafka_classpath() {
  local cp="$KAFKA_DIR/classpath.txt"
  if [ ! -s "$cp" ] || [ "$here/kafka/pom.xml" -nt "$cp" ]; then
    (cd "$repo" && mvn -B -q -f runner-configs/local/kafka/pom.xml dependency:build-classpath \
      -Dmdep.outputFile="$cp" >/dev/null)
  fi
  cat "$cp"
}

start_kafka() {
  if port_open "$KAFKA_PORT"; then
    port_open "$KAFKA_SASL_PORT" && return 0
    # A broker of an older version of this script, without the SCRAM listener.
    echo "services: restarting kafka to add the SASL listener"
    stop_kafka
  fi
  mkdir -p "$KAFKA_DIR/logs"
  local cp config="$KAFKA_DIR/server.properties"
  cp=$(kafka_classpath)
  cat >"$config" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-256
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
# Retention by size, not time: replays of recorded data carry historical timestamps, which
# time-based retention would delete at the next check, while a job still reads them.
log.retention.ms=-1
log.retention.bytes=1073741824
PROPERTIES
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    local log4j="-Dlog4j.configuration=file:$here/kafka/log4j.properties"
    java "$log4j" -Dkafka.logs.dir="$KAFKA_DIR/logs" -cp "$cp" kafka.tools.StorageTool format \
      --ignore-formatted -c "$config" \
      -t "$(java "$log4j" -Dkafka.logs.dir="$KAFKA_DIR/logs" -cp "$cp" kafka.tools.StorageTool random-uuid)" \
      >/dev/null
  fi
  nohup java -Xmx512m -Dkafka.logs.dir="$KAFKA_DIR/logs" \
    -Dlog4j.configuration="file:$here/kafka/log4j.properties" \
    -cp "$cp" kafka.Kafka "$config" >"$KAFKA_DIR/logs/stdout.log" 2>&1 &
  echo $! >"$KAFKA_DIR/kafka.pid"
  wait_port kafka "$KAFKA_PORT"
  wait_port kafka-sasl "$KAFKA_SASL_PORT"
  echo "services: kafka logs in $KAFKA_DIR/logs"
}

stop_kafka() {
  local pid_file="$KAFKA_DIR/kafka.pid"
  [ -f "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$pid_file"
}

start_mariadb() {
  port_open 3306 && return 0
  need_package mariadbd mariadb-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port mariadb 3306
}

start_alertmanager() {
  need_package prometheus-alertmanager prometheus-alertmanager
  port_open "$ALERTMANAGER_PORT" && return 0
  mkdir -p "$ALERTMANAGER_DIR/data"
  # --cluster.listen-address= (empty) turns off clustering: nothing listens beyond 127.0.0.1.
  nohup prometheus-alertmanager --config.file="$repo/runner-configs/alertmanager/alertmanager.yml" \
    --storage.path="$ALERTMANAGER_DIR/data" --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" \
    --cluster.listen-address= >"$ALERTMANAGER_DIR/alertmanager.log" 2>&1 &
  echo $! >"$ALERTMANAGER_DIR/alertmanager.pid"
  wait_port alertmanager "$ALERTMANAGER_PORT"
}

stop_alertmanager() {
  local pid_file="$ALERTMANAGER_DIR/alertmanager.pid"
  [ -f "$pid_file" ] || return 0
  kill "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file"
}

# The web view's tests (DemoWebViewIT, LargeFleetWebViewIT) drive these with Selenium.
install_browser() {
  need_package chromium chromium
  need_package chromedriver chromium-driver
}

status() {
  for entry in mosquitto:1883 postgresql:5432 mariadb:3306 "kafka:$KAFKA_PORT" "kafka-sasl:$KAFKA_SASL_PORT" "alertmanager:$ALERTMANAGER_PORT" "node-exporter:$NODE_EXPORTER_PORT"; do
    if port_open "${entry#*:}"; then state=up; else state=down; fi
    printf '%-13s 127.0.0.1:%-5s %s\n' "${entry%%:*}" "${entry#*:}" "$state"
  done
}

case "${1:-start}" in
  start)
    start_mosquitto
    start_postgres
    require_password_for_auth_role
    start_mariadb
    start_kafka
    start_alertmanager
    need_agents
    start_node_exporter
    install_browser
    status
    ;;
  status) status ;;
  stop)
    stop_kafka
    if [ "${2:-}" = all ]; then
      start-stop-daemon --stop --oknodo --exec /usr/sbin/mosquitto
      pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main stop || true
      start-stop-daemon --stop --oknodo --exec /usr/sbin/mariadbd
      stop_alertmanager
      stop_node_exporter
    fi
    status
    ;;
  *) echo "usage: $0 start|status|stop [all]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Starts (or reports) the local services dctwin's tests and local stack use, all on 127.0.0.1.
# Idempotent: a service that already answers is reused. Usage: services.sh start|status
set -euo pipefail

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

start_mosquitto() {
  port_open 1883 && return 0
  need_package mosquitto mosquitto
  mosquitto -d -c /etc/mosquitto/mosquitto.conf
  wait_port mosquitto 1883
}

start_postgres() {
  port_open 5432 && return 0
  need_package pg_ctlcluster postgresql
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  wait_port postgresql 5432
}

start_mariadb() {
  port_open 3306 && return 0
  need_package mariadbd mariadb-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port mariadb 3306
}

status() {
  for entry in mosquitto:1883 postgresql:5432 mariadb:3306; do
    if port_open "${entry#*:}"; then state=up; else state=down; fi
    printf '%-11s 127.0.0.1:%-5s %s\n' "${entry%%:*}" "${entry#*:}" "$state"
  done
}

case "${1:-start}" in
  start)
    start_mosquitto
    start_postgres
    start_mariadb
    status
    ;;
  status) status ;;
  *) echo "usage: $0 start|status" >&2; exit 2 ;;
esac

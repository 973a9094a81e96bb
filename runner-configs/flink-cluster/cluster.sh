#!/usr/bin/env bash
# A standalone Flink session cluster from Maven Central jars (no Flink distribution): the
# JobManager (StandaloneSessionClusterEntrypoint) and one TaskManager (TaskManagerRunner) as
# separate JVMs on 127.0.0.1, configured by flink-conf.yaml next to this script, with the JVM and
# memory arguments that BashJavaUtils computes from it, as flink-dist's bin/ scripts do.
# REST API and web UI: http://127.0.0.1:8081. Pid files, logs and temporary files live in the work
# directory, $DCTWIN_FLINK_DIR (default /var/tmp/dctwin-flink). Starting is idempotent.
#
# Usage: cluster.sh start|stop|status|kill-taskmanager [ID]|start-taskmanager [ID]|classpath
#   start                   JobManager and TaskManager (each only if not running); waits for both
#   stop                    every TaskManager, then the JobManager: SIGTERM, SIGKILL after 30 s
#   status                  what runs, and the cluster overview from the REST API; exit 3 if the
#                           JobManager or no TaskManager runs
#   kill-taskmanager [ID]   kill -9 a TaskManager (a crash, for recovery tests)
#   start-taskmanager [ID]  a (further) TaskManager; waits until it has registered. ID names it
#                           (pid file taskmanager-ID.pid), for more than one; default: none
#   classpath               prints the cluster's classpath (resolved once with Maven, then cached)
# Environment: DCTWIN_FLINK_DIR (work directory), DCTWIN_FLINK_REST_PORT (instead of rest.port),
#   DCTWIN_FLINK_RPC_PORT (instead of jobmanager.rpc.port; with the REST port, for a second cluster),
#   DCTWIN_FLINK_TM_SLOTS (slots of TaskManagers started now, instead of
#   taskmanager.numberOfTaskSlots), DCTWIN_FLINK_CONF_DIR (instead of this directory),
#   DCTWIN_FLINK_START_TIMEOUT (seconds, default 120), JAVA_HOME.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CONF_DIR=${DCTWIN_FLINK_CONF_DIR:-$here}
WORK=${DCTWIN_FLINK_DIR:-/var/tmp/dctwin-flink}
START_TIMEOUT=${DCTWIN_FLINK_START_TIMEOUT:-120}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JM_CLASS=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
TM_CLASS=org.apache.flink.runtime.taskexecutor.TaskManagerRunner

usage() { echo "usage: $0 start|stop|status|kill-taskmanager [ID]|start-taskmanager [ID]|classpath" >&2; }
die() { echo "cluster: $*" >&2; exit 1; }

# The value of a key of flink-conf.yaml (flat "key: value" lines; the last one wins, as in Flink).
conf() { sed -n "s/^$1:[[:space:]]*//p" "$CONF_DIR/flink-conf.yaml" | tail -n 1; }

REST_PORT=${DCTWIN_FLINK_REST_PORT:-$(conf rest.port)}
REST_PORT=${REST_PORT:-8081}
REST="http://127.0.0.1:$REST_PORT"
RPC_PORT=${DCTWIN_FLINK_RPC_PORT:-}

# Per-installation settings, as dynamic properties: they win over flink-conf.yaml.
dynamic_properties() {
  printf '%s\n' -D "io.tmp.dirs=$WORK/tmp" -D "web.tmpdir=$WORK/web" \
    -D "state.backend.rocksdb.localdir=$WORK/rocksdb" \
    -D "state.backend.rocksdb.log.dir=$WORK/rocksdb/log" -D "rest.port=$REST_PORT"
  if [ -n "$RPC_PORT" ]; then printf '%s\n' -D "jobmanager.rpc.port=$RPC_PORT"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The classpath is resolved once per version of pom.xml and cached next to it (target/ is ignored
# by git), so that every work directory shares it.
classpath() {
  local cp="$here/target/classpath.txt" output
  mkdir -p "$here/target"
  if [ ! -s "$cp" ] || [ "$here/pom.xml" -nt "$cp" ]; then
    # Resolve into a temporary file first: a half-written classpath must never be cached.
    if ! output=$(mvn -B -q -f "$here/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$cp.$$" 2>&1); then
      echo "$output" >&2
      die "cannot resolve the Flink jars with Maven (see above)"
    fi
    mv "$cp.$$" "$cp"
  fi
  cat "$cp"
}

# The pid in a pid file if that process runs and is the expected Flink process (pids get reused).
running_pid() {
  local name=$1 main_class=$2 pid_file="$WORK/$1.pid" pid
  [ -f "$pid_file" ] || return 1
  pid=$(cat "$pid_file")
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$main_class"; then
    echo "$pid"
    return 0
  fi
  rm -f "$pid_file"
  return 1
}

# Runs BashJavaUtils like flink-dist's config.sh: prints two lines, the JVM arguments (-Xmx, -Xms,
# direct and metaspace limits) and the dynamic properties (-D key=value) that fix every memory pool.
resource_params() {
  local command=$1 cp=$2 output results
  local -a dynamic
  mapfile -t dynamic < <(dynamic_properties)
  if ! output=$("$JAVA" -cp "$cp" org.apache.flink.runtime.util.bash.BashJavaUtils "$command" \
    --configDir "$CONF_DIR" "${dynamic[@]}" 2>&1); then
    echo "$output" >&2
    die "BashJavaUtils $command failed"
  fi
  results=$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$output" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://' || true)
  if [ "$(grep -c . <<<"$results")" -ne 2 ]; then
    echo "$output" >&2
    die "BashJavaUtils $command: expected 2 result lines"
  fi
  echo "$results"
}

# Starts one Flink JVM in the background: name (pid file and log), main class, BashJavaUtils
# command, the env.java.opts key of its role, and further program arguments.
launch() {
  local name=$1 main_class=$2 command=$3 role_opts=$4
  shift 4
  local cp params jvm_params dynamic_params log stamp
  cp=$(classpath)
  params=$(resource_params "$command" "$cp")
  jvm_params=$(head -n 1 <<<"$params")
  dynamic_params=$(tail -n 1 <<<"$params")
  stamp=$(date +%Y%m%d-%H%M%S)
  mkdir -p "$WORK/log" "$WORK/tmp" "$WORK/web" "$WORK/rocksdb/log"
  log="$WORK/log/$name-$stamp.log"
  local -a dynamic
  mapfile -t dynamic < <(dynamic_properties)
  # Word splitting of the option strings is intended: each holds several JVM arguments, exactly
  # as flink-daemon.sh passes them.
  # shellcheck disable=SC2086
  # From the work directory, with an empty plugins folder: Flink resolves both relative to it.
  mkdir -p "$WORK/plugins"
  cd "$WORK"
  FLINK_PLUGINS_DIR="$WORK/plugins" nohup "$JAVA" $jvm_params $(conf env.java.opts.all) $(conf "$role_opts") \
    -Dlog.file="$log" \
    -Dlog4j.configuration="file:$CONF_DIR/log4j.properties" \
    -Dlog4j.configurationFile="file:$CONF_DIR/log4j.properties" \
    -cp "$cp" "$main_class" --configDir "$CONF_DIR" "${dynamic[@]}" $dynamic_params "$@" \
    >"$WORK/log/$name-$stamp.out" 2>&1 </dev/null &
  echo $! >"$WORK/$name.pid"
  cd - >/dev/null
  ln -sfn "$name-$stamp.log" "$WORK/log/$name.log"
  echo "cluster: $name started (pid $!), log $log"
}

# Waits until a REST path answers and its body contains a pattern, while the process lives.
wait_rest() {
  local what=$1 path=$2 pattern=$3 name=$4 main_class=$5
  local deadline=$((SECONDS + START_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if curl -sf --max-time 5 "$REST$path" 2>/dev/null | grep -q "$pattern"; then
      return 0
    fi
    if ! running_pid "$name" "$main_class" >/dev/null; then
      tail -n 40 "$WORK/log/$name.log" "$WORK/log/"$name-*.out 2>/dev/null | tail -n 60 >&2 || true
      die "$name exited while starting; logs in $WORK/log"
    fi
    sleep 1
  done
  die "$what not ready within ${START_TIMEOUT}s; logs in $WORK/log"
}

start_jobmanager() {
  local pid
  if pid=$(running_pid jobmanager "$JM_CLASS"); then
    echo "cluster: jobmanager already running (pid $pid)"
    return 0
  fi
  if port_open "$REST_PORT"; then
    die "127.0.0.1:$REST_PORT is in use by a process this script did not start (another Flink?)"
  fi
  launch jobmanager "$JM_CLASS" GET_JM_RESOURCE_PARAMS env.java.opts.jobmanager
  wait_rest "REST API on $REST" /overview '"flink-version"' jobmanager "$JM_CLASS"
  echo "cluster: REST API and web UI on $REST"
}

# The pid-file name of a TaskManager: taskmanager, or taskmanager-ID.
tm_name() {
  [ -z "${1:-}" ] && { echo taskmanager; return; }
  [[ $1 =~ ^[a-z0-9-]+$ ]] || die "a TaskManager ID is lower-case letters, digits and '-'"
  echo "taskmanager-$1"
}

start_taskmanager() {
  local name pid id
  name=$(tm_name "${1:-}")
  if pid=$(running_pid "$name" "$TM_CLASS"); then
    echo "cluster: $name already running (pid $pid)"
    return 0
  fi
  running_pid jobmanager "$JM_CLASS" >/dev/null || die "no jobmanager running: use '$0 start'"
  # A resource id of our own choosing, to recognise this TaskManager in the REST API (a killed
  # one stays listed until its heartbeat times out).
  id="dctwin-$name-$(date +%s%N)"
  local -a extra=(-D "taskmanager.resource-id=$id")
  if [ -n "${DCTWIN_FLINK_TM_SLOTS:-}" ]; then
    extra+=(-D "taskmanager.numberOfTaskSlots=$DCTWIN_FLINK_TM_SLOTS")
  fi
  launch "$name" "$TM_CLASS" GET_TM_RESOURCE_PARAMS env.java.opts.taskmanager "${extra[@]}"
  wait_rest "$name $id" /taskmanagers "\"id\":\"$id\"" "$name" "$TM_CLASS"
  echo "cluster: $name registered as $id"
}

# Stops a process: SIGTERM (or the given signal), then SIGKILL after a grace period.
stop_process() {
  local name=$1 main_class=$2 signal=${3:-TERM} pid
  if ! pid=$(running_pid "$name" "$main_class"); then
    echo "cluster: $name not running"
    return 0
  fi
  kill "-$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "cluster: $name (pid $pid) ignored SIG$signal for 30 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$WORK/$name.pid"
  echo "cluster: $name stopped (pid $pid, SIG$signal)"
}

taskmanager_names() {
  local pid_file
  for pid_file in "$WORK"/taskmanager*.pid; do
    [ -e "$pid_file" ] && basename "$pid_file" .pid
  done
  return 0
}

status() {
  local state=0 pid name tms=0 overview
  if pid=$(running_pid jobmanager "$JM_CLASS"); then
    printf '%-24s running (pid %s)\n' jobmanager "$pid"
  else
    printf '%-24s stopped\n' jobmanager
    state=3
  fi
  for name in $(taskmanager_names); do
    if pid=$(running_pid "$name" "$TM_CLASS"); then
      printf '%-24s running (pid %s)\n' "$name" "$pid"
      tms=$((tms + 1))
    fi
  done
  if [ "$tms" -eq 0 ]; then
    printf '%-24s none running\n' taskmanager
    state=3
  fi
  if overview=$(curl -sf --max-time 5 "$REST/overview" 2>/dev/null); then
    printf '%-24s %s %s\n' rest "$REST" "$overview"
  else
    printf '%-24s %s not answering\n' rest "$REST"
    state=3
  fi
  printf '%-24s %s\n' "work dir" "$WORK"
  return $state
}

case "${1:-}" in
  start)
    start_jobmanager
    start_taskmanager
    ;;
  stop)
    for name in $(taskmanager_names); do stop_process "$name" "$TM_CLASS"; done
    stop_process jobmanager "$JM_CLASS"
    ;;
  status) status ;;
  kill-taskmanager) stop_process "$(tm_name "${2:-}")" "$TM_CLASS" KILL ;;
  start-taskmanager) start_taskmanager "${2:-}" ;;
  classpath) classpath ;;
  -h | --help) usage; exit 0 ;;
  *) usage; exit 2 ;;
esac

#!/usr/bin/env bash
# Submits the datacenter pipeline to the Flink session cluster (cluster.sh) with the flags of
# runner-configs/flink-cluster.flags, detached: prints JOB_ID=<id> and JOB_NAME=<name>, and returns
# once the cluster has accepted the job. Flags given here override the file's flags of the same
# name (Beam rejects a flag given twice).
#
# Usage: submit.sh [--jar JAR[,JAR...]] [--flags-file FILE] [--flag=value ...]
#   --jar         the job's code, staged to the cluster (--filesToStage). Default: the slim jar of
#                 'mvn -Pflink-runner package' (pipeline/target/dctwin-pipeline-flink.jar, without
#                 Flink's classes, which the cluster has), else the fat dctwin-pipeline.jar.
#                 Several comma-separated jars or class folders are staged side by side.
#   --flags-file  default runner-configs/flink-cluster.flags
#   --flag=value  flags of 'dctwin-pipeline.jar run' and of the FlinkRunner, e.g. --source=kafka
#                 --kafkaBootstrapServers=127.0.0.1:9092 --jdbcUrl=... --jobName=dctwin
#                 --savepointPath=DIR (resume from a savepoint; see savepoint.sh)
# The submitting JVM runs the job jar with the cluster's classpath (cluster.sh classpath) behind
# it, as Flink's own 'flink run' does: the Flink client and the RocksDB state backend that
# --stateBackend=rocksdb instantiates come from there.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

usage() { echo "usage: $0 [--jar JAR[,JAR...]] [--flags-file FILE] [--flag=value ...]" >&2; }

jars=""
flags_file="$repo/runner-configs/flink-cluster.flags"
declare -a args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jars=${2:?--jar needs a path}; shift 2 ;;
    --jar=*) jars=${1#--jar=}; shift ;;
    --flags-file) flags_file=${2:?--flags-file needs a path}; shift 2 ;;
    --flags-file=*) flags_file=${1#--flags-file=}; shift ;;
    -h | --help) usage; exit 0 ;;
    --*) args+=("$1"); shift ;;
    *) usage; exit 2 ;;
  esac
done

if [ -z "$jars" ]; then
  for candidate in "$repo/pipeline/target/dctwin-pipeline-flink.jar" \
    "$repo/pipeline/target/dctwin-pipeline.jar"; do
    if [ -f "$candidate" ]; then jars=$candidate; break; fi
  done
  [ -n "$jars" ] || { echo "submit: no job jar; build one: ./mvnw -B -pl pipeline -am -Pflink-runner package -Dmaven.test.skip=true" >&2; exit 2; }
fi
IFS=',' read -r -a job_jars <<<"$jars"
for jar in "${job_jars[@]}"; do
  [ -e "$jar" ] || { echo "submit: $jar does not exist" >&2; exit 2; }
done
[ -f "$flags_file" ] || { echo "submit: flags file $flags_file does not exist" >&2; exit 2; }

flag_name() { local name=${1#--}; echo "${name%%=*}"; }

# The file's flags (one per line, # comments), minus those the command line sets.
declare -A given=()
for arg in "${args[@]}"; do given[$(flag_name "$arg")]=1; done
declare -a flags=()
while IFS= read -r line || [ -n "$line" ]; do
  line=$(sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"$line")
  case "$line" in '' | '#'*) continue ;; esac
  [ -n "${given[$(flag_name "$line")]:-}" ] || flags+=("$line")
done <"$flags_file"
flags+=("${args[@]}")
[ -n "${given[filesToStage]:-}" ] || flags+=("--filesToStage=$jars")

classpath=$(IFS=:; echo "${job_jars[*]}"):$("$here/cluster.sh" classpath)
# The client loads the cluster's configuration too (Beam reads FLINK_CONF_DIR), so that anything
# a job does not set itself resolves as on the cluster.
export FLINK_CONF_DIR=${DCTWIN_FLINK_CONF_DIR:-$here}
java_opts=$(sed -n 's/^env.java.opts.all:[[:space:]]*//p' "$FLINK_CONF_DIR/flink-conf.yaml" | tail -n 1)
# The client logs through the job jar's slf4j-simple: timestamps, and no Kafka client config dumps.
log_opts="-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"
log_opts="$log_opts -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn"
# A short-lived client: the C1 compiler alone and the serial collector start fastest.
client_opts="-Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
# shellcheck disable=SC2086
exec "$JAVA" $client_opts $java_opts $log_opts ${DCTWIN_SUBMIT_JAVA_OPTS:-} -cp "$classpath" \
  dev.dctwin.pipeline.runners.Submit "${flags[@]}"

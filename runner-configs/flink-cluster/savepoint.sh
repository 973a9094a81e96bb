#!/usr/bin/env bash
# Savepoints of a job on the Flink session cluster (cluster.sh), through its REST API.
#
# Usage: savepoint.sh stop JOB [TARGET_DIR]
#        savepoint.sh trigger JOB [TARGET_DIR]
#        savepoint.sh resume SAVEPOINT [submit.sh arguments...]
#   stop     stop-with-savepoint (POST /jobs/:id/stop, no drain): sources stop, a last savepoint is
#            taken, the Kafka transactions of that savepoint commit, and the job FINISHES. Prints
#            SAVEPOINT=<path>. Use it to upgrade or move a job without losing or repeating output.
#   trigger  a savepoint of a running job that keeps running (POST /jobs/:id/savepoints).
#   resume   submits the pipeline again from a savepoint (submit.sh --savepointPath=SAVEPOINT) with
#            the given flags; keep --deploymentId (the Kafka exactly-once sinks' state belongs to
#            it) and the pipeline's shape, or add --allowNonRestoredState=true to drop the state
#            of removed transforms.
# JOB is a job id, or the name (--jobName) of a RUNNING job. TARGET_DIR defaults to the cluster's
# state.savepoints.dir. Environment: DCTWIN_FLINK_REST (default http://127.0.0.1:8081),
# DCTWIN_SAVEPOINT_TIMEOUT (seconds, default 300).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
REST=${DCTWIN_FLINK_REST:-http://127.0.0.1:${DCTWIN_FLINK_REST_PORT:-8081}}
TIMEOUT=${DCTWIN_SAVEPOINT_TIMEOUT:-300}

usage() {
  echo "usage: $0 stop JOB [TARGET_DIR] | trigger JOB [TARGET_DIR] | resume SAVEPOINT [submit.sh args...]" >&2
}
die() { echo "savepoint: $*" >&2; exit 1; }

# The first string value of a key in a JSON document (the REST answers used here are flat enough).
json_string() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | sed "s/^\"$1\":\"//; s/\"\$//"; }

# A job id as given, or the id of the RUNNING job with that name.
job_id() {
  local job=$1 id
  if [[ $job =~ ^[0-9a-f]{32}$ ]]; then
    echo "$job"
    return 0
  fi
  id=$(curl -sf --max-time 10 "$REST/jobs/overview" | grep -o '{"jid":"[0-9a-f]*","name":"[^"]*"[^}]*"state":"RUNNING"' \
    | grep "\"name\":\"$job\"" | json_string jid || true)
  [ -n "$id" ] || die "no RUNNING job named '$job' on $REST"
  echo "$id"
}

# Waits for an asynchronous savepoint operation; prints its location.
await_savepoint() {
  local id=$1 trigger=$2 deadline=$((SECONDS + TIMEOUT)) answer location
  while [ $SECONDS -lt $deadline ]; do
    answer=$(curl -sf --max-time 10 "$REST/jobs/$id/savepoints/$trigger") || die "cannot poll $REST"
    if grep -q '"id":"COMPLETED"' <<<"$answer"; then
      location=$(json_string location <<<"$answer")
      if [ -z "$location" ]; then
        echo "$answer" >&2
        die "savepoint of job $id failed"
      fi
      echo "$location"
      return 0
    fi
    sleep 1
  done
  die "savepoint of job $id not completed within ${TIMEOUT}s"
}

post() {
  local path=$1 body=$2 answer
  answer=$(curl -s --max-time 30 -X POST -H 'Content-Type: application/json' -d "$body" "$REST$path") \
    || die "cannot reach $REST"
  if ! grep -q '"request-id"' <<<"$answer"; then
    echo "$answer" >&2
    die "POST $path refused"
  fi
  json_string request-id <<<"$answer"
}

command=${1:-}
case "$command" in
  stop | trigger)
    [ $# -ge 2 ] && [ $# -le 3 ] || { usage; exit 2; }
    id=$(job_id "$2")
    target=${3:-}
    if [ "$command" = stop ]; then
      # drain=false: no MAX_WATERMARK, so event-time timers (silence, held incidents) are not
      # fired early and resume where they were.
      body="{\"drain\":false${target:+,\"targetDirectory\":\"$target\"}}"
      trigger=$(post "/jobs/$id/stop" "$body")
    else
      body="{\"cancel-job\":false${target:+,\"target-directory\":\"$target\"}}"
      trigger=$(post "/jobs/$id/savepoints" "$body")
    fi
    location=$(await_savepoint "$id" "$trigger")
    verb=$([ "$command" = stop ] && echo "stopped with a" || echo "kept running after a")
    echo "savepoint: job $id $verb savepoint at $location" >&2
    echo "SAVEPOINT=$location"
    ;;
  resume)
    [ $# -ge 2 ] || { usage; exit 2; }
    savepoint=$2
    shift 2
    exec "$here/submit.sh" "--savepointPath=$savepoint" "$@"
    ;;
  -h | --help) usage ;;
  *) usage; exit 2 ;;
esac

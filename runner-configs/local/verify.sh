#!/usr/bin/env bash
# All of dctwin's tests, as CI runs them (.ci/run calls exactly this): the local services, then
# 'mvnw verify' (unit tests under surefire, *IT under failsafe with the real services, the
# google-java-format check, the terraform checks), then the builds of the other profiles: the
# Flink cluster's job jar (-Pflink-runner; its size is checked at package) submitted to a real Flink
# cluster, and the Dataflow translation test, which needs the DataflowRunner on the classpath.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
runner-configs/local/services.sh start
./mvnw -B verify "$@"
./mvnw -B -pl pipeline -am -Pflink-runner package failsafe:integration-test failsafe:verify \
  -Dit.test=FlinkJobJarIT -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false
# -am: the pipeline's modules from this tree, not whatever an earlier build left in ~/.m2.
./mvnw -B -pl pipeline -am -Pdataflow-runner test-compile failsafe:integration-test failsafe:verify \
  -Dit.test=DataflowTranslationIT -Dfailsafe.failIfNoSpecifiedTests=false

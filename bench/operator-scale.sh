#!/usr/bin/env bash
# The operator at scale on the fabric8 mock API server: bench/operator-scale.sh [--exports N] [--nodes N]
# [--markdown] (--help lists all). The benchmark lives with the tests (src/test/java/dev/aoe/bench/operator)
# because the mock server is a test dependency; this script compiles them and runs it in its own JVM,
# so the heap and resident set it reports are the operator's and the mock server's only.
# AOE_BUILD_DIR is the Maven build directory (default target/), JAVA_OPTS adds JVM options.
set -euo pipefail
home=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
build=${AOE_BUILD_DIR:-$home/target}
cd "$home"
./mvnw -q -o test-compile dependency:build-classpath -Daoe.build.dir="$build" \
  -Dmdep.outputFile="$build/test-classpath.txt" -Dmdep.includeScope=test >&2
# shellcheck disable=SC2086  # JAVA_OPTS holds several options
exec java ${JAVA_OPTS:-} -cp "$build/test-classes:$build/classes:$(cat "$build/test-classpath.txt")" \
  dev.aoe.bench.operator.OperatorScaleBench "$@"

# Sourced by ./dexnode, ./mvnw and .ci/run: prints the home of a JDK >= 21 (DEXNODE_MIN_JAVA), or fails.
# Order: $JAVA_HOME, then the usual JDK folders on Linux (newest first), then `java` on PATH.

DEXNODE_MIN_JAVA=${DEXNODE_MIN_JAVA:-21}

# The major version of the JDK at $1, or nothing.
dexnode_jdk_major() {
  local home=$1 v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  fi
  v=${v#1.}          # 1.8 -> 8
  v=${v%%[.+-]*}     # 25.0.1 -> 25
  [ -n "$v" ] && echo "$v"
}

dexnode_find_jdk() {
  local best="" best_major=0 home major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(dexnode_jdk_major "$JAVA_HOME") || major=0
    if [ "${major:-0}" -ge "$DEXNODE_MIN_JAVA" ]; then echo "$JAVA_HOME"; return 0; fi
    echo "dexnode: JAVA_HOME=$JAVA_HOME is not a JDK >= $DEXNODE_MIN_JAVA; looking elsewhere" >&2
  fi
  for home in /usr/lib/jvm/* /usr/local/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$home" ] || continue
    major=$(dexnode_jdk_major "$home") || continue
    if [ "$major" -gt "$best_major" ]; then best=$home; best_major=$major; fi
  done
  if [ "$best_major" -ge "$DEXNODE_MIN_JAVA" ]; then echo "$best"; return 0; fi
  if command -v java >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    major=$(dexnode_jdk_major "$home") || major=0
    if [ "${major:-0}" -ge "$DEXNODE_MIN_JAVA" ]; then echo "$home"; return 0; fi
  fi
  echo "dexnode: no JDK >= $DEXNODE_MIN_JAVA found (checked JAVA_HOME, /usr/lib/jvm and friends, java on PATH)." >&2
  echo "dexnode: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set JAVA_HOME." >&2
  return 1
}

# Sourced by the scripts: sets JAVA_HOME to a JDK 21 or newer, or fails with a clear message; java_major HOME prints
# a JDK's feature version.

# The feature version of the JDK at $1: read from its `release` file (no JVM started: this runs before every
# `beluga` command), else asked of its java.
java_major() {
  local v=""
  [ -f "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  echo "$v"
}

find_java_home() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64
               /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64)
  local home major
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] || continue
    major=$(java_major "$home")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then echo "$home"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME="$(find_java_home)"; then
  echo "Beluga needs a JDK 21 or newer: set JAVA_HOME (looked in /usr/lib/jvm for temurin-25/21, java-25/21)." >&2
  exit 1
fi
export JAVA_HOME

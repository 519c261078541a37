# Sourced by the scripts: sets JAVA_HOME to a JDK 21 or newer, or fails with a clear message; java_major HOME sets
# JAVA_MAJOR to a JDK's feature version (empty when unknown).
#
# No command is started for this (no subshell, no sed): it runs before every `beluga` command, where each fork costs
# ~3.5 ms on a small VM and the launcher's whole overhead is part of the server's start time.

# Reads the feature version of the JDK at $1 from its `release` file (JAVA_VERSION="25.0.3" -> 25) into JAVA_MAJOR;
# only a JDK without that file costs a JVM start.
java_major() {
  JAVA_MAJOR=""
  local line
  if [ -f "$1/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then JAVA_MAJOR=${BASH_REMATCH[1]}; break; fi
    done <"$1/release"
  fi
  [ -n "$JAVA_MAJOR" ] || JAVA_MAJOR=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  return 0
}

# Sets JAVA_HOME to the first JDK 21+ among $JAVA_HOME and the usual Debian locations; fails when there is none.
find_java_home() {
  local candidates=() home
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64
               /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64)
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] || continue
    java_major "$home"
    if [ "${JAVA_MAJOR:-0}" -ge 21 ] 2>/dev/null; then JAVA_HOME=$home; return 0; fi
  done
  return 1
}
if ! find_java_home; then
  echo "Beluga needs a JDK 21 or newer: set JAVA_HOME (looked in /usr/lib/jvm for temurin-25/21, java-25/21)." >&2
  exit 1
fi
export JAVA_HOME

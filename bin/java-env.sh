# Sourced by the scripts in bin/ and .ci/: finds JDK 25 and Maven, or says what is missing.
sallyport_java_env() {
    local candidate
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] \
            && "$candidate/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
            export JAVA_HOME="$candidate"
            export PATH="$JAVA_HOME/bin:$PATH"
            break
        fi
    done
    if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
        echo "sallyport: JDK 25 not found: set JAVA_HOME to a JDK 25 (looked in \$JAVA_HOME and /usr/lib/jvm/temurin-25-jdk-amd64)" >&2
        return 3
    fi
    if ! command -v mvn >/dev/null 2>&1; then
        echo "sallyport: Apache Maven (mvn) not found on PATH: install it (Debian: apt-get install maven)" >&2
        return 3
    fi
}

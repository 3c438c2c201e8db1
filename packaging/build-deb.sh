#!/bin/bash
# build-deb.sh - builds packaging/target/sallyport_VERSION_amd64.deb: the application jar with its
# own Java runtime (jlink from JDK 25: Debian has no JDK 25 package), `sallyport` on PATH, the
# systemd unit, and /var/lib/sallyport created 0700 at install. Logs go to stderr, so the journal.
#
# usage: packaging/build-deb.sh        (builds app/target/sallyport.jar first when it is missing)
# env:   SALLYPORT_JDK  the JDK to jlink from (default /usr/lib/jvm/temurin-25-jdk-amd64)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
jdk="${SALLYPORT_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
jar="$root/app/target/sallyport.jar"
out="$root/packaging/target"
stage="$out/stage"

[ -x "$jdk/bin/jlink" ] || { echo "build-deb: no jlink in $jdk (set SALLYPORT_JDK)" >&2; exit 2; }
command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb is missing (Debian package dpkg)" >&2; exit 2; }
if [ ! -f "$jar" ]; then
    . "$root/bin/java-env.sh"
    sallyport_java_env
    # Maven's quiet mode still prints colour resets (with no newline): strip them and send Maven's
    # output to stderr, so the last line is the package's path alone.
    (cd "$root" && mvn -B -q -ntp package -pl app -am -DskipTests 2>&1 | sed 's/\x1b\[[0-9;]*m//g') >&2
fi

version="$(unzip -p "$jar" sallyport-version.properties | sed -n 's/^version=//p')"
# Debian orders 0.1.0~SNAPSHOT before 0.1.0, as Maven does.
deb_version="${version//-/\~}"

rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/lib/sallyport" "$stage/lib/systemd/system" \
         "$stage/usr/share/doc/sallyport"

# The runtime: exactly the modules the jar needs (jdeps), plus the XML parser and management
# beans it reaches by name (javax.xml, com.sun.management).
modules="$("$jdk/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$jar")"
"$jdk/bin/jlink" --add-modules "$modules,java.xml,java.management,java.logging" \
    --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --output "$stage/usr/lib/sallyport/runtime"
install -m 0644 "$jar" "$stage/usr/lib/sallyport/sallyport.jar"

cat > "$stage/usr/bin/sallyport" <<'SCRIPT'
#!/bin/sh
# Sallyport with its own Java runtime (installed by the sallyport package).
exec /usr/lib/sallyport/runtime/bin/java --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
    -jar /usr/lib/sallyport/sallyport.jar "$@"
SCRIPT
chmod 0755 "$stage/usr/bin/sallyport"

# The unit of packaging/sallyport.service with the packaged runtime and jar. No --config: the
# store in /var/lib/sallyport is the truth (configure it with `sallyport cli`, then start).
sed -e '/^Environment=JAVA_HOME=/d' \
    -e 's|^Documentation=.*|Documentation=file:///usr/share/doc/sallyport/README.md|' \
    -e 's|^ExecStart=.*|ExecStart=/usr/lib/sallyport/runtime/bin/java --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \\|' \
    -e 's|^    -jar /opt/sallyport/app/target/sallyport.jar daemon \\|    -jar /usr/lib/sallyport/sallyport.jar daemon --state-dir /var/lib/sallyport|' \
    -e '/^    --config \/etc\/sallyport\/sallyport.conf --state-dir \/var\/lib\/sallyport$/d' \
    -e '/^# Install: copy the repository/,/^# Operate it with:/d' \
    "$root/packaging/sallyport.service" > "$stage/lib/systemd/system/sallyport.service"
grep -q 'ExecStart=/usr/lib/sallyport/runtime/bin/java' "$stage/lib/systemd/system/sallyport.service" \
    && grep -q 'sallyport.jar daemon --state-dir /var/lib/sallyport' "$stage/lib/systemd/system/sallyport.service" \
    || { echo "build-deb: packaging/sallyport.service changed shape; adjust the unit rewrite" >&2; exit 1; }
install -m 0644 "$root/README.md" "$stage/usr/share/doc/sallyport/README.md"
install -m 0644 "$root/packaging/grafana-dashboard.json" "$stage/usr/share/doc/sallyport/grafana-dashboard.json"

cat > "$stage/DEBIAN/control" <<CONTROL
Package: sallyport
Version: $deb_version
Architecture: amd64
Maintainer: Sallyport developers <sallyport@example.org>
Depends: iproute2
Section: net
Priority: optional
Installed-Size: $(du -sk "$stage" | cut -f1)
Description: IPsec VPN gateway configured and operated like Junos VPN Site Secure
 IKEv2 and an ESP tunnel data plane with next-hop and interface service sets,
 configured with Junos statements and operated with a Junos-like CLI, over SSH
 and NETCONF. Ships its own Java runtime.
CONTROL

cat > "$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
# The store holds pre-shared keys: owner-only, whatever the umask.
mkdir -p /var/lib/sallyport
chown root:root /var/lib/sallyport
chmod 0700 /var/lib/sallyport
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
POSTINST
cat > "$stage/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && systemctl is-active --quiet sallyport; then systemctl stop sallyport; fi
PRERM
cat > "$stage/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
# The configuration store survives a removal; only a purge deletes it.
if [ "$1" = purge ]; then rm -rf /var/lib/sallyport; fi
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
POSTRM
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"

deb="$out/sallyport_${deb_version}_amd64.deb"
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
echo "$deb"

#!/usr/bin/env bash
# The base of the image `./mvnw package -Pimage` builds without a container engine or registry:
# a Java runtime jlinked from the building JDK at /opt/java/openjdk (where the Dockerfile's
# Temurin base has it), the shared libraries that runtime and jnr-ffi's native stub link
# against, copied from this machine, and a minimal /etc. Jib adds the fast-jar on top.
#
#   rootfs.sh JAVA_HOME QUARKUS_APP_DIR OUTPUT_DIR
set -euo pipefail
java_home=$1 app=$2 rootfs=$3

# What the fast-jar needs (jdeps over its jars) plus what is loaded by name: jdk.crypto.ec for
# TLS with the API server, jdk.zipfs for libraries that open jars as file systems. java.desktop
# is there for java.beans (Quarkus, Micrometer, SnakeYAML), not for graphics.
modules=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml
modules+=,jdk.crypto.ec,jdk.management,jdk.unsupported,jdk.zipfs
# java.desktop's graphics and sound natives link against X11, fonts and ALSA; nothing loads them.
desktop_natives=(libawt_xawt libfontmanager libjavajpeg libjawt libjsound liblcms libsplashscreen)

fail() { echo "rootfs.sh: $*" >&2; exit 1; }
[[ -d $java_home/jmods ]] || fail "$java_home has no jmods to jlink from (Debian: openjdk-17-jdk-headless)"
[[ -f $app/quarkus-run.jar ]] || fail "no fast-jar in $app (quarkus:build runs first in the package phase)"

rm -rf "$rootfs"
mkdir -p "$rootfs"/{etc,tmp,opt/java}
runtime=$rootfs/opt/java/openjdk
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$runtime"
for lib in "${desktop_natives[@]}"; do rm -f "$runtime/lib/$lib.so"; done
# No class data sharing archive (-Xshare:dump): it would save 0.4 s per start of these
# long-running processes, but differs at every build, and so would the base layer.
# The default truststore must be a real keystore, never a link into the build machine's /etc.
[[ -f $runtime/lib/security/cacerts && ! -L $runtime/lib/security/cacerts ]] \
  || fail "the jlinked runtime has no regular lib/security/cacerts"
"$runtime/bin/keytool" -list -cacerts -storepass changeit >/dev/null \
  || fail "lib/security/cacerts is not a keystore the runtime can read"

# jffi extracts this stub into java.io.tmpdir at run time; check what it links against now.
stubs=$(mktemp -d)
trap 'rm -rf "$stubs"' EXIT
jffi_jar=$(compgen -G "$app/lib/main/com.github.jnr.jffi-*-native.jar" | head -n 1) \
  || fail "no jffi native jar in $app/lib/main"
stub=jni/$(uname -m)-Linux/libjffi-1.2.so
(cd "$stubs" && "$java_home/bin/jar" xf "$jffi_jar" "$stub")
[[ -f $stubs/$stub ]] || fail "$jffi_jar has no $stub"

# Every shared library (and the dynamic loader) those ELF files need, at the path ldd resolves
# it to, as a regular file.
elves=("$stubs/$stub" "$runtime"/bin/* "$runtime"/lib/jspawnhelper "$runtime"/lib/jexec)
mapfile -t -O "${#elves[@]}" elves < <(find "$runtime/lib" -name '*.so')
needed=$(for elf in "${elves[@]}"; do
  ldd "$elf" || fail "ldd failed on $elf"
done)
# (libjvm.so is in lib/server: the launcher loads it before any library that names it.)
missing=$(grep 'not found' <<<"$needed" | grep -v 'libjvm\.so' | sort -u | tr -s ' \t\n' ' ' || true)
[[ -z $missing ]] || fail "libraries missing on this machine: $missing"
awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$needed" | sort -u |
  grep -vF "$runtime/" | while read -r lib; do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done

# User 185 (the image's default) and root by name; NSS reads only these files.
cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
aoe:x:185:0:aoe-operator:/tmp:/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
EOF
cat >"$rootfs/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF

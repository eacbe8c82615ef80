#!/usr/bin/env bash
# Installs what scxgamer needs on a fresh Debian 12 (bookworm) machine, idempotently.
# Build: JDK 17, Maven, clang-19, libbpf 1.4.6 (headers + library), bpftool 7.5 (bookworm-backports).
# VM tier: QEMU, virtme-ng (from trixie, architecture all), udev, kmod, systemd-container (test 21-systemd boots
# a systemd container with systemd-nspawn in the guest).
# System tier: Chromium + chromedriver (headless page test), the Prometheus Python client (its text
# parser checks /metrics), prometheus (promtool lints /metrics; Debian ships it only with the server, whose
# unit it enables where systemd runs), iproute2 (ss), util-linux (setpriv), systemd (systemd-analyze verify,
# busctl), dbus-daemon (a private system-like bus for the D-Bus control), python3-gi + gir1.2-glib-2.0 (the
# stand-in power-profiles-daemon on it), lintian (checks the Debian package).
# Scheduler benchmark (bench/run.sh part 9): rt-tests (cyclictest), stress-ng, linux-perf (perf bench sched,
# bookworm-backports) as load and reference tools in the guest, xz-utils (the kernel source tarball the upstream
# peer schedulers are built from), gnuplot-nox (the charts of docs/BENCHMARKS.md).
set -euo pipefail
# Standard input closed: apt, dpkg and their maintainer scripts read from it, and when the caller's input
# is meant for someone else (printf 'scx:status\n' | ./dev run, whose first run installs this) they would
# eat it. Nothing here asks a question (DEBIAN_FRONTEND=noninteractive below).
exec < /dev/null

say() { printf '[toolchain] %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
  say "must run as root (installs Debian packages); re-run with sudo" >&2
  exit 1
fi
. /etc/os-release
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
  say "warning: written for Debian 12 (bookworm), this is ${PRETTY_NAME:-unknown}; continuing"
fi

export DEBIAN_FRONTEND=noninteractive
backports=/etc/apt/sources.list.d/scxgamer-bookworm-backports.sources
if [ ! -f "$backports" ]; then
  say "adding bookworm-backports to apt sources ($backports)"
  uri=$(awk '/^URIs:/ && /debian\/?$/ && !/security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || { echo "cannot find the Debian archive URI in /etc/apt/sources.list.d/debian.sources: add the bookworm entry first" >&2; exit 1; }
  cat > "$backports" <<SRC
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  rm -f /var/lib/scxgamer-apt-updated
fi

stamp=/var/lib/scxgamer-apt-updated
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
  say "apt-get update"
  apt-get update -qq
  touch "$stamp"
fi

need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in openjdk-17-jdk-headless maven make gcc pkg-config zlib1g-dev libelf-dev python3 \
         qemu-system-x86 python3-argcomplete python3-requests python3-pkg-resources \
         file kmod udev busybox-static cpio zstd systemd-container \
         chromium chromium-driver python3-prometheus-client prometheus iproute2 util-linux systemd \
         dbus-daemon python3-gi gir1.2-glib-2.0 lintian \
         rt-tests stress-ng xz-utils gnuplot-nox alsa-utils libdrm-tests; do
  have "$p" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing from bookworm: ${need[*]}"
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

bp=()
for p in clang-19 llvm-19 libbpf-dev libbpf1 bpftool linux-perf; do
  have "$p" || bp+=("$p")
done
if ! dpkg --compare-versions "$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || echo 0)" ge 1:1.4; then
  bp+=(libbpf-dev libbpf1)
fi
if [ ${#bp[@]} -gt 0 ]; then
  say "installing from bookworm-backports: ${bp[*]}"
  apt-get install -y -qq --no-install-recommends -t bookworm-backports "${bp[@]}"
fi

if ! command -v vng >/dev/null; then
  say "installing virtme-ng from Debian trixie (architecture all, dpkg -i)"
  tmp=$(mktemp -d)
  uri=$(awk '/^URIs:/ && /debian\/?$/ && !/security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || { echo "cannot find the Debian archive URI in /etc/apt/sources.list.d/debian.sources: add the bookworm entry first" >&2; exit 1; }
  list=/etc/apt/sources.list.d/scxgamer-trixie-tmp.sources
  cat > "$list" <<SRC
Types: deb
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  trap 'rm -f "$list"' EXIT
  apt-get update -qq -o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0
  (cd "$tmp" && apt-get download -qq -o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=- virtme-ng)
  rm -f "$list"; trap - EXIT
  apt-get update -qq
  dpkg -i "$tmp"/virtme-ng_*.deb
  rm -rf "$tmp"
fi

say "ready: $(clang-19 --version | head -1); libbpf $(dpkg-query -W -f='${Version}' libbpf-dev); $(bpftool --version | head -1); $(vng --version 2>&1 | head -1); $(java -version 2>&1 | head -1)"

#!/usr/bin/env bash
# Builds the upstream peer schedulers (the kernel tree's tools/sched_ext examples) for the benchmark's
# sched_ext guest, from Debian's linux-source package of the guest kernel's version: downloaded with a
# private apt state (integration-tests/vm/lib/debian-suite.sh), cached under $SCXGAMER_CACHE/peers, only
# tools/ and scripts/ extracted. The tree's own libbpf is built statically (bpftool 7.5's skeletons need
# libbpf >= 1.5 headers; Debian 12 has 1.4.6); the BPF side uses the project's clang-19 and bpftool and
# the guest kernel's vmlinux.h (bpf/include/vmlinux.h, from bpf/gen-vmlinux.sh).
#   bench/peers/build-peers.sh OUT_DIR     builds OUT_DIR/scx_NAME for every scheduler in PEERS; prints OUT_DIR
# PEERS (environment, default "simple central flatcg qmap"): which tools/sched_ext examples to build.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
say() { printf '[peers] %s\n' "$*" >&2; }
need() { command -v "$1" > /dev/null 2>&1 || { say "$1 not found: run scripts/install-toolchain.sh"; exit 1; }; }
[ $# = 1 ] || { echo "usage: build-peers.sh OUT_DIR" >&2; exit 2; }
out=$(mkdir -p "$1" && cd "$1" && pwd)
need clang-19; need bpftool; need gcc; need make; need xz; need python3
peers=${PEERS:-simple central flatcg qmap}
cache=${SCXGAMER_CACHE:-/var/cache/scxgamer}/peers
suite=${SCXGAMER_KERNEL_SUITE:-trixie-backports}
vmlinux_h=$repo/bpf/include/vmlinux.h
grep -q 'struct sched_ext_ops {' "$vmlinux_h" 2> /dev/null \
  || { say "$vmlinux_h has no struct sched_ext_ops: regenerate it with bpf/gen-vmlinux.sh"; exit 1; }

# The kernel source of the guest kernel's version: linux-source-X.Y of the suite the guest kernel comes from.
. "$repo/integration-tests/vm/lib/debian-suite.sh"
debian_suite "$cache" "$suite"
rel=$(apt-cache "${apt_opts[@]}" depends linux-image-amd64 2> /dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$rel" ] || { say "cannot resolve linux-image-amd64 in $suite: check network access to Debian's archive"; exit 1; }
rel=${rel#linux-image-}
series=$(sed 's/^\([0-9]*\.[0-9]*\).*/\1/' <<< "$rel")
pkg=linux-source-$series
deb=$(ls "$cache"/"${pkg}"_*.deb 2> /dev/null | tail -1 || true)
if [ -z "$deb" ]; then
  say "downloading $pkg from $suite (about 170 MB, once; cached in $cache)"
  (cd "$cache" && apt-get "${apt_opts[@]}" download -qq "$pkg" >&2)
  deb=$(ls "$cache"/"${pkg}"_*.deb | tail -1)
fi
version=$(dpkg-deb -f "$deb" Version)
src=$cache/src-$version
if [ ! -f "$src/.extracted" ]; then
  say "extracting tools/ and scripts/ of $pkg $version"
  rm -rf "$src" "$cache/deb-$version"
  mkdir -p "$src" "$cache/deb-$version"
  dpkg -x "$deb" "$cache/deb-$version"
  tarball=$(ls "$cache/deb-$version"/usr/src/linux-source-*.tar.xz | head -1)
  top=$(basename "$tarball" .tar.xz)
  tar -xJf "$tarball" -C "$src" --strip-components=1 "$top/tools" "$top/scripts"
  rm -rf "$cache/deb-$version"
  touch "$src/.extracted"
fi

# The tree's libbpf, static (built once per source version).
lib=$cache/libbpf-$version
if [ ! -f "$lib/libbpf.a" ] || [ ! -f "$lib/include/bpf/libbpf.h" ]; then
  say "building the tree's libbpf (static)"
  rm -rf "$lib"; mkdir -p "$lib/obj"
  make -s -C "$src/tools/lib/bpf" BUILD_STATIC_ONLY=1 OUTPUT="$lib/obj/" DESTDIR="$lib" prefix= \
    "$lib/obj/libbpf.a" install_headers > "$lib.log" 2>&1 || { tail -n 20 "$lib.log" >&2; say "libbpf build failed"; exit 1; }
  mv "$lib/obj/libbpf.a" "$lib/libbpf.a"
fi

sx=$src/tools/sched_ext
gen=$out/gen
mkdir -p "$gen"
cp "$vmlinux_h" "$gen/vmlinux.h"
for name in $peers; do
  s=scx_$name
  [ -f "$sx/$s.bpf.c" ] || { say "no $s in $pkg $version (have: $(cd "$sx" && ls scx_*.bpf.c | sed 's/\.bpf\.c//' | tr '\n' ' '))"; exit 1; }
  if [ "$out/$s" -nt "$sx/$s.c" ] && [ "$out/$s" -nt "$sx/$s.bpf.c" ] && [ "$out/$s" -nt "$vmlinux_h" ]; then
    continue
  fi
  say "building $s"
  clang-19 -target bpf -g -O2 -mcpu=v3 -D__TARGET_ARCH_x86 -Wno-compare-distinct-pointer-types -Wno-missing-declarations \
    -I "$sx/include" -I "$sx/include/bpf-compat" -I "$gen" -I "$lib/include" -c "$sx/$s.bpf.c" -o "$gen/$s.bpf.o"
  bpftool gen skeleton "$gen/$s.bpf.o" name "$s" > "$gen/$s.bpf.skel.h"
  gcc -O2 -g -I "$lib/include" -I "$sx/include" -I "$gen" -I "$sx" "$sx/$s.c" "$lib/libbpf.a" -lelf -lz -lpthread \
    -o "$out/$s.tmp"
  mv "$out/$s.tmp" "$out/$s"
done
echo "$pkg $version" > "$out/source"
say "built $(cd "$out" && ls scx_* | tr '\n' ' ')from $pkg $version"
echo "$out"

#!/usr/bin/env bash
# Provisions the sched_ext-enabled guest kernel for the VM tier, without installing it as the host's kernel.
# Resolves the current kernel of Debian trixie-backports through its linux-image-amd64 metapackage,
# downloads linux-binary / linux-modules / linux-base with a private apt state, unpacks them with dpkg -x,
# and places the release tree under /usr/lib/modules/<rel>/ (where virtme-ng's initramfs looks for modules).
# Prints the path of the vmlinuz on its last line. Downloads are cached under $SCXGAMER_CACHE.
set -euo pipefail
say() { printf '[kernel] %s\n' "$*" >&2; }

cache=${SCXGAMER_CACHE:-/var/cache/scxgamer}/kernel
suite=${SCXGAMER_KERNEL_SUITE:-trixie-backports}
. "$(dirname "$(readlink -f "$0")")/lib/debian-suite.sh"
debian_suite "$cache" "$suite"
image=$(apt-cache "${apt_opts[@]}" depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$image" ]; then
  say "cannot resolve linux-image-amd64 in $suite: check network access to Debian's archive"; exit 1
fi
rel=${image#linux-image-}
say "guest kernel release: $rel (from $suite linux-image-amd64)"

dest=/usr/lib/modules/$rel
if [ ! -f "$dest/vmlinuz" ] || [ ! -f "$dest/modules.dep" ]; then
  work=$cache/unpack-$rel
  rm -rf "$work"; mkdir -p "$work"
  for pkg in linux-binary-$rel linux-modules-$rel linux-base-$rel; do
    deb=$(ls "$cache"/${pkg}_*.deb 2>/dev/null | head -1 || true)
    if [ -z "$deb" ]; then
      say "downloading $pkg"
      (cd "$cache" && apt-get "${apt_opts[@]}" download -qq "$pkg" >&2)
      deb=$(ls "$cache"/${pkg}_*.deb | head -1)
    fi
    dpkg -x "$deb" "$work"
  done
  vmlinuz=$(ls "$work"/boot/vmlinuz-"$rel" "$work"/usr/lib/modules/"$rel"/vmlinuz 2>/dev/null | head -1 || true)
  [ -n "$vmlinuz" ] || { say "no vmlinuz found in the unpacked packages of $rel"; exit 1; }
  mkdir -p "$dest"
  cp -a "$work/usr/lib/modules/$rel/." "$dest/"
  cp "$vmlinuz" "$dest/vmlinuz"
  cfg=$(ls "$work"/boot/config-"$rel" "$work"/usr/lib/linux/*/config* 2>/dev/null | head -1 || true)
  [ -z "$cfg" ] || cp "$cfg" "$dest/config"
  depmod "$rel"
  rm -rf "$work"
  say "installed guest kernel tree at $dest (the host's running kernel is untouched)"
fi
if [ -f "$dest/config" ] && ! grep -q '^CONFIG_SCHED_CLASS_EXT=y' "$dest/config"; then
  say "kernel $rel has no CONFIG_SCHED_CLASS_EXT=y: set SCXGAMER_KERNEL_SUITE to a suite whose kernel has sched_ext"; exit 1
fi
echo "$dest/vmlinuz"

# shellcheck shell=bash
# A private apt state for one Debian suite, to download packages (apt-get download) without touching the
# host's apt sources or installing anything: sourced by provision-kernel.sh (the guest kernel) and
# bench/peers/build-peers.sh (the kernel source the upstream peer schedulers are built from).
#   debian_suite CACHE_DIR SUITE   sets the array apt_opts (use: apt-get "${apt_opts[@]}" download PKG) and
#                                  refreshes the suite's package list when it is older than a day.
# Needs a say() function in the caller.
debian_suite() {
  local cache=$1 suite=$2 uri
  mkdir -p "$cache/lists/partial" "$cache/archives/partial"
  uri=$(awk '/^URIs:/ && /debian\/?$/ && !/security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || { echo "cannot find the Debian archive URI in /etc/apt/sources.list.d/debian.sources: add the bookworm entry first" >&2; return 1; }
  printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" "$suite" > "$cache/debian.sources"
  apt_opts=(-o Dir::Etc::sourcelist="$cache/debian.sources" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$cache/lists"
            -o Dir::Cache="$cache" -o Dir::State::status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  if [ -z "$(find "$cache/lists" -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    say "refreshing the $suite package list (private apt state in $cache)"
    apt-get "${apt_opts[@]}" update -qq >&2 || say "package list refresh failed; using the cached list if there is one"
  fi
}

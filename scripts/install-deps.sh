#!/usr/bin/env bash
# Installs what building (and, with --test, testing) tcplat-exporter needs on Debian/Ubuntu.
# Idempotent and quiet when everything is already there: apt is only touched for what is missing.
set -euo pipefail

build_packages=(openjdk-17-jdk-headless maven clang llvm gcc make libbpf-dev libelf-dev zlib1g-dev)
# prometheus: the tests run their own Prometheus server (own config, data and port inside a test
# namespace) and its promtool; a service the package starts on a systemd host is left alone.
# mmdebstrap, systemd-container: a Debian 12 rootfs booted with systemd-nspawn (SystemServiceIT);
# podman, runc: the shipped Containerfile built and run as a DaemonSet would run it (runc, as crun
# refuses hosts with hybrid cgroups); fakechroot-free mmdebstrap runs as root, so nothing else.
test_packages=(iproute2 procps bpftool openssl systemd util-linux prometheus
  mmdebstrap systemd-container podman runc)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  case "$pkg" in
    # A JDK or Maven installed outside apt (e.g. under /usr/lib/jvm or /opt) is good enough.
    openjdk-17-jdk-headless) command -v javac >/dev/null 2>&1 && continue ;;
    maven) command -v mvn >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $EUID -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

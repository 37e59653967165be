# Sourced by the set-up scripts, which need root: the exporter loads a BPF program and the tests
# create network namespaces. A fresh Debian host is often root alone, without sudo, so a script
# started by root just goes on; anyone else is taken through sudo when it is there.
#
# Usage, first thing in a script: . "$(dirname "$0")/lib/as-root.sh"; as_root "$@"
as_root() {
  if ((EUID == 0)); then
    return 0
  fi
  local script
  script=$(realpath "${BASH_SOURCE[1]}")
  if command -v sudo >/dev/null 2>&1; then
    # sudo replaces PATH with its secure_path, which would hide a JDK or Maven found through ours.
    exec sudo env "PATH=$PATH" ${JAVA_HOME:+"JAVA_HOME=$JAVA_HOME"} "$script" "$@"
  fi
  echo "$(basename "$script"): needs root, and sudo is not installed: run it as root (su -)" >&2
  exit 1
}

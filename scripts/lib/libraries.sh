# Sourced by the launcher and scripts/setup.sh.
# has_library NAME: whether the dynamic linker knows NAME (e.g. libgtk-3.so.0).
# ldconfig's list is read whole into a variable first: piping it into `grep -q` under `set -o pipefail`
# fails at random, because grep exits at the first match and ldconfig, still writing, dies of SIGPIPE.
has_library() {
  local list
  list="$(ldconfig -p 2>/dev/null || true)"
  [[ "$list" == *"$1"* ]]
}

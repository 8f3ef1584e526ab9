#!/usr/bin/env bash
# The scale-out test on a real Slurm: installs Debian's slurm-wlm and munge when missing, starts munged,
# slurmctld and slurmd as a one-node cluster under a temporary folder (no cgroups, no accounting, its
# own ports and munge socket, so a system Slurm is left alone), plans a short clip in 3 segments with
# `plan --emit slurm`, submits the array and the dependent join with the plan's submit.sh, kills the
# worker of segment 1 in mid-run (its task must requeue itself and succeed on the second attempt),
# waits for the join and compares the result with a single-machine `stylize` run: same frame count,
# same timestamps. Stops the daemons it started and removes the folder on exit.
#
# usage: scripts/slurm-test.sh [path/to/VideoStyler.Cli.dll]
# exit codes: 0 passed; 1 failed (the reason is the last line on stderr). Needs root (it installs
# packages and runs the daemons as SlurmUser=root) on Debian; takes about a minute on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dll="${1:-$root/src/VideoStyler.Cli/bin/Release/net10.0/VideoStyler.Cli.dll}"
clip="$root/../shared/data/help.mkv"
frames=36
timeout_s="${VIDEOSTYLER_SLURM_TIMEOUT:-420}"
started=$(date +%s)

say() { echo "slurm-test: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
elapsed() { echo $(( $(date +%s) - started )); }

[ "$(uname -s)" = Linux ] || fail "needs Linux"
[ "$(id -u)" -eq 0 ] || fail "needs root (it installs slurm-wlm and munge and runs slurmctld/slurmd as root); run it as root or in CI"
[ -f "$dll" ] || fail "tool not built: $dll (run dotnet build first)"
[ -f "$clip" ] || fail "test clip missing: $clip"
command -v ffprobe >/dev/null || fail "ffprobe missing (run scripts/setup.sh)"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3 4 5; do
    # Another apt may hold the lock for a while: try again rather than fail.
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null; then break; fi
    [ "$attempt" -lt 5 ] || fail "apt-get could not install slurm-wlm and munge"
    sleep 15
  done
fi

tmp="$(mktemp -d /tmp/videostyler-slurm.XXXXXX)"
chmod 755 "$tmp"
pids=()
cleanup() {
  local code=$?
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then
    scancel --quiet --full "${array_id:-0}" "${join_id:-0}" 2>/dev/null || true
  fi
  # Only the daemons this script started, by their pid files.
  for pidfile in "$tmp/slurmd.pid" "$tmp/slurmctld.pid" "$tmp/munged.pid"; do
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
  done
  sleep 1
  for pidfile in "$tmp/slurmd.pid" "$tmp/slurmctld.pid" "$tmp/munged.pid"; do
    if [ -f "$pidfile" ]; then kill -9 "$(cat "$pidfile")" 2>/dev/null || true; fi
  done
  if [ "$code" -ne 0 ]; then
    for log in "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/job/logs/*.log; do
      [ -f "$log" ] && { echo "--- $log (tail)" >&2; tail -n 15 "$log" >&2; }
    done
  fi
  rm -rf "$tmp"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

host="$(hostname -s)"
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool"
chmod 700 "$tmp/munge"
# munged's own key, socket and files: a system munged (if any) is not touched.
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
munged --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.socket" --pid-file="$tmp/munged.pid" \
  --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed" --force \
  || fail "munged did not start: $(tail -n 3 "$tmp/munge/munged.log" 2>/dev/null)"

cat > "$tmp/slurm.conf" <<EOF
ClusterName=videostyler-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=26817
SlurmdPort=26818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# A requeued task waits cred_expire + 1 s before it may start again (120 s by default): 10 s here.
AuthInfo=socket=$tmp/munge/munge.socket,cred_expire=10
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
PlugStackConfig=$tmp/plugstack.conf
MinJobAge=600
KillWait=5
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
: > "$tmp/plugstack.conf"
export SLURM_CONF="$tmp/slurm.conf"

slurmctld -i || fail "slurmctld did not start: $(tail -n 3 "$tmp/slurmctld.log" 2>/dev/null)"
slurmd || fail "slurmd did not start: $(tail -n 3 "$tmp/slurmd.log" 2>/dev/null)"

# Wait for the node to be usable.
for _ in $(seq 1 60); do
  state="$(sinfo -h -n "$host" -o '%T' 2>/dev/null || true)"
  case "$state" in
    idle*|mix*|alloc*) break ;;
    down*|drain*) scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
  esac
  sleep 1
done
case "$state" in idle*|mix*|alloc*) ;; *) fail "the Slurm node did not come up (state '$state')" ;; esac
say "one-node Slurm up on $host after $(elapsed) s"

vs=(dotnet "$dll")
# The single-machine run to compare with.
"${vs[@]}" stylize "$clip" -o "$tmp/single.mkv" --size 160 --frames "$frames" >/dev/null 2>"$tmp/single.err" \
  || fail "single-machine stylize failed: $(tail -n 1 "$tmp/single.err")"

"${vs[@]}" plan "$clip" -o "$tmp/joined.mkv" --segments 3 --size 160 --frames "$frames" --warmup 8 \
  --job "$tmp/job" --emit slurm >"$tmp/plan.out" 2>&1 || fail "plan failed: $(tail -n 1 "$tmp/plan.out")"
read -r array_id join_id < <("$tmp/job/slurm/submit.sh") || fail "submit.sh failed"
[ -n "$join_id" ] || fail "submit.sh did not print two job ids"
say "submitted array $array_id (3 tasks) and join $join_id (afterok)"

# Kill segment 1's worker in mid-run: once its encoder writes the temporary file, frames are flowing.
killed=0
for _ in $(seq 1 1200); do
  if compgen -G "$tmp/job/segments/.001.*.tmp.mkv" >/dev/null; then
    pid="$(pgrep -f -- "run-segment $tmp/job 1\$" | head -n 1 || true)"
    if [ -n "$pid" ]; then
      kill -9 "$pid" && killed=1
      say "killed the worker of segment 1 (pid $pid) after $(elapsed) s"
      break
    fi
  fi
  [ -f "$tmp/job/segments/001.json" ] && fail "segment 1 finished before it could be killed"
  sleep 0.1
done
[ "$killed" -eq 1 ] || fail "segment 1's worker never started"

# Wait for the join job.
while :; do
  info="$(scontrol -o show job "$join_id" 2>/dev/null || true)"
  state="$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<<"$info")"
  case "$state" in
    COMPLETED) break ;;
    FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE) fail "the join job ended $state: $(tail -n 2 "$tmp/job/logs/join.log" 2>/dev/null)" ;;
  esac
  [ "$(elapsed)" -lt "$timeout_s" ] || fail "no result after $timeout_s s (join job state '$state')"
  sleep 2
done
say "join completed after $(elapsed) s"

restarts="$(scontrol -o show job "${array_id}_1" 2>/dev/null | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')"
attempt="$(sed -n 's/.*"attempt": *\([0-9]*\).*/\1/p' "$tmp/job/segments/001.json")"
[ "${attempt:-0}" -ge 2 ] || fail "segment 1 was not redone after the kill (attempt ${attempt:-?}, restarts ${restarts:-?})"
grep -q "requeueing" "$tmp/job/logs/segment-1.log" || fail "segment 1's log does not show the requeue"

# One presentation timestamp a line (keyframes carry a side-data field after a comma: cut it).
pts() { ffprobe -v error -select_streams v:0 -show_entries frame=pts -of csv=p=0 "$1" | sed -e 's/,.*//' -e '/^$/d'; }
pts "$tmp/single.mkv" >"$tmp/single.pts"
pts "$tmp/joined.mkv" >"$tmp/joined.pts"
n_single=$(wc -l <"$tmp/single.pts"); n_joined=$(wc -l <"$tmp/joined.pts")
[ "$n_single" -eq "$frames" ] || fail "the single-machine run has $n_single frames, expected $frames"
[ "$n_joined" -eq "$n_single" ] || fail "the joined output has $n_joined frames, the single-machine run $n_single"
cmp -s "$tmp/single.pts" "$tmp/joined.pts" || fail "timestamps differ: $(diff "$tmp/single.pts" "$tmp/joined.pts" | head -n 4 | tr '\n' ' ')"
say "passed: $n_joined frames with the single-machine run's timestamps; segment 1 requeued (attempt $attempt, Slurm restarts ${restarts:-?}); $(elapsed) s in all"

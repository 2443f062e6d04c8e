#!/usr/bin/env bash
# Runs deploy/slurm/sweep.sbatch on a real, single-node Slurm cluster started here, and
# checks that the merged sweep is byte-identical to one machine running it.
#
# Needs root and Debian's slurm-wlm and munge packages (.ci/run installs them). Starts
# munged, slurmctld and slurmd with a minimal configuration (proctrack/linuxproc,
# task/none) under a temporary directory, submits the array of 4 shards, waits for the
# dependent merge job, compares, and stops every daemon it started (by the PIDs it
# recorded), whatever happens.
#
#   deploy/slurm/test-single-node.sh [path/to/bordersim]
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="$(realpath "${1:-target/release/bordersim}")"
[ -x "$BIN" ] || { echo "no bordersim binary at $BIN (cargo build --release)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (it starts munged, slurmctld and slurmd)" >&2; exit 1; }
for d in munged slurmctld slurmd sbatch squeue sinfo; do
  command -v "$d" >/dev/null || { echo "$d is not installed (apt-get install slurm-wlm munge)" >&2; exit 1; }
done

WORK="$(mktemp -d /tmp/bordersim-slurm.XXXXXX)"
NODE="$(hostname -s)"
PIDS=()
stop() {
  for p in "${PIDS[@]}"; do
    [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
  done
  sleep 1
  for p in "${PIDS[@]}"; do
    [ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null || true
  done
}
# Daemons stop in every case; the work directory stays only when something failed.
trap 'rc=$?; stop; if [ "$rc" = 0 ]; then rm -rf "$WORK"; else echo "kept $WORK for its logs" >&2; fi; exit "$rc"' EXIT

# munge, on its own socket, with a key of its own.
mkdir -p "$WORK/munge"
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$WORK/munge"; chmod 400 "$WORK/munge/munge.key"
SOCKET="$WORK/munge/munge.socket"
munged --force --key-file="$WORK/munge/munge.key" --socket="$SOCKET" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/munge/munged.log" --seed-file="$WORK/munge/seed"
PIDS+=("$WORK/munge/munged.pid")

mkdir -p "$WORK/state" "$WORK/spool" "$WORK/log"
CPUS="$(nproc)"
cat > "$WORK/slurm.conf" <<CONF
ClusterName=bordersim-test
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=test Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
export SLURM_CONF="$WORK/slurm.conf"
slurmctld -f "$SLURM_CONF"
PIDS+=("$WORK/slurmctld.pid")
slurmd -f "$SLURM_CONF" -N "$NODE"
PIDS+=("$WORK/slurmd.pid")
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' && break
  sleep 1
done
sinfo -h -o '%P %T %c' || { cat "$WORK/log/"*.log >&2; exit 1; }

# A small sweep: 8 Latin-hypercube points of M/M/c, 2 replications of 3 days each.
cat > "$WORK/sweep.toml" <<TOML
[sweep]
scenario = "$(realpath scenarios/mmc.toml)"
[design]
kind = "latin_hypercube"
points = 8
seed = 3
[[factors]]
key = "ports.textbook.stages.lanes.servers"
range = { min = 4, max = 6 }
[[factors]]
name = "clearance_mean"
key = "ports.textbook.stages.lanes.clearance.mean"
range = { min = 3.0, max = 3.8 }
TOML
ARGS="--days 3 --replications 2"
# shellcheck disable=SC2086
"$BIN" sweep "$WORK/sweep.toml" $ARGS --out "$WORK/one" --quiet >/dev/null

cd "$WORK"
JOB="$(sbatch --parsable --array=1-4 --cpus-per-task=1 \
  --export=ALL,SWEEP="$WORK/sweep.toml",OUT="$WORK/run",BORDERSIM="$BIN",SWEEP_ARGS="$ARGS" \
  "$OLDPWD/deploy/slurm/sweep.sbatch")"
echo "submitted array job $JOB"
for _ in $(seq 300); do
  [ -f "$WORK/run/merged/sweep.json" ] && [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
  sleep 1
done
squeue || true
if [ ! -f "$WORK/run/merged/sweep.json" ]; then
  echo "the merge did not finish; logs:" >&2
  tail -n 20 "$WORK"/*.out "$WORK/log/"*.log >&2 || true
  exit 1
fi
if diff -r "$WORK/one" "$WORK/run/merged"; then
  echo "OK: 4 Slurm shards merged byte-identical to one machine ($(find "$WORK/one" -type f | wc -l) files)"
else
  echo "FAILED: the merged sweep differs from one machine's" >&2
  exit 1
fi

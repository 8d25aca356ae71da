#!/usr/bin/env bash
# A full disk and an unwritable output folder: `immimic demos`, `retarget`, `map` and `train`
# fail with one clear line and a non-zero exit, and an older output under the same name stays
# as it was. The full disk is a file size limit (ulimit -f, with SIGXFSZ ignored so that writes
# fail with EFBIG as they would with ENOSPC); the unwritable folder is one under /proc, which
# even root cannot write.
# usage: disk_full_test.sh IMMIMIC WORK_DIR
set -euo pipefail
immimic=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
cd "$work"

digest() {
  if [ -d "$1" ]; then (cd "$1" && find . -type f | sort | xargs sha256sum | sha256sum); else sha256sum < "$1"; fi
}

# $1 = output name, $2 = file size limit in 512-byte blocks, the rest = the command (no --out)
check() {
  local out=$1 blocks=$2
  shift 2
  "$immimic" "$@" --out "$out" > /dev/null 2>&1
  local before
  before=$(digest "$out")
  local err
  set +e
  err=$( (trap '' XFSZ; ulimit -f "$blocks"; "$immimic" "$@" --out "$out") 2>&1 > /dev/null)
  local rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then echo "FAIL: $1 succeeded past a full disk"; exit 1; fi
  # progress lines end in carriage returns; the error is the one last line
  local last
  last=$(printf '%s\n' "$err" | tr '\r' '\n' | grep . | tail -n 1)
  if [ "$(printf '%s\n' "$err" | tr '\r' '\n' | grep -c '^error: ')" -ne 1 ] || [ "${last#error: }" = "$last" ]; then
    echo "FAIL: $1 on a full disk did not print one error line: $err"; exit 1
  fi
  if [ "$(digest "$out")" != "$before" ]; then echo "FAIL: $1 on a full disk changed $out"; exit 1; fi
  set +e
  err=$("$immimic" "$@" --out "/proc/immimic_unwritable/$out" 2>&1 > /dev/null)
  rc=$?
  set -e
  if [ "$rc" -eq 0 ] || ! printf '%s' "$err" | grep -q "^error: .*immimic_unwritable"; then
    echo "FAIL: $1 into an unwritable folder: exit $rc, '$err'"; exit 1
  fi
  echo "ok: $1 ($last)"
}

check robot.hdf5 8 demos --task push --embodiment robotiq --episodes 2 --seed 4 --width 32 \
  --height 32 --threads 1
check human.hdf5 8 demos --task push --embodiment human --episodes 2 --seed 4 --width 32 \
  --height 32 --threads 1
check retargeted.hdf5 8 retarget --human human.hdf5 --embodiment robotiq
check map.json 1 map --human retargeted.hdf5 --robot robot.hdf5 --mode action --threads 1
cat > policy.yaml <<'YAML'
image_size: 16
action_horizon: 4
encoder: {channels: [4, 8], keypoints: 4, feature_dim: 8}
unet: {down_dims: [8, 16], groups: 4, step_embed_dim: 8}
YAML
cat > train.yaml <<YAML
policy: $work/policy.yaml
epochs: 1
batch_size: 16
warmup_steps: 2
threads: 1
YAML
# a run folder is never replaced (train refuses an existing one): a full disk must leave no
# finished run under the name, only the .partial folder that --resume continues from
set +e
err=$( (trap '' XFSZ; ulimit -f 8; "$immimic" train --method robot_only --robot robot.hdf5 \
  --config train.yaml --seed 1 --out run) 2>&1 > /dev/null)
rc=$?
set -e
last=$(printf '%s\n' "$err" | tr '\r' '\n' | grep . | tail -n 1)
if [ "$rc" -eq 0 ] || [ -e run ] || [ "${last#error: }" = "$last" ]; then
  echo "FAIL: train on a full disk: exit $rc, run exists: $([ -e run ] && echo yes || echo no), '$last'"
  exit 1
fi
echo "ok: train ($last)"

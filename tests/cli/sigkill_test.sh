#!/usr/bin/env bash
# SIGKILL at several points of `immimic demos`, `retarget`, `map` and `train`: the final output
# name holds either nothing or the complete result, and a rerun (`--resume` for train) ends with
# the same bytes as an uninterrupted run.
# usage: sigkill_test.sh IMMIMIC WORK_DIR
set -euo pipefail
immimic=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
cd "$work"

# checks one command: $1 = output path, the rest = the command (without --out)
check() {
  local out=$1
  shift
  "$immimic" "$@" --out "ref_$out" > /dev/null 2>&1
  local want
  want=$(digest "ref_$out")
  for delay in 0.3 0.8 1.6; do
    rm -rf "$out" "$out.partial"
    (timeout -s KILL "$delay" "$immimic" "$@" --out "$out" > /dev/null 2>&1 || true) 2> /dev/null
    if [ -e "$out" ] && [ "$(digest "$out")" != "$want" ]; then
      echo "FAIL: $1 killed after ${delay}s left a different $out"
      exit 1
    fi
    local resume=()
    [ "$1" = train ] && [ -e "$out.partial" ] && resume=(--resume)
    [ -e "$out" ] || "$immimic" "$@" --out "$out" "${resume[@]}" > /dev/null 2>&1
    if [ "$(digest "$out")" != "$want" ]; then
      echo "FAIL: $1 rerun after a kill at ${delay}s differs from an uninterrupted run"
      exit 1
    fi
  done
  echo "ok: $1 ($out)"
}

# a file's digest, or a run folder's weights and config
digest() {
  if [ -d "$1" ]; then
    (cd "$1" && find policy -type f | sort | xargs sha256sum | sha256sum)
  else
    sha256sum < "$1"
  fi
}

check robot.hdf5 demos --task push --embodiment robotiq --episodes 2 --seed 4 --width 32 \
  --height 32 --threads 1
check human.hdf5 demos --task push --embodiment human --episodes 3 --seed 4 --width 32 \
  --height 32 --threads 1
check retargeted.hdf5 retarget --human human.hdf5 --embodiment robotiq
check map.json map --human retargeted.hdf5 --robot robot.hdf5 --mode action --threads 1
cat > policy.yaml <<'YAML'
image_size: 16
obs_horizon: 2
action_horizon: 4
encoder: {channels: [4, 8], keypoints: 4, feature_dim: 8}
unet: {down_dims: [8, 16], groups: 4, step_embed_dim: 8}
YAML
cat > train.yaml <<YAML
policy: $work/policy.yaml
epochs: 4
batch_size: 32
warmup_steps: 2
threads: 1
robot_time_compression: 1
YAML
check run train --method robot_only --robot robot.hdf5 --config train.yaml --seed 1

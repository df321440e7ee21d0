#!/usr/bin/env bash
# Spark GPU discovery script (spark.{driver,executor,worker}.resource.gpu.discoveryScript): prints the GPUs of
# this machine as Spark's resource JSON, e.g. {"name": "gpu", "addresses": ["0", "1"]}. Spark gives each trial
# (task) its own address(es); dash-spark binds the trial's ND4J work to the first one and records it in the
# results table (column backend, "... gpu:<address>").
#   CUDA_VISIBLE_DEVICES, when set, restricts the list to those indices.
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery: nvidia-smi not found on $(hostname); is this a GPU node?" >&2
  exit 1
fi
ids=$(nvidia-smi --query-gpu=index --format=csv,noheader,nounits | tr -d ' ')
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
  ids=$(tr ',' '\n' <<<"$CUDA_VISIBLE_DEVICES" | tr -d ' ' | grep -x -F -f <(printf '%s\n' $ids) || true)
fi
json=""
for id in $ids; do
  json="${json:+$json, }\"$id\""
done
echo "{\"name\": \"gpu\", \"addresses\": [$json]}"

#!/usr/bin/env bash
# The prepared GPU check (issue 16), in two halves:
#
#   scripts/gpu-check.sh prepare        HERE, on a machine with dotnet: a self-contained trimmed linux-x64
#                                       publish, packed (xz) and split into chunks that each fit one device
#                                       command's 64 MiB of carried files, plus the styles to measure, and
#                                       the exact device `run` calls (command, carry, timeout_s) written to
#                                       artifacts/gpu-check/plan.txt.
#   scripts/gpu-check.sh remote receive THERE: puts this command's carried chunk(s) aside (in an ignored
#                                       folder that stays while the machine is warm).
#   scripts/gpu-check.sh remote run     THERE: reassembles and checks the chunks, unpacks the tool, then
#                                       `devices` and `bench --no-io --device cuda` for candy and the Magenta
#                                       transformer (when present) at 1280x720 and 1920x1080, each with the
#                                       difference to the CPU provider's output. Results land in $OUT.
#
# The GPU machine it is made for: an NVIDIA H200, driver 580, CUDA 13 and cuDNN 9 only as pip wheels in
# its Python, no dotnet, no ffmpeg, no network; each command runs over a copy of the working tree with
# at most 64 MiB of carried ignored files (the tree included); about 15 minutes of machine time in all.
# Run `prepare` in the checkout that the device tool sends (the session's own checkout): the carry
# paths in plan.txt are relative to its root. Then make the calls in plan.txt back to back (a warm
# machine keeps what earlier calls left), and give the machine back after the last one.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$root"
work=artifacts/gpu-check            # ignored (.gitignore: /artifacts/)
send=$work/send                     # what travels, one chunk per command
remote=$work/remote                 # there: chunks received so far, the unpacked tool
limit=$((64 * 1024 * 1024))         # carried bytes per command, the working tree included
margin=$((3 * 1024 * 1024))         # for the tree growing a little between prepare and the calls
frames=${GPU_CHECK_FRAMES:-30}
sizes=${GPU_CHECK_SIZES:-"1280x720 1920x1080"}
xz_level=${GPU_CHECK_XZ_LEVEL:-6}    # -9 packs a few % smaller but takes far longer here

die() { echo "gpu-check: $*" >&2; exit 1; }

# Bytes of what travels without being carried: tracked files and untracked files git does not ignore.
tree_bytes() {
  git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c %s -- 2>/dev/null | awk '{s+=$1} END {print s+0}'
}

prepare() {
  command -v dotnet >/dev/null || die "prepare needs dotnet (run it here, not on the GPU machine)"
  command -v xz >/dev/null || die "prepare needs xz"
  rm -rf "$work/publish" "$send" "$work/plan.txt"
  mkdir -p "$send/styles"

  echo "gpu-check: publishing (self-contained, linux-x64, trimmed)..." >&2
  # TrimMode=partial trims the .NET framework only; our assemblies and their packages stay whole, so
  # the trim analysis of our reflection-based JSON does not apply to this build (full trimming would
  # need source-generated JSON throughout). The flavour check runs after the publish (gpu flavour).
  dotnet publish src/VideoStyler.Cli/VideoStyler.Cli.csproj -c Release -r linux-x64 --self-contained \
    -p:OnnxRuntimeFlavor=gpu -p:PublishTrimmed=true -p:TrimMode=partial \
    -p:EnableTrimAnalyzer=false -p:SuppressTrimAnalysisWarnings=true \
    -p:DebugType=none -nologo -v quiet -clp:ErrorsOnly -o "$work/publish"
  # Not needed to run: the debugger and crash-dump helpers.
  rm -f "$work/publish/createdump" "$work/publish/libmscordaccore.so" "$work/publish/libmscordbi.so" "$work/publish"/*.pdb
  [ -f "$work/publish/libonnxruntime_providers_cuda.so" ] || die "the publish has no CUDA provider (is this the gpu flavour?)"

  # The styles: candy from ../shared (which does not travel), the Magenta models if models/magenta has
  # them and they are ignored (tracked ones travel with the tree), and a style image for Magenta.
  local shared="$root/../shared"
  [ -f "$shared/models/candy.onnx" ] || die "../shared/models/candy.onnx is missing"
  cp "$shared/models/candy.onnx" "$send/styles/"
  [ -f "$shared/data/dog.jpg" ] && cp "$shared/data/dog.jpg" "$send/styles/style-image.jpg"
  if compgen -G "models/magenta/*.onnx" >/dev/null; then
    for f in models/magenta/*; do
      if git check-ignore -q "$f"; then mkdir -p "$send/styles/magenta"; cp "$f" "$send/styles/magenta/"; fi
    done
  fi

  echo "gpu-check: packing (xz -$xz_level)..." >&2
  tar -C "$work/publish" -cf - . | xz -"$xz_level" -T0 >"$work/app.tar.xz"
  local tree styles chunk
  tree=$(tree_bytes)
  styles=$(du -sb "$send/styles" | cut -f1)
  chunk=$(( limit - tree - margin - styles ))   # the first command also carries the styles
  [ "$chunk" -gt $((8 * 1024 * 1024)) ] || die "the working tree ($tree bytes) leaves too little room for chunks"
  split -b "$chunk" -d -a 2 "$work/app.tar.xz" "$send/app.tar.xz."
  (cd "$work" && sha256sum app.tar.xz >"$root/$send/app.tar.xz.sha256")
  rm -f "$work/app.tar.xz"

  local parts=("$send"/app.tar.xz.[0-9][0-9])
  local n=${#parts[@]}
  {
    echo "# GPU check plan, made $(date -u +%FT%TZ) by scripts/gpu-check.sh prepare"
    echo "# publish: $(du -sb "$work/publish" | cut -f1) bytes unpacked; packed: $(cat "${parts[@]}" | wc -c) bytes in $n chunks of <= $chunk bytes"
    echo "# working tree that travels with every call: $tree bytes; styles: $styles bytes"
    echo "# Make these device calls back to back (each: command, carry, timeout_s), then give the machine back."
    local i carry
    for i in $(seq 0 $((n - 1))); do
      carry="\"${parts[$i]}\""
      [ "$i" -eq 0 ] && carry="$carry, \"$send/styles\""
      if [ "$i" -eq $((n - 1)) ]; then
        carry="$carry, \"$send/app.tar.xz.sha256\""
        echo "run {\"command\": \"bash scripts/gpu-check.sh remote receive && bash scripts/gpu-check.sh remote run\", \"carry\": [$carry], \"timeout_s\": 480}"
      else
        echo "run {\"command\": \"bash scripts/gpu-check.sh remote receive\", \"carry\": [$carry], \"timeout_s\": 120}"
      fi
    done
    echo "# A retry of the measurements alone (machine still warm, chunks received): run {\"command\": \"bash scripts/gpu-check.sh remote run\", \"timeout_s\": 480}"
  } >"$work/plan.txt"
  cat "$work/plan.txt"
  ls -l "$send" "$send/styles" >&2
}

receive() {
  mkdir -p "$remote/chunks"
  local moved=0 f
  for f in "$send"/app.tar.xz.[0-9][0-9] "$send"/app.tar.xz.sha256; do
    [ -f "$f" ] || continue
    mv -f "$f" "$remote/chunks/"; moved=$((moved + 1))
  done
  if [ -d "$send/styles" ]; then rm -rf "$remote/styles"; cp -r "$send/styles" "$remote/styles"; fi
  echo "gpu-check: received $moved file(s); held now: $(ls "$remote/chunks" | tr '\n' ' ')"
}

# Decompress stdin to stdout: xz where installed, else Python's lzma (Python is there).
unxz_stream() {
  if command -v xz >/dev/null; then xz -dc; else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.stdin.buffer), sys.stdout.buffer, 1 << 20)'; fi
}

run_checks() {
  local out=${OUT:-$remote/out}
  mkdir -p "$out"
  local chunks="$remote/chunks"
  [ -f "$chunks/app.tar.xz.sha256" ] || die "the checksum (last chunk's call) has not arrived: run the plan's calls in order"
  cat "$chunks"/app.tar.xz.[0-9][0-9] >"$remote/app.tar.xz"
  (cd "$remote" && sha256sum -c "$root/$chunks/app.tar.xz.sha256") || die "the reassembled archive does not match its checksum (a chunk is missing or stale)"
  rm -rf "$remote/app" && mkdir -p "$remote/app"
  unxz_stream <"$remote/app.tar.xz" | tar -C "$remote/app" -xf -
  rm -f "$remote/app.tar.xz"
  local app="$remote/app/VideoStyler.Cli"
  [ -x "$app" ] || die "the unpacked tool is missing"

  {
    echo "== machine"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || true
    echo "python3: $(command -v python3 || echo none) $(python3 -c 'import sys; print(sys.version.split()[0], sys.prefix)' 2>&1 || true)"
    echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  } | tee "$out/machine.txt"

  # devices, with no help from LD_LIBRARY_PATH (the point of the probe).
  env -u LD_LIBRARY_PATH "$app" devices | tee "$out/devices.txt"
  env -u LD_LIBRARY_PATH "$app" devices --json >"$out/devices.json" || true
  local envs=(env -u LD_LIBRARY_PATH)
  if ! grep -q '^CUDAExecutionProvider  *usable' "$out/devices.txt"; then
    # Diagnose, then try once with the Python's prefix as VIRTUAL_ENV (still no LD_LIBRARY_PATH).
    local prefix
    prefix=$(python3 -c 'import sys; print(sys.prefix)' 2>/dev/null || true)
    echo "== CUDA not usable as found; nvidia wheel folders of $prefix:" | tee -a "$out/devices.txt"
    ls -d "$prefix"/lib/python3*/site-packages/nvidia/*/lib 2>&1 | tee -a "$out/devices.txt" || true
    envs=(env -u LD_LIBRARY_PATH VIRTUAL_ENV="$prefix")
    "${envs[@]}" "$app" devices | tee -a "$out/devices.txt"
  fi

  local summary="$out/summary.txt"
  echo "style frame model_fps model_fps_device_resident pre_ms model_ms post_ms temporal_ms mean_abs_diff max_abs_diff provider" >"$summary"
  local styles="$remote/styles"
  bench() { # NAME SIZE ARGS...
    local name=$1 size=$2; shift 2
    local h=${size#*x} file="$out/bench-$name-$size.json"
    echo "== bench --no-io --device cuda $name $size" >&2
    if "${envs[@]}" timeout 120 "$app" bench --no-io --device cuda --frame-size "$size" --size "$h" --frames "$frames" \
         --compare-frames 3 --json "$@" >"$file" 2>"$file.err"; then
      python3 - "$file" "$name" "$size" >>"$summary" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); s = r["stage_ms"]; d = r.get("cpu_difference") or {}
print(sys.argv[2], sys.argv[3], r.get("model_fps"), r.get("model_fps_device_resident"), s["preprocess"], s["model"], s["postprocess"], s["temporal"],
      d.get("mean_abs_diff"), d.get("max_abs_diff"), r["execution_provider"])
PY
      return 0
    fi
    echo "$name $size FAILED: $(head -c 300 "$file.err" | tr '\n' ' ')" | tee -a "$summary" >&2
    return 1
  }

  for size in $sizes; do bench candy "$size" --style "$styles/candy.onnx" || true; done
  local magenta=""
  if compgen -G "models/magenta/style_transfer*.onnx" >/dev/null || compgen -G "$styles/magenta/*.onnx" >/dev/null; then magenta=yes; fi
  if [ -n "$magenta" ]; then
    for size in $sizes; do
      # The arbitrary-style runtime (models/magenta) takes a style image; if this build's bench does not
      # know --style-image, the transformer file itself is tried.
      bench magenta "$size" --style-image "$styles/style-image.jpg" \
        || bench magenta "$size" --style "$(ls models/magenta/style_transfer*.onnx "$styles"/magenta/style_transfer*.onnx 2>/dev/null | head -1)" || true
    done
  else
    echo "magenta: models/magenta/*.onnx not in this tree (the arbitrary-styles work has not landed): skipped" | tee -a "$summary"
  fi
  echo "== summary"; cat "$summary"
}

case "${1:-}" in
  prepare) prepare ;;
  remote)
    case "${2:-}" in
      receive) receive ;;
      run) run_checks ;;
      *) die "usage: scripts/gpu-check.sh remote receive|run" ;;
    esac ;;
  *) echo "usage: scripts/gpu-check.sh prepare | remote receive | remote run" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Installs what VideoStyler needs on a fresh Debian 12 machine with the .NET SDK, then restores and
# builds it (Release). Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
# OpenCvSharp's official Linux runtime links against GTK 3.
. scripts/lib/libraries.sh
if ! has_library 'libgtk-3.so.0'; then
  missing+=(libgtk-3-0)
fi

# Debian's Chromium: the live control page is tested in it, headless (tests only; the tool itself
# does not need it). VIDEOSTYLER_NO_CHROMIUM=1 skips it on machines that only run the tool.
if [ "${VIDEOSTYLER_NO_CHROMIUM:-0}" != "1" ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
      echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK 10 (dotnet) is required and not on PATH" >&2
  exit 1
fi

if [ "${1:-}" != "--no-build" ]; then
  dotnet build VideoStyler.sln -c Release -nologo -v quiet -clp:ErrorsOnly
fi

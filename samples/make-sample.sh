#!/usr/bin/env bash
# Makes samples/sample.mp4 from ffmpeg's own lavfi sources: 3 s of moving test pattern at 640x360,
# 24 fps, with a 440 Hz tone as AAC audio. Everything in it is generated, so it is ours to ship.
set -euo pipefail
cd "$(dirname "$0")"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=24:duration=3" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3" \
  -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p \
  -c:a aac -b:a 96k -shortest -movflags +faststart sample.mp4
echo "wrote $(pwd)/sample.mp4"

#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole xunit suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --no-build
dotnet test VideoStyler.sln -c Release -nologo --logger "console;verbosity=normal" "$@"

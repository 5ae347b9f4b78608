#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages: Debian packages, only when missing, as root.
# fonts-noto-cjk: Chinese text in rendered charts (PNG) and, later, browser screenshots.
# ffmpeg: video metadata and keyframes.
# chromium: browser tests of the web UI (playwright-core drives the Debian build; no browser downloads).
# postgresql: the PostgreSQL driver and job queue run against a throwaway cluster (initdb in a temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."
node -e 'const [maj]=process.versions.node.split(".").map(Number); if (maj < 20) { console.error("zhiku needs Node 20 or newer"); process.exit(1) }'

missing=()
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing+=(postgresql)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "test-setup: missing Debian packages (${missing[*]}); run as root or install them" >&2
    exit 1
  fi
  echo "test-setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  (apt-get install -y --no-install-recommends "${missing[@]}" || (apt-get update && apt-get install -y --no-install-recommends "${missing[@]}")) >/dev/null
fi


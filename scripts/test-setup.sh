#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages. Nothing yet needs Debian packages; the
# PostgreSQL and browser suites add theirs here (installed only when missing, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
node -e 'const [maj]=process.versions.node.split(".").map(Number); if (maj < 20) { console.error("zhiku needs Node 20 or newer"); process.exit(1) }'

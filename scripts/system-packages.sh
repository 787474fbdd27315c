#!/usr/bin/env bash
# Installs the Debian packages the product needs, only those that are missing.
#   scripts/system-packages.sh run    what serving the app needs (PDF rendering with CJK glyphs)
#   scripts/system-packages.sh test   that plus what the test suite needs (pdftotext, Chromium, npm for axe-core)
set -euo pipefail
mode=${1:-run}
packages=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig)
if [ "$mode" = test ]; then
  packages+=(poppler-utils chromium)
  command -v npm >/dev/null || packages+=(npm)
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

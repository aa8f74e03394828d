#!/usr/bin/env bash
# System packages the test suite needs that pip cannot provide. Idempotent, and never
# fails the run: where a package cannot be installed (no apt, no root, no network) it
# prints a warning and the tests that need it skip with a reason.
#
# - openssh-server: the SFTP integration tests start a real sshd on loopback
#   (tests/support/sshd.py); only /usr/sbin/sshd is needed, no system service.
# - chromium + chromium-driver: the dashboard's browser tests drive Debian's headless
#   Chromium through selenium (tests/integration/test_browser_dashboard.py); browser
#   builds downloaded by test tools do not work here, the distribution's do.
set -uo pipefail

warn() { echo "setup-system: warning: $*" >&2; }

install_debs() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      warn "not root and no passwordless sudo: cannot install $*"
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    warn "apt-get not available: cannot install $*"
    return 1
  fi
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300)
  # Try from the current package lists first; refresh them only when that fails.
  "${apt[@]}" install --no-install-recommends "$@" >/dev/null 2>&1 && return 0
  "${apt[@]}" update >/dev/null 2>&1 || warn "apt-get update failed"
  "${apt[@]}" install --no-install-recommends "$@" >/dev/null 2>&1 && return 0
  warn "apt-get install $* failed"
  return 1
}

if [ ! -x /usr/sbin/sshd ]; then
  echo "setup-system: installing openssh-server (for the SFTP integration tests)"
  install_debs openssh-server || warn "SFTP integration tests will be skipped (no /usr/sbin/sshd)"
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "setup-system: installing chromium and chromium-driver (for the dashboard browser tests)"
  install_debs chromium chromium-driver || warn "browser tests will be skipped (no /usr/bin/chromium or chromedriver)"
fi

exit 0

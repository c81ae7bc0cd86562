# Debian's Chromium for the browser tests: install it only where that can work (root, apt-get).
# Sourced by .ci/run; tests/test_ci_chromium.py runs chromium_plan as an ordinary user.
# Overridable, for those tests: CI_CHROMIUM (the binary the tests drive), CI_UID (the user id that
# decides whether apt-get may run) and CI_APT_GET (the apt-get to use).

CI_CHROMIUM="${CI_CHROMIUM:-/usr/bin/chromium}"

# Prints one line: "present", "install", or "skip: <why>".
chromium_plan() {
    local uid="${CI_UID:-$(id -u)}" apt="${CI_APT_GET:-apt-get}"
    if [ -x "$CI_CHROMIUM" ]; then
        echo "present"
    elif [ "$uid" != 0 ]; then
        echo "skip: $CI_CHROMIUM is missing and installing it needs root (uid $uid)"
    elif ! command -v "$apt" >/dev/null 2>&1; then
        echo "skip: $CI_CHROMIUM is missing and there is no $apt to install it"
    else
        echo "install"
    fi
}

# Installs Chromium when the plan says so; otherwise says what the browser tests will do.
# An install that could run but fails stops CI: that is a broken machine, not a missing feature.
ensure_chromium() {
    local plan apt="${CI_APT_GET:-apt-get}"
    plan="$(chromium_plan)"
    case "$plan" in
        present)
            echo "--- chromium: $CI_CHROMIUM (the browser tests will run)"
            ;;
        install)
            echo "--- installing Debian's chromium for the browser tests"
            DEBIAN_FRONTEND=noninteractive "$apt" update -qq
            DEBIAN_FRONTEND=noninteractive "$apt" install -y -qq chromium >/dev/null
            ;;
        *)
            echo "--- chromium: ${plan#skip: }; the browser tests will be skipped"
            ;;
    esac
}

# shellcheck shell=bash
# moto's S3 server (Python, `moto_server`) for the S3 blob store's tests and scripts/bench's S3 mode.
# Sourced after common.sh; the caller sets `set -euo pipefail`.

# ensure_moto : exports MOTO_SERVER, the path of a moto_server that runs. Looks at $MOTO_SERVER, the PATH and pyenv's
# shims; where none runs, installs `moto[server]` with pip (once) into a virtualenv under the user's cache directory
# (Debian 12's Python refuses a system-wide pip install, PEP 668). Returns non-zero, saying why, when that fails.
# The tests' fixture (tests/OrleansRegistry.TestSupport/S3/MotoServer.cs) starts $MOTO_SERVER.
ensure_moto() {
    local candidate venv
    for candidate in "${MOTO_SERVER:-}" "$(command -v moto_server || true)" "${PYENV_ROOT:-$HOME/.pyenv}/shims/moto_server"; do
        if [ -n "$candidate" ] && "$candidate" -h >/dev/null 2>&1; then
            export MOTO_SERVER=$candidate
            return 0
        fi
    done
    venv=${MOTO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/orleansregistry/moto-venv}
    if ! "$venv/bin/moto_server" -h >/dev/null 2>&1; then
        ensure_packages python3 python3-venv
        echo "moto.sh: installing moto[server] into $venv" >&2
        rm -rf "$venv"
        mkdir -p "$(dirname "$venv")"
        if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check 'moto[server]>=5,<6'; }; then
            echo "moto.sh: could not install moto[server] with pip; set MOTO_SERVER to a moto_server" >&2
            rm -rf "$venv"
            return 1
        fi
    fi
    export MOTO_SERVER=$venv/bin/moto_server
}

#!/bin/sh
# Make the virtual environment for `make run` / `make test`, after checking that the given
# Python is new enough and that its venv module works; otherwise say what to install.
# Usage: scripts/make-venv.sh PYTHON VENV
set -u
python=${1:-python3}
venv=${2:-.venv}

if ! command -v "$python" >/dev/null 2>&1; then
    echo "Python not found ($python). On Debian or Ubuntu: sudo apt-get install python3 python3-venv" >&2
    exit 1
fi
if ! "$python" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
    found=$("$python" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))' 2>/dev/null)
    echo "Proforient needs Python 3.11 or newer; $python is ${found:-unknown}." >&2
    echo "Debian 12 and Ubuntu 24.04 ship a new enough python3; elsewhere install python3.11" >&2
    echo "(or newer) and run: make run PYTHON=python3.11" >&2
    exit 1
fi
if ! "$python" -m venv "$venv" || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    rm -rf "$venv"
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    echo "'$python -m venv' does not work: Debian and Ubuntu ship it in a separate package." >&2
    echo "Install it with: sudo apt-get install python3-venv   (for python$version: python$version-venv)" >&2
    exit 1
fi

#!/bin/sh
# Print the metadata a research note records: date and time with time zone, git commit, branch,
# repository, researcher and the file-name timestamp. POSIX sh and git only (no Python), so an
# assistant or a hook can run it anywhere; `thoughts meta` prints the same fields from Python, and
# tests/test_meta.py checks that the two agree.
set -eu

usage() {
    cat <<'USAGE'
Usage: hack/spec_metadata.sh [--yaml | --json | --help]

Print the metadata for a new research note, as "Key: value" lines (default),
as YAML (--yaml) or as JSON (--json):

  Current Date/Time (TZ)   date_tz      2025-12-03 18:14:34 CET
  ISO Date/Time            date         2025-12-03T18:14:34+01:00
  Current Git Commit Hash  git_commit   short SHA of HEAD
  Current Branch Name      branch       HEAD when detached
  Repository Name          repository   from the origin URL, else the top folder's name
  Researcher               researcher   $RESEARCHER_NAME, else git user.name, else $USER
  Timestamp For Filename   timestamp    2025-12-03_18-14-34

Git fields are empty outside a git repository.
USAGE
}

format=plain
case "${1:-}" in
    "") ;;
    --yaml) format=yaml ;;
    --json) format=json ;;
    -h | --help) usage; exit 0 ;;
    *) echo "spec_metadata.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
esac
if [ "$#" -gt 1 ]; then
    echo "spec_metadata.sh: expected at most one option" >&2
    exit 2
fi

# One `date` call, so the fields cannot straddle a second.
IFS='|' read -r day time offset timestamp zone <<EOF
$(date '+%Y-%m-%d|%H:%M:%S|%z|%Y-%m-%d_%H-%M-%S|%Z')
EOF
# ISO 8601 wants +01:00; %z gives +0100 (and GNU's %:z is not POSIX).
iso="${day}T${time}${offset%??}:${offset#???}"
date_tz="$day $time $zone"

toplevel="" commit="" branch="" repository=""
if command -v git >/dev/null 2>&1 && toplevel=$(git rev-parse --show-toplevel 2>/dev/null); then
    commit=$(git rev-parse --short HEAD 2>/dev/null) || commit=""
    branch=$(git symbolic-ref --short -q HEAD 2>/dev/null) || branch=""
    if [ -z "$branch" ] && [ -n "$commit" ]; then
        branch=HEAD  # detached, as `git rev-parse --abbrev-ref HEAD` says
    fi
    # The name in the origin's URL (a worktree's folder is often named after its branch), else
    # the name of the top folder.
    origin=$(git config --get remote.origin.url 2>/dev/null) || origin=""
    while [ "${origin%/}" != "$origin" ]; do origin=${origin%/}; done
    repository=${origin##*/}
    repository=${repository##*:}
    repository=${repository%.git}
    if [ -z "$repository" ]; then
        repository=$(basename "$toplevel")
    fi
else
    toplevel=""
fi

researcher="${RESEARCHER_NAME:-}"
if [ -z "$researcher" ] && command -v git >/dev/null 2>&1; then
    researcher=$(git config user.name 2>/dev/null) || researcher=""
fi
if [ -z "$researcher" ]; then
    researcher="${USER:-}"
fi
if [ -z "$researcher" ]; then
    researcher=$(id -un 2>/dev/null) || researcher=unknown
fi

quote() {
    # A JSON string, which is also a YAML double-quoted scalar.
    printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

# key|label|value, in the order of FIELDS in plugins/mkdocs_thoughts/authoring/metadata.py.
emit() {
    key=$1 label=$2 value=$3 separator=$4
    case "$format" in
        plain) printf '%s: %s\n' "$label" "$value" ;;
        yaml) printf '%s: %s\n' "$key" "$(quote "$value")" ;;
        json) printf '  "%s": %s%s\n' "$key" "$(quote "$value")" "$separator" ;;
    esac
}

[ "$format" = json ] && echo "{"
emit date_tz "Current Date/Time (TZ)" "$date_tz" ","
emit date "ISO Date/Time" "$iso" ","
emit git_commit "Current Git Commit Hash" "$commit" ","
emit branch "Current Branch Name" "$branch" ","
emit repository "Repository Name" "$repository" ","
emit researcher "Researcher" "$researcher" ","
emit timestamp "Timestamp For Filename" "$timestamp" ""
[ "$format" = json ] && echo "}"
exit 0

#!/bin/sh
# render-template.sh FILE: prints FILE with every ${NAME} (capital letters, digits and _) replaced by the value of
# the environment variable NAME, and fails naming the first one that is not set. Nothing else in FILE is evaluated.
# ./stack.sh and the compose images (docker/java) render local-stack/*.properties with it.
set -eu
script=""
for name in $(grep -o '\${[A-Z_][A-Z0-9_]*}' "$1" | sort -u | tr -d '${}'); do
  eval "value=\${$name?$name is not set, for $1}"
  escaped="$(printf '%s' "$value" | sed 's/[\\|&]/\\&/g')"
  script="$script;s|\${$name}|$escaped|g"
done
sed "${script#;}" "$1"

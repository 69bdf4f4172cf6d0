# Sourced helper, the one writer of compose/.env for every chapter's scripts (image builds
# through platform.sh, chapter 4's keys): add or replace one KEY=value line and keep every
# other line (other chapters' image tags, the S3 keys). Writes through a temp file in the same
# folder and renames it, so a reader never sees half a file; the file stays private (0600)
# because it holds the object store's keys.
env_file_set() {
  local file=$1 key=$2 value=$3 tmp
  mkdir -p "$(dirname "$file")"
  tmp=$(mktemp "$file.XXXXXX")
  chmod 600 "$tmp"
  if [ -f "$file" ]; then
    grep -v "^${key}=" "$file" >"$tmp" || true
  fi
  printf '%s=%s\n' "$key" "$value" >>"$tmp"
  mv "$tmp" "$file"
}

# Prints the value of KEY in the file, or nothing.
env_file_get() {
  local file=$1 key=$2
  [ -f "$file" ] || return 0
  sed -n "s/^${key}=//p" "$file" | tail -n 1
}

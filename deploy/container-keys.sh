# The mesh key set for containers (run as root, in the image). Creates the set in $ZMESH_KEYS (the
# checkout's .zmesh/keys, bind-mounted) on first start, keeping pairs already there, and leaves the
# files to the checkout's owner (the owner of $OWNER_OF, a checkout file; else of the folder itself):
# `make run` and `npx zmesh ls` on the host go on reading them, even when Docker made the folder.
# With $KEYS_OUT (compose's `keys` volume, which only containers mount), it then copies the set there,
# each secret key readable by its own service's uid only (0400), every public key by all (0444).
# Arguments: NAME=UID, one per service that runs in a container as uid UID (none are needed without
# $KEYS_OUT: the set's usual names are made anyway).
set -eu
names=""
for pair in "$@"; do
  # Checked before anything changes: a bad pair must not leave the volume half made.
  case $pair in *=*) uid=${pair#*=} ;; *) uid="" ;; esac
  case $uid in '' | *[!0-9]*)
    echo "container-keys.sh: expected NAME=UID, not $pair" >&2
    exit 2
    ;;
  esac
  names="$names --name ${pair%%=*}"
done
# shellcheck disable=SC2086 # one word per flag and name
node services/cli/bin/zmesh.js keys init "$ZMESH_KEYS" $names
# Made here, they are root's (and an older script handed secret keys to the services): back to the owner.
owner=$(stat -c %u:%g "${OWNER_OF:-$ZMESH_KEYS}")
# Docker makes a missing bind-mount folder as root: with OWNER_OF, the keys folder and the one above go too.
if [ -n "${OWNER_OF:-}" ]; then chown "$owner" "$(dirname "$ZMESH_KEYS")" "$ZMESH_KEYS"; fi
chown "$owner" "$ZMESH_KEYS"/*.pub "$ZMESH_KEYS"/*.key
[ -n "${KEYS_OUT:-}" ] || exit 0
# Copied over the old copies, then the stale ones removed: a service starting meanwhile finds its key.
chmod 0755 "$KEYS_OUT"
keep=""
for pub in "$ZMESH_KEYS"/*.pub; do
  cp -f "$pub" "$KEYS_OUT/"
  chmod 0444 "$KEYS_OUT/$(basename "$pub")"
  keep="$keep $(basename "$pub")"
done
for pair in "$@"; do
  uid=${pair#*=}
  key="${pair%%=*}.key"
  cp -f "$ZMESH_KEYS/$key" "$KEYS_OUT/$key.new"
  chown "$uid:$uid" "$KEYS_OUT/$key.new"
  chmod 0400 "$KEYS_OUT/$key.new"
  mv -f "$KEYS_OUT/$key.new" "$KEYS_OUT/$key"
  keep="$keep $key"
done
for file in "$KEYS_OUT"/*; do
  [ -e "$file" ] || continue
  case " $keep " in *" $(basename "$file") "*) ;; *) rm -rf "$file" ;; esac
done
echo "secret keys handed out in $KEYS_OUT: $*"

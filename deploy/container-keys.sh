# The mesh key set for containers (run as root, in the image). Creates the set in $ZMESH_KEYS (the
# checkout's .zmesh/keys, bind-mounted) on first start, keeping pairs already there, and leaves those
# files to whoever owns that folder: `make run` and `npx zmesh ls` on the host go on reading them.
# With $KEYS_OUT (compose's `keys` volume, which only containers mount), it then copies the set there,
# each secret key readable by its own service's uid only (0400), every public key by all (0444).
# Arguments: NAME=UID, one per service that runs in a container as uid UID (just NAME without $KEYS_OUT).
set -eu
names=""
for pair in "$@"; do names="$names --name ${pair%%=*}"; done
# shellcheck disable=SC2086 # one word per flag and name
node services/cli/bin/zmesh.js keys init "$ZMESH_KEYS" $names
# Files made here are root's: the folder's owner gets them (and back any an older script handed out).
chown "$(stat -c %u:%g "$ZMESH_KEYS")" "$ZMESH_KEYS"/*.pub "$ZMESH_KEYS"/*.key
[ -n "${KEYS_OUT:-}" ] || exit 0
find "$KEYS_OUT" -mindepth 1 -delete
cp "$ZMESH_KEYS"/*.pub "$KEYS_OUT/"
chmod 0755 "$KEYS_OUT"
chmod 0444 "$KEYS_OUT"/*.pub
for pair in "$@"; do
  uid=${pair#*=}
  key="$KEYS_OUT/${pair%%=*}.key"
  cp "$ZMESH_KEYS/${pair%%=*}.key" "$key"
  chown "$uid:$uid" "$key"
  chmod 0400 "$key"
done
echo "secret keys handed out in $KEYS_OUT: $*"

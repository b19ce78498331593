# The `keys` service of docker-compose.yml (run as root): creates the mesh key set in $ZMESH_KEYS on
# first start, keeping pairs already there, then gives each secret key to its own service only.
# Arguments: NAME=UID, one per service that runs in a container as uid UID.
set -eu
names=""
for pair in "$@"; do names="$names --name ${pair%%=*}"; done
# shellcheck disable=SC2086 # one word per flag and name
node services/cli/bin/zmesh.js keys init "$ZMESH_KEYS" $names
chmod 0755 "$ZMESH_KEYS"
chmod 0444 "$ZMESH_KEYS"/*.pub
for pair in "$@"; do
  uid=${pair#*=}
  chown "$uid:$uid" "$ZMESH_KEYS/${pair%%=*}.key"
  chmod 0400 "$ZMESH_KEYS/${pair%%=*}.key"
done
echo "secret keys handed out: $*"

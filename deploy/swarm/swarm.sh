#!/usr/bin/env bash
# zmesh on Docker Swarm, as make runs it: swarm.sh up | scale N | down.
#   up     make this host a one-node swarm if it is in none (and remember that it did), build the
#          image, write the key set if there is none, deploy the stack and wait until it converges
#   scale  run N image workers and wait until they run
#   down   remove the stack, wait until Docker holds nothing of it, and leave the swarm only if `up` made it
# Settings (environment): STACK (zmesh), IMAGE (zmesh:local; a registry's name on a cluster),
# SWARM_KEYS (the key set, .zmesh/keys), SWARM_ADVERTISE_ADDR (127.0.0.1, for the one-node swarm),
# SWARM_MARK (the file saying `up` made the swarm, .zmesh/swarm-made-by-make), and the stack's own
# settings (deploy/swarm/stack.yml).
set -euo pipefail
cd "$(dirname "$0")/../.."

STACK=${STACK:-zmesh}
export IMAGE=${IMAGE:-zmesh:local}
export SWARM_KEYS=${SWARM_KEYS:-$PWD/.zmesh/keys}
SWARM_ADVERTISE_ADDR=${SWARM_ADVERTISE_ADDR:-127.0.0.1}
SWARM_MARK=${SWARM_MARK:-$PWD/.zmesh/swarm-made-by-make}
LABEL="label=com.docker.stack.namespace=$STACK"

swarm_state() { docker info --format '{{.Swarm.LocalNodeState}}'; }

up() {
  if [ "$(swarm_state)" != active ]; then
    docker swarm init --advertise-addr "$SWARM_ADVERTISE_ADDR" >/dev/null
    mkdir -p "$(dirname "$SWARM_MARK")" && touch "$SWARM_MARK"
    echo "made a one-node swarm on $SWARM_ADVERTISE_ADDR (make swarm-down leaves it again)"
  fi
  docker compose build
  # The same key set as compose's `keys` service makes (pairs already there kept), left to the folder's
  # owner, also when an older `make up` had handed its secret keys to the services' uids: the secrets
  # give each service its uid, and the README's CLI container runs as that owner.
  mkdir -p "$SWARM_KEYS"
  docker run --rm --user root -v "$SWARM_KEYS:/run/secrets/zmesh" -e ZMESH_KEYS=/run/secrets/zmesh \
    --entrypoint sh zmesh:local deploy/container-keys.sh
  # A local image cannot be pinned to a registry digest: only ask a registry for one that is in it.
  # A registry's image: pinned to its digest, and every host may pull it with this login.
  local registry=(--resolve-image always --with-registry-auth)
  [ "$IMAGE" = zmesh:local ] && registry=(--resolve-image never)
  echo "+ docker stack deploy $STACK"
  docker stack deploy --detach=false "${registry[@]}" -c deploy/swarm/stack.yml "$STACK"
}

scale() {
  docker service scale --detach=false "${STACK}_image-worker=${1:?scale takes a number of image workers}"
}

# What Docker still holds of the stack: services, tasks' containers, networks, secrets, configs.
leftovers() {
  [ "$(swarm_state)" = active ] || return 0
  docker service ls -q -f "$LABEL"
  docker ps -aq -f "$LABEL"
  docker network ls -q -f "$LABEL"
  docker secret ls -q -f "$LABEL"
  docker config ls -q -f "$LABEL"
}

down() {
  if [ "$(swarm_state)" = active ]; then docker stack rm "$STACK"; fi
  # `stack rm` returns at once; its tasks stop (workers drain) and the network goes after them.
  local deadline=$((SECONDS + 60))
  while [ -n "$(leftovers)" ]; do
    if [ $SECONDS -ge $deadline ]; then
      echo "stack $STACK still has after 60 s:" >&2
      leftovers >&2
      exit 1
    fi
    sleep 0.5
  done
  if [ -f "$SWARM_MARK" ]; then
    docker swarm leave --force >/dev/null
    rm -f "$SWARM_MARK"
    echo "left the one-node swarm make swarm-up made"
  fi
}

case "${1:-}" in
  up) up ;;
  scale) scale "${2:-}" ;;
  down) down ;;
  *) echo "usage: $0 up | scale N | down" >&2; exit 2 ;;
esac

# zmesh — the commands a developer types. Each target installs what it needs first.
SHELL := /bin/bash
NPM_INSTALL_STAMP := node_modules/.package-lock.json

.PHONY: run test chaos test-integration bench lint typecheck build clean install chromium up down scale logs ps \
	swarm-up swarm-scale swarm-down

# npm ci only when the lockfile changed since the last install.
$(NPM_INSTALL_STAMP): package-lock.json
	npm ci --no-audit --no-fund

install: $(NPM_INSTALL_STAMP)

build: install
	npx tsc -b
	npm run --silent build -w @zmesh/web-client

## run: start the mapper, two image workers and the gateway on 127.0.0.1 (Ctrl-C stops them all)
run: build
	node deploy/local/run.mjs

# The browser test drives Debian's Chromium (a browser download by playwright is not possible here).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "the browser test needs Chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

## test: unit, protocol, component and end-to-end tests (real ZeroMQ sockets, processes, a real browser)
test: build chromium
	node --experimental-vm-modules node_modules/.bin/jest

## chaos: long runs against a live mesh (deploy/chaos) and make run's supervision (deploy/local/test)
chaos: build
	node --experimental-vm-modules node_modules/.bin/jest --config jest.chaos.config.js

## bench: mesh vs bare ZeroMQ, failover, frame rendering, worker scaling, Socket.IO fan-out, stalled viewer,
##        /api/mesh at 5,000 instances, hostile peers (SIGSTOP, silent endpoint, 5,000 junk records)
##        (prints tables; figures in bench/results/)
bench: build
	node services/mesh/dist/bench/mesh-bench.js
	node services/mesh/dist/bench/rpc-bench.js
	node services/image-worker/dist/bench/frame-bench.js
	node services/gateway/dist/bench/stream-bench.js
	node services/gateway/dist/bench/mesh-view-bench.js
	node services/gateway/dist/bench/hostile-bench.js

lint: install
	npx biome check .

typecheck: install
	npx tsc -b
	npx tsc -p web-client
	npx tsc -p web-client/test
	npx tsc -p deploy/test
	npx tsc -p deploy/chaos
	npx tsc -p deploy/local/test

clean:
	npx tsc -b --clean 2>/dev/null || true
	rm -rf services/*/dist web-client/dist test-artifacts

# --- containers (docker compose) ---------------------------------------------------------------
COMPOSE := docker compose
N ?= 4

## up: build the image, start the stack and wait until it is healthy (gateway :8080, Prometheus :9090,
##     Grafana :3000 when its image can be had); the one-shot `keys` service makes .zmesh/keys first
# Built apart from `up`: `up --build` recreates every container even when the image did not change.
up:
	$(COMPOSE) build
	$(COMPOSE) up --detach --wait mapper image-worker report-worker gateway prometheus
	-$(COMPOSE) up --detach grafana

## down: stop the stack and remove its containers, network and volumes (the containers' copy of the keys;
##       Prometheus keeps its data on a tmpfs): nothing is left behind but the key set in .zmesh/keys
down:
	$(COMPOSE) down --remove-orphans --volumes

## scale: run N image workers (make scale N=4)
scale:
	$(COMPOSE) up --detach --wait --scale image-worker=$(N) image-worker

## logs: the last lines of every container's log, followed when on a terminal
logs:
	$(COMPOSE) logs --tail=100 $$([ -t 1 ] && echo --follow)

## test-integration: the compose stack built and tested in real containers (needs a Docker engine), the
##       README's container commands run as written, Prometheus's pages opened in Chromium
test-integration: build chromium
	if [ -f /etc/docker-env.sh ]; then . /etc/docker-env.sh; fi; \
	node --experimental-vm-modules node_modules/.bin/jest --config jest.integration.config.js

## ps: every container of the stack and its health
ps:
	$(COMPOSE) ps

# --- Docker Swarm (deploy/swarm/stack.yml, run by deploy/swarm/swarm.sh) ---------------------------
# STACK (zmesh), IMAGE (zmesh:local; a registry's name on a cluster) and SWARM_KEYS (.zmesh/keys) are
# read from the environment or the make command line.
export STACK IMAGE SWARM_KEYS

## swarm-up: deploy the stack to this host's swarm (a one-node swarm on 127.0.0.1 is made if it is in
##           none), building the image and writing the key set first if missing; waits until it runs
swarm-up:
	bash deploy/swarm/swarm.sh up

## swarm-scale: run N image workers on the swarm (make swarm-scale N=4)
swarm-scale:
	bash deploy/swarm/swarm.sh scale $(N)

## swarm-down: remove the stack and wait until nothing of it is left; leaves the swarm only if
##             swarm-up made it
swarm-down:
	bash deploy/swarm/swarm.sh down

#!/usr/bin/env bash
# A hook of `./liveccu faults --hook` for docker-compose.yml's cluster (an EXAMPLE: not run by the
# tests; no Docker daemon on the machine that wrote it). Brokers are kafka-1..3 (their node ids),
# aggregators aggregator-1..2; the scaled collector and api services are named by replica number
# (collector:1 is container liveccu-collector-1). Contract: deploy/faults/hooks/local.sh.
#
# The tool reads Kafka's metadata, so it must reach the brokers as they advertise themselves
# (kafka-N:9092, inside the Compose network): run it in a container on that network with the Docker
# socket, e.g.
#   docker run --rm --network liveccu_default -v /var/run/docker.sock:/var/run/docker.sock -v "$PWD":/src -w /src \
#     liveccu:local java -cp '/app/lib/*:/app/liveccu.jar' liveccu.faults.FaultsMain \
#     --bootstrap-servers kafka-1:9092,kafka-2:9092,kafka-3:9092 --hook deploy/faults/hooks/compose.sh kill broker:busiest
# (the image needs the docker CLI for that), or add a host listener to the brokers.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 kill|stop|start broker|collector|aggregator|api ID" >&2; exit 2; }
action=$1 role=$2 id=$3
project=${COMPOSE_PROJECT_NAME:-liveccu}
case "$role" in
  broker) container=$project-kafka-$id-1 ;;
  aggregator) container=$project-aggregator-$id-1 ;;
  collector|api) container=$project-$role-$id ;;
  *) echo "unknown role $role" >&2; exit 2 ;;
esac
case "$action" in
  kill) docker kill --signal KILL "$container" > /dev/null ;;
  stop) docker stop --time 60 "$container" > /dev/null ;;   # SIGTERM, then 60 s (the compose files' stop_grace_period)
  start)
    docker start "$container" > /dev/null
    # healthy = the compose file's healthcheck passed (a broker answers; a service's readiness is 200)
    for _ in $(seq 1 360); do
      [ "$(docker inspect -f '{{.State.Health.Status}}' "$container")" = healthy ] && exit 0
      sleep 0.5
    done
    echo "$container not healthy after 3 minutes" >&2; exit 1 ;;
  *) echo "unknown action $action" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A hook of `./liveccu faults --hook` for deploy/kubernetes (namespace liveccu) and a Strimzi Kafka
# cluster (an EXAMPLE: not run by the tests; no Kubernetes cluster on the machine that wrote it).
# Contract: deploy/faults/hooks/local.sh.
#
# On Kubernetes a killed or stopped pod is recreated by its controller at once: `kill` deletes it
# with no grace period (SIGKILL), `stop` deletes it gracefully, and `start` only waits until the new
# pod is Ready. So `kill broker:2` followed by `restart broker:2` behaves as kill -9 and an automatic
# restart; to keep a broker down for good, scale its node pool or cordon its node instead.
#
# IDs: a broker is its Kafka node id (Strimzi pod KAFKA_CLUSTER-POOL-ID, e.g. my-cluster-broker-2); an
# aggregator is its StatefulSet ordinal (aggregator:0 is pod aggregator-0); a collector or an api is
# its pod's name (kubectl -n liveccu get pods -l app.kubernetes.io/component=collector).
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 kill|stop|start broker|collector|aggregator|api ID" >&2; exit 2; }
action=$1 role=$2 id=$3
case "$role" in
  broker) ns=${KAFKA_NAMESPACE:-kafka}; pod=${KAFKA_POD_PREFIX:-my-cluster-broker-}$id ;;
  aggregator) ns=${LIVECCU_NAMESPACE:-liveccu}; pod=aggregator-$id ;;
  collector|api) ns=${LIVECCU_NAMESPACE:-liveccu}; pod=$id ;;
  *) echo "unknown role $role" >&2; exit 2 ;;
esac
case "$action" in
  kill) kubectl -n "$ns" delete pod "$pod" --grace-period=0 --force --wait=true ;;
  stop) kubectl -n "$ns" delete pod "$pod" --wait=true ;;
  start)
    case "$role" in
      collector|api) echo "a $role pod comes back under a new name: find it with kubectl -n $ns get pods" >&2 ;;
      *) kubectl -n "$ns" wait --for=condition=Ready "pod/$pod" --timeout=300s ;;
    esac ;;
  *) echo "unknown action $action" >&2; exit 2 ;;
esac

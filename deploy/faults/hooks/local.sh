#!/usr/bin/env bash
# The hook contract of `./liveccu faults --hook`, shown on the local cluster of `./liveccu cluster`
# (which the tool also drives without a hook: `--local DIR`). Copy it and replace the three actions
# with your platform's: the tool calls
#
#   HOOK kill|stop|start broker|collector|aggregator|api ID
#
# and waits for it. It must return only when the action is done — kill: the node is gone (SIGKILL,
# no shutdown); stop: a graceful stop has finished (a broker moves its leadership away first); start:
# the node runs again with its data (the tool then waits for a broker to be back in sync itself) —
# and exit non-zero when it could not do it. A broker's ID is its Kafka node id; a service's ID is
# whatever names one instance on your platform (a pod, a container, a host).
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 kill|stop|start broker|collector|aggregator|api ID" >&2; exit 2; }
action=$1 role=$2 id=$3
dir=${CCU_CLUSTER_DIR:?set CCU_CLUSTER_DIR to the directory of ./liveccu cluster}
node="$dir/$role-$id"
[ -f "$node.start" ] || { echo "no $role $id in $dir" >&2; exit 1; }
pid=$(cat "$node.pid" 2>/dev/null || true)

gone() { ! kill -0 "$pid" 2>/dev/null; }
wait_gone() { # seconds
  for _ in $(seq 1 $(($1 * 10))); do gone && return 0; sleep 0.1; done
  return 1
}

case "$action" in
  kill)
    [ -n "$pid" ] && ! gone && kill -KILL "$pid" && wait_gone 30 ;;
  stop)
    if [ -n "$pid" ] && ! gone; then
      kill -TERM "$pid"
      wait_gone 120 || { kill -KILL "$pid"; echo "$role $id did not stop within 120 s; killed" >&2; exit 1; }
    fi ;;
  start)
    [ -n "$pid" ] && ! gone && { echo "$role $id is already running (pid $pid)" >&2; exit 1; }
    from=$(stat -c %s "$node.log" 2>/dev/null || echo 0)
    setsid bash "$node.start" >> "$node.log" 2>&1 < /dev/null &
    echo $! > "$node.pid"
    # Serving once it logged its port (every node does: "listening on port N", "health and metrics on port N")…
    for _ in $(seq 1 1800); do
      tail -c +"$((from + 1))" "$node.log" | grep -Eq '(listening|health and metrics) on port [0-9]+[^0-9]' && break
      kill -0 "$(cat "$node.pid")" 2>/dev/null || { echo "$role $id exited while starting; see $node.log" >&2; exit 1; }
      sleep 0.1
    done
    # … and, for a service, once its readiness answers 200.
    if [ "$role" != broker ]; then
      for _ in $(seq 1 1800); do
        curl -sf -o /dev/null "http://127.0.0.1:$(cat "$node.port")/health/ready" && exit 0
        sleep 0.1
      done
      echo "$role $id not ready after 3 minutes; see $node.log" >&2; exit 1
    fi ;;
  *) echo "unknown action $action" >&2; exit 2 ;;
esac

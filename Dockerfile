# syntax=docker/dockerfile:1
#
# One image for every live CCU service: SERVICE_MAIN picks which main class runs.
#
#   docker build -t liveccu .
#   docker run --rm -p 8080:8080 -p 8081:8081 liveccu                                   # all-in-one, embedded broker
#   docker run --rm -p 8080:8080 -p 8081:8081 -p 8083:8083 \
#              -e CCU_TOKEN_SECRET="$(openssl rand -hex 32)" liveccu                    # … and the sessions service
#   docker run --rm -e SERVICE_MAIN=liveccu.collector.CollectorMain \
#              -e KAFKA_BOOTSTRAP_SERVERS=kafka-1:9092 liveccu                          # one service
#
# Arguments after the image name go to the main class (e.g. the simulator's options).
# deploy/README.md is the operator's guide.

# ---- build: the same `./mvnw package` as ./liveccu -----------------------------------------------
FROM eclipse-temurin:17-jdk AS build
# The Maven Wrapper's first run downloads the pinned Maven (.mvn/wrapper) and unzips it.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl unzip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .dockerignore keeps target/, data/, .git and the deployment files out of the context, so editing
# those does not rebuild the jars.
COPY . .
# The cache mount keeps ~/.m2 (dependencies and the wrapper's Maven) between builds (BuildKit): a
# source change does not download everything again. Tests run in CI (`./liveccu test`), not here.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests package

# ---- run ----------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# curl for container health checks (docker-compose.yml); a no-op where the base image has it.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*

# A fixed, numeric non-root user, so that Kubernetes' runAsNonRoot can check it and fsGroup /
# volume ownership line up (deploy/kubernetes uses uid/gid 10001 too).
RUN groupadd --gid 10001 liveccu \
 && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin liveccu

WORKDIR /app
# /app/data is the one writable place: the Streams state of the aggregator (CCU_STATE_DIR) and of
# the sessions service (CCU_SESSIONS_STATE_DIR), and the all-in-one's embedded broker
# (CCU_DATA_DIR=data). A new Docker named volume mounted here takes over this ownership; in
# Kubernetes, the pod's fsGroup makes the volume writable.
RUN mkdir -p /app/data && chown 10001:10001 /app/data

# The runtime class path of every service: lib/* (dependencies and our module jars) + liveccu.jar.
COPY --from=build /src/all-in-one/target/lib/ /app/lib/
COPY --from=build /src/all-in-one/target/liveccu.jar /app/liveccu.jar

USER 10001:10001

# MaxRAMPercentage sizes the heap from the container's memory limit; on an OutOfMemoryError the
# process exits and the orchestrator restarts it, rather than limping on.
ENV SERVICE_MAIN=liveccu.allinone.AllInOne \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

# collector, query API, aggregator (health and metrics only), sessions service
EXPOSE 8080 8081 8082 8083

# exec: java becomes PID 1 and receives SIGTERM itself, so the services stop gracefully.
# The class path is quoted: java expands lib/*, not the shell. "liveccu" is $0; "$@" are the
# arguments given after the image name.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/app/lib/*:/app/liveccu.jar' \"$SERVICE_MAIN\" \"$@\"", "liveccu"]

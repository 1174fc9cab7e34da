# Herald in a container. Not built by CI (our machines have no Docker engine); keep it as simple as bin/herald.
#   docker build -t herald .
#   docker run -p 8080:8080 -v herald-data:/data herald       # embedded default (its ops port stays on loopback)
#   docker run -e HERALD_CONFIG=/config/herald.yaml -v $PWD/herald.yaml:/config/herald.yaml:ro \
#              -v herald-data:/data -p 8080:8080 -p 127.0.0.1:8081:8081 herald   # with server.ops_bind: 0.0.0.0
#   docker run --rm -v $PWD/herald.yaml:/h.yaml:ro herald check --config /h.yaml     # validate a config
#   docker run --rm herald key --name backend --permissions messages.send             # make an API key
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN mvn -q -DskipTests -pl gateway -am package

FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --no-create-home herald && mkdir -p /data && chown herald /data
# The same layout as a checkout, so bin/herald starts it (and finds nothing to build).
COPY --from=build /src/bin /opt/herald/bin
COPY --from=build /src/gateway/target/herald.jar /opt/herald/gateway/target/herald.jar
COPY --from=build /src/gateway/target/lib /opt/herald/gateway/target/lib
# The working directory is /, so the embedded default's ./data is the /data volume.
WORKDIR /
USER herald
VOLUME ["/data"]
EXPOSE 8080 8081
ENV HERALD_CONFIG=""
# Ready means the journal can write and Herald takes traffic. The JRE image has bash but no curl: ask /readyz on
# the ops port over /dev/tcp (set HERALD_OPS_PORT when server.ops_port is not 8081).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HERALD_OPS_PORT:-8081} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
# bin/herald itself: the same JVM options, and the heap from the container's memory limit (half of it;
# HERALD_HEAP overrides), so `docker run -m 512m` just works.
ENTRYPOINT ["/opt/herald/bin/herald"]

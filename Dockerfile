# Herald in a container. Not built by CI (our machines have no Docker engine); keep it as simple as bin/herald.
#   docker build -t herald .
#   docker run -p 8080:8080 -p 8081:8081 -v herald-data:/data herald                  # embedded default
#   docker run -e HERALD_CONFIG=/config/herald.yaml -v $PWD/herald.yaml:/config/herald.yaml:ro \
#              -v herald-data:/data -p 8080:8080 -p 8081:8081 herald
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
# bin/herald itself: the same JVM options, and the heap from the container's memory limit (half of it;
# HERALD_HEAP overrides), so `docker run -m 512m` just works.
ENTRYPOINT ["/opt/herald/bin/herald"]

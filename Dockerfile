# OMS Edge: one image, every role. `docker run IMAGE auth --config /etc/oms/config.yaml`
# (the role is the first argument; see helm/oms for how each Deployment runs it).

# Build: the Swift toolchain on Debian 12, with the -dev packages of the C libraries the
# wrappers use (the same list as scripts/install-deps.sh). 6.2 at least: swift-otel's manifest
# needs it.
FROM swift:6.2-bookworm AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libssl-dev libcurl4-openssl-dev libxml2-dev libhiredis-dev librdkafka-dev libsqlite3-dev zlib1g-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest names the test and benchmark targets too: they must be present to build.
COPY Package.swift ./
COPY Sources ./Sources
COPY Benchmarks ./Benchmarks
COPY Tests ./Tests
RUN swift build -c release --product oms --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/oms" /out/oms

# Run: Debian 12 slim with the runtime libraries only. librdkafka1 is Debian's 2.0.2, fine for
# a real Kafka; the tests use a newer one only because their in-memory broker needs it.
FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libssl3 libcurl4 libxml2 libhiredis0.14 librdkafka1 libsqlite3-0 libstdc++6 zlib1g ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 oms && useradd --uid 10001 --gid oms --no-create-home --shell /usr/sbin/nologin oms
COPY --from=build /out/oms /usr/local/bin/oms
# The SOAP bridge's policies and the Thunderhead WSDL (values.yaml: policies: /opt/oms/sidecars).
COPY sidecars /opt/oms/sidecars
# The attack suite's catalog, found next to the binary (oms conformance runs from any folder).
COPY conformance/cases /opt/oms/conformance/cases
WORKDIR /tmp
USER 10001:10001
ENV TZ=UTC
EXPOSE 8081 8082 8083 8084
ENTRYPOINT ["oms"]
CMD ["--help"]

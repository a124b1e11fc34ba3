# castgraph's image: built with the Go toolchain, run from distroless as a
# non-root user. compose.yaml runs it with Neo4j 5.26 and wires the health
# checks (distroless has no shell, so the image's own HEALTHCHECK could not
# run one: `castgraph probe` is the check). deploy/ tests the binary this
# builds, with these flags and this entrypoint, against a real Neo4j.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags=-s -o /out/castgraph ./cmd/castgraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/castgraph /castgraph
USER nonroot:nonroot
# Every interface inside the container (the port mapping decides who
# reaches it); metrics on their own port; production settings.
ENV CASTGRAPH_ADDR=:8080 CASTGRAPH_METRICS_ADDR=:9090 CASTGRAPH_INTROSPECTION=off CASTGRAPH_LOG_FORMAT=json
EXPOSE 8080 9090
ENTRYPOINT ["/castgraph"]
CMD ["serve"]

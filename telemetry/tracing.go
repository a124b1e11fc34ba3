package telemetry

import (
	"context"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// TracingConfigured says whether the environment asks for traces: the
// standard OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
// is set and OTEL_SDK_DISABLED is not true.
func TracingConfigured() bool {
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") {
		return false
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// SetupTracing makes the tracer provider the environment asks for: spans
// exported over OTLP/HTTP (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT, with
// the exporter's other standard variables (headers, timeout, TLS) and
// OTEL_TRACES_SAMPLER honoured; without an endpoint, a provider that records
// nothing. shutdown flushes the spans still queued. The queue is the SDK's
// batch processor's: at most 2 048 spans wait, more are dropped, so a
// collector that is down costs no memory beyond that.
func SetupTracing(ctx context.Context, version string) (tp trace.TracerProvider, shutdown func(context.Context) error, err error) {
	if !TracingConfigured() {
		return noop.NewTracerProvider(), func(context.Context) error { return nil }, nil
	}
	proto := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if proto == "" {
		proto = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	if proto != "" && proto != "http/protobuf" {
		return nil, nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q: castgraph exports traces over http/protobuf only", proto)
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	res, err := serviceResource(version)
	if err != nil {
		return nil, nil, err
	}
	sdk := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return sdk, sdk.Shutdown, nil
}

// serviceResource names the service castgraph unless OTEL_SERVICE_NAME or
// OTEL_RESOURCE_ATTRIBUTES say otherwise.
func serviceResource(version string) (*resource.Resource, error) {
	attrs := []attribute.KeyValue{attribute.String("service.version", version)}
	if os.Getenv("OTEL_SERVICE_NAME") == "" && !strings.Contains(os.Getenv("OTEL_RESOURCE_ATTRIBUTES"), "service.name=") {
		attrs = append(attrs, attribute.String("service.name", "castgraph"))
	}
	return resource.Merge(resource.Default(), resource.NewSchemaless(attrs...))
}

// Version is the binary's module version from its build information.
func Version() string {
	if v := buildVersion(); v != "" {
		return v
	}
	return "unknown"
}

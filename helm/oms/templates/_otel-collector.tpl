{{/* The OpenTelemetry Collector's config.yaml: OTLP in, Azure Monitor out. */}}
{{- define "oms.otelCollectorConfig" -}}
extensions:
  # The probes' target; 0.0.0.0 because the kubelet is not on the pod's loopback.
  health_check:
    endpoint: 0.0.0.0:13133
receivers:
  otlp:
    protocols:
      http:
        endpoint: 0.0.0.0:4318
      grpc:
        endpoint: 0.0.0.0:4317
processors:
  # First in every pipeline: refuses data before the container's memory limit is reached.
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 25
  batch: {}
exporters:
  azuremonitor:
    # Expanded by the collector from the Secret's variable: never in this ConfigMap.
    connection_string: ${env:APPLICATIONINSIGHTS_CONNECTION_STRING}
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [azuremonitor]
    metrics:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [azuremonitor]
    logs:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [azuremonitor]
{{- end -}}

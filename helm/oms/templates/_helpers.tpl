{{- define "oms.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "oms.labels" -}}
app.kubernetes.io/part-of: oms-edge
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one role: (dict "root" $ "role" "auth") */}}
{{- define "oms.selector" -}}
app.kubernetes.io/name: oms-{{ .role }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* The auth Service's /auth, as ingress-nginx reaches it. */}}
{{- define "oms.authURL" -}}
http://{{ include "oms.fullname" . }}-auth.{{ .Release.Namespace }}.svc.cluster.local:{{ .Values.roles.auth.port }}/auth
{{- end -}}

{{/* The OMS_* variable that overrides a configuration key (redis.password_file →
OMS_REDIS_PASSWORD_FILE), as the roles name it. */}}
{{- define "oms.envName" -}}
{{- printf "OMS_%s" (. | upper | replace "." "_" | replace "-" "_") -}}
{{- end -}}

{{/* The OpenTelemetry Collector's objects: 48 + "-otel-collector" stays within a DNS label. */}}
{{- define "oms.otelCollector" -}}
{{- printf "%s-otel-collector" (include "oms.fullname" . | trunc 48 | trimSuffix "-") -}}
{{- end -}}

{{/* Where the roles send OTLP/HTTP: the chart's collector when enabled, otherwise
otel.endpoint; empty when tracing is off. */}}
{{- define "oms.otelEndpoint" -}}
{{- if .Values.otel.collector.enabled -}}
{{- printf "http://%s:4318" (include "oms.otelCollector" .) -}}
{{- else -}}
{{- .Values.otel.endpoint -}}
{{- end -}}
{{- end -}}

{{/* The class and TLS of each of the chart's Ingresses (under `spec:`). */}}
{{- define "oms.ingressClassAndTLS" -}}
ingressClassName: {{ .Values.ingress.className }}
{{- with .Values.ingress.tls }}
tls:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

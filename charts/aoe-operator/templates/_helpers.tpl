{{/*
Names are fixed: one installation per cluster, and the operator looks for its Lease and the
engine's ServiceAccount by these names.
*/}}
{{- define "aoe.operatorName" -}}aoe-operator{{- end }}
{{- define "aoe.engineName" -}}aoe-engine{{- end }}

{{/* Labels of every object. */}}
{{- define "aoe.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: aoe-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of the operator pod. */}}
{{- define "aoe.operatorSelectorLabels" -}}
app.kubernetes.io/name: aoe-operator
app.kubernetes.io/component: operator
{{- end }}

{{/* The operator's image. */}}
{{- define "aoe.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The engine's image: engine.image, else the operator's. */}}
{{- define "aoe.engineImage" -}}
{{ .Values.engine.image | default (include "aoe.image" .) }}
{{- end }}

{{/* Combinations values.schema.json cannot say clearly. */}}
{{- define "aoe.validate" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.service.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.service.enabled=true: the ServiceMonitor scrapes that Service" }}
{{- end }}
{{- end }}

{{/* A map as key=value pairs joined by commas, sorted by key: a list for the operator's config. */}}
{{- define "aoe.keyValues" -}}
{{- $pairs := list }}
{{- range $k, $v := . }}
{{- $pairs = append $pairs (printf "%s=%s" $k $v) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/* The engines' extra environment as JSON: logging.json's switch, then engine.extraEnv (which wins). */}}
{{- define "aoe.engineExtraEnv" -}}
{{- $env := list }}
{{- if .Values.logging.json }}
{{- $env = append $env (dict "name" "QUARKUS_LOG_CONSOLE_JSON_ENABLED" "value" "true") }}
{{- end }}
{{- range .Values.engine.extraEnv }}
{{- $env = append $env . }}
{{- end }}
{{- $env | toJson }}
{{- end }}

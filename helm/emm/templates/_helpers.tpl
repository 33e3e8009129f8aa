{{/* Chart name, truncated to a DNS label. */}}
{{- define "emm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped base name for every object. */}}
{{- define "emm.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "emm.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "emm.labels" -}}
helm.sh/chart: {{ include "emm.chart" . }}
app.kubernetes.io/name: {{ include "emm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: emm
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of the release (all components). */}}
{{- define "emm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "emm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component: (dict "root" $ "component" "trainer"). */}}
{{- define "emm.componentLabels" -}}
{{ include "emm.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "emm.componentSelectorLabels" -}}
{{ include "emm.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "emm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "emm.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Kafka bootstrap servers: the bundled broker or the required external list. */}}
{{- define "emm.kafkaBootstrap" -}}
{{- if .Values.kafka.bundled.enabled }}
{{- printf "%s-kafka:9092" (include "emm.fullname" .) }}
{{- else }}
{{- required "kafka.bootstrapServers is required unless kafka.bundled.enabled=true" .Values.kafka.bootstrapServers }}
{{- end }}
{{- end }}

{{/* S3 endpoint: the bundled MinIO or the required external URL. */}}
{{- define "emm.storeEndpoint" -}}
{{- if .Values.minio.bundled.enabled }}
{{- printf "http://%s-minio:9000" (include "emm.fullname" .) }}
{{- else }}
{{- required "store.endpoint is required unless minio.bundled.enabled=true" .Values.store.endpoint }}
{{- end }}
{{- end }}

{{- define "emm.storeSecret" -}}
{{- required "store.existingSecret is required: create a Secret with the S3 access key and secret key (see the chart's NOTES)" .Values.store.existingSecret }}
{{- end }}

{{/* Topic replication factor: 1 on the bundled single broker. */}}
{{- define "emm.topicReplicas" -}}
{{- if .Values.kafka.bundled.enabled }}1{{ else }}{{ .Values.topics.replicas }}{{ end }}
{{- end }}

{{/* Partitions of one topic: (dict "root" $ "topic" "emm.train.requests"). */}}
{{- define "emm.topicPartitions" -}}
{{- if eq .topic "emm.train.requests" }}{{ .root.Values.topics.trainRequestsPartitions }}{{ else }}{{ .root.Values.topics.partitions }}{{ end }}
{{- end }}

{{/* Image of one service: (dict "root" $ "svc" $svc). */}}
{{- define "emm.serviceImage" -}}
{{- $tag := .svc.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- if .svc.gpu.enabled }}{{ $tag = printf "%s%s" $tag .svc.gpu.imageTagSuffix }}{{ end }}
{{- printf "%s/%s:%s" .root.Values.image.registry .svc.image.repository $tag }}
{{- end }}

{{/* Kafka client env shared by the services and the topic Job. */}}
{{- define "emm.kafkaSecretEnv" -}}
{{- if .Values.kafka.security.jaasConfigSecret.name }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.security.jaasConfigSecret.name }}
      key: {{ .Values.kafka.security.jaasConfigSecret.key }}
{{- end }}
{{- end }}

{{/* Pod-level volumes every EMM pod mounts (read-only root file system). */}}
{{- define "emm.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 1Gi
{{- end }}

{{/* topics.config as "k=v k=v" for create-topics.sh. */}}
{{- define "emm.topicConfigArgs" -}}
{{- $parts := list }}
{{- range $k, $v := .Values.topics.config }}{{ $parts = append $parts (printf "%s=%v" $k $v) }}{{ end }}
{{- join " " $parts }}
{{- end }}

{{/* CA certificates of tls.kafka and tls.store that are set: (list "kafka" "store") filtered. */}}
{{- define "emm.tlsUses" -}}
{{- range $use := list "kafka" "store" }}
{{- $ca := index $.Values.tls $use }}
{{- if and $ca.caSecret $ca.caConfigMap }}
{{- fail (printf "tls.%s: set caSecret or caConfigMap, not both" $use) }}
{{- end }}
{{- if or $ca.caSecret $ca.caConfigMap }}{{ $use }} {{ end }}
{{- end }}
{{- end }}

{{/* Where a CA certificate is mounted: (dict "use" "kafka"). Always the file ca.crt. */}}
{{- define "emm.tlsCaFile" -}}
/etc/emm/tls/{{ .use }}/ca.crt
{{- end }}

{{/* Read-only mounts of the configured CA certificates. */}}
{{- define "emm.tlsVolumeMounts" -}}
{{- range $use := include "emm.tlsUses" . | splitList " " | compact }}
- name: {{ $use }}-ca
  mountPath: /etc/emm/tls/{{ $use }}
  readOnly: true
{{- end }}
{{- end }}

{{/* Volumes of the configured CA certificates, each key mapped to the file ca.crt. */}}
{{- define "emm.tlsVolumes" -}}
{{- range $use := include "emm.tlsUses" . | splitList " " | compact }}
{{- $ca := index $.Values.tls $use }}
- name: {{ $use }}-ca
  {{- if $ca.caSecret }}
  secret:
    secretName: {{ $ca.caSecret }}
  {{- else }}
  configMap:
    name: {{ $ca.caConfigMap }}
  {{- end }}
    items:
      - key: {{ $ca.caKey }}
        path: ca.crt
{{- end }}
{{- end }}

{{/* The orchestrator's REST API settings: upload limit and the optional bearer token. */}}
{{- define "emm.apiEnv" -}}
- name: QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE
  value: {{ .Values.api.maxBodySize | quote }}
{{- if .Values.api.tokenSecret.name }}
- name: EMM_API_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.api.tokenSecret.name }}
      key: {{ .Values.api.tokenSecret.key }}
{{- end }}
{{- end }}

{{/*
kubectl run --overrides for the helper pods NOTES.txt suggests: Pod Security "restricted" (the
Kafka image's user 1000, no privilege escalation, no capabilities, RuntimeDefault seccomp).
Strategic merge joins the container by its name, which kubectl run sets to the pod's name.
*/}}
{{- define "emm.helperPodOverrides" -}}
{{- $pod := dict "securityContext" (dict "runAsNonRoot" true "runAsUser" 1000 "runAsGroup" 1000 "seccompProfile" (dict "type" "RuntimeDefault")) "automountServiceAccountToken" false }}
{{- $container := dict "name" . "securityContext" (dict "allowPrivilegeEscalation" false "runAsNonRoot" true "capabilities" (dict "drop" (list "ALL")) "seccompProfile" (dict "type" "RuntimeDefault")) }}
{{- $_ := set $pod "containers" (list $container) }}
{{- dict "apiVersion" "v1" "spec" $pod | toJson }}
{{- end }}

{{/*
libtorch intra-op threads (EMM_TORCH_THREADS) of a compute service: its CPU request, the cores the
scheduler guarantees it while its neighbours compute too, rounded down, at least 1; its CPU limit
when it requests none. More threads than guaranteed cores park and wake around every parallel
region and wait for descheduled ones (docs/BENCHMARKS.md, "Thread plan"). Takes the service's
resources; empty when neither is set (then the JVM's processor count, from the limit).
*/}}
{{- define "emm.torchThreads" -}}
{{- $cpu := "" }}
{{- with .requests }}{{ with .cpu }}{{ $cpu = toString . }}{{ end }}{{ end }}
{{- if not $cpu }}{{ with .limits }}{{ with .cpu }}{{ $cpu = toString . }}{{ end }}{{ end }}{{ end }}
{{- if $cpu }}
{{- if hasSuffix "m" $cpu }}
{{- max 1 (div (trimSuffix "m" $cpu | int64) 1000) }}
{{- else }}
{{- max 1 (floor (float64 $cpu) | int64) }}
{{- end }}
{{- end }}
{{- end }}

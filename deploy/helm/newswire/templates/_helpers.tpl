{{/* Name of the chart, or nameOverride. */}}
{{- define "newswire.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-<name>, or fullnameOverride; at most 52 characters so suffixes fit. */}}
{{- define "newswire.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "newswire.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every resource. */}}
{{- define "newswire.labels" -}}
helm.sh/chart: {{ include "newswire.chart" . }}
app.kubernetes.io/name: {{ include "newswire.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: newswire
{{- end -}}

{{/* Selector labels of one component: include "newswire.selectorLabels" (dict "ctx" . "component" "poll") */}}
{{- define "newswire.selectorLabels" -}}
app.kubernetes.io/name: {{ include "newswire.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "newswire.componentLabels" -}}
{{ include "newswire.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "newswire.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "newswire.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "newswire.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "newswire.secretName" -}}
{{- if .Values.secret.create -}}
{{- include "newswire.fullname" . -}}
{{- else -}}
{{- required "secret.existingSecret is required when secret.create is false" .Values.secret.existingSecret -}}
{{- end -}}
{{- end -}}

{{/* Environment of every newswire container. */}}
{{- define "newswire.env" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: NEWSWIRE_KAFKA_BROKERS
  value: {{ required "kafka.brokers is required" .Values.kafka.brokers | quote }}
- name: NEWSWIRE_HTTP
  value: {{ printf "0.0.0.0:%d" (int .Values.httpPort) | quote }}
- name: NEWSWIRE_LOG_FORMAT
  value: json
{{- if or (not .Values.secret.create) .Values.secret.kafkaSaslPassword }}
- name: NEWSWIRE_KAFKA__CLIENT__SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "newswire.secretName" . }}
      key: {{ .Values.secret.keys.kafkaSaslPassword }}
      optional: true
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Ports and probes of every newswire container. */}}
{{- define "newswire.portsAndProbes" -}}
ports:
  - name: http
    containerPort: {{ .Values.httpPort }}
    protocol: TCP
startupProbe:
  httpGet:
    path: /livez
    port: http
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /livez
    port: http
  periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
{{- end -}}

{{/* Pod-level settings shared by every stage. */}}
{{- define "newswire.podSpecCommon" -}}
serviceAccountName: {{ include "newswire.serviceAccountName" . }}
terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Pod annotations: the config's checksum rolls the pods when it changes. */}}
{{- define "newswire.podAnnotations" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if .Values.secret.create }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

variable "watch_namespaces" {
  type        = list(string)
  description = "Namespaces whose FlinkDeployment and Kafka resources the Flink and Strimzi operators reconcile. They must exist first: the charts put their roles there (the Flink chart also the `flink` service account that the Flink pods run as)."

  validation {
    condition     = length(var.watch_namespaces) > 0 && alltrue([for ns in var.watch_namespaces : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ns))])
    error_message = "Give at least one namespace; each must be a Kubernetes namespace name."
  }
}

variable "flink_operator" {
  type = object({
    namespace = optional(string, "flink-operator")
    version   = optional(string, "1.10.0")
    # The chart is published per release under this address; archive.apache.org keeps them all.
    repository = optional(string, "https://archive.apache.org/dist/flink/flink-kubernetes-operator-%s/")
    # The admission webhook needs cert-manager; without it the operator still validates on reconcile.
    webhook = optional(bool, false)
  })
  description = "Flink Kubernetes Operator release: namespace, chart version, chart repository (%s stands for the version) and whether to install its admission webhook (needs cert-manager)."
  default     = {}
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.flink_operator.version))
    error_message = "flink_operator.version is an exact chart version such as 1.10.0."
  }
}

variable "strimzi" {
  type = object({
    namespace  = optional(string, "strimzi")
    version    = optional(string, "0.45.0")
    repository = optional(string, "https://strimzi.io/charts/")
  })
  description = "Strimzi Kafka operator release: namespace, chart version and chart repository. Strimzi 0.45 runs Kafka 3.9 in KRaft mode with KafkaNodePools."
  default     = {}
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.strimzi.version))
    error_message = "strimzi.version is an exact chart version such as 0.45.0."
  }
}

variable "cloudnative_pg" {
  type = object({
    namespace  = optional(string, "cnpg-system")
    version    = optional(string, "0.23.0")
    repository = optional(string, "https://cloudnative-pg.github.io/charts")
  })
  description = "CloudNativePG operator release: namespace, chart version (0.23.0 is operator 1.25.0) and chart repository. The operator watches all namespaces."
  default     = {}
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.cloudnative_pg.version))
    error_message = "cloudnative_pg.version is an exact chart version such as 0.23.0."
  }
}

variable "timeout_seconds" {
  type        = number
  description = "How long each chart install or upgrade may take before it counts as failed (and is rolled back)."
  default     = 600

  validation {
    condition     = var.timeout_seconds >= 60
    error_message = "timeout_seconds must be at least 60."
  }
}

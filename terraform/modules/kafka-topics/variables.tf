variable "namespace" {
  type        = string
  description = "Namespace of the Strimzi Kafka cluster; the KafkaTopic resources go there."

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace)) && length(var.namespace) <= 63
    error_message = "namespace must be a Kubernetes namespace name (DNS label)."
  }
}

variable "cluster_name" {
  type        = string
  description = "Name of the Strimzi Kafka resource whose Topic Operator manages these topics (the strimzi.io/cluster label)."
}

variable "topics" {
  type = map(object({
    partitions = optional(number, 6)
    replicas   = optional(number, 3)
    config     = optional(map(string), {})
  }))
  description = "Kafka topics by topic name (e.g. dctwin.metrics): partitions, replication factor and topic configuration (e.g. { \"retention.ms\" = \"604800000\" })."

  validation {
    condition     = alltrue([for name in keys(var.topics) : can(regex("^[a-z0-9][a-z0-9.-]{0,240}[a-z0-9]$", name))])
    error_message = "Topic names are lowercase letters, digits, dots and dashes (they also name the KafkaTopic resource, with dots as dashes)."
  }

  validation {
    condition     = alltrue([for topic in values(var.topics) : topic.partitions >= 1 && topic.replicas >= 1 && floor(topic.partitions) == topic.partitions && floor(topic.replicas) == topic.replicas])
    error_message = "partitions and replicas are whole numbers of at least 1."
  }
}

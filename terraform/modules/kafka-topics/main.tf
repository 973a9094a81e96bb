# One Strimzi KafkaTopic per topic. The resource is named after the topic with dots as dashes;
# spec.topicName keeps the real name, dots included.
resource "kubernetes_manifest" "topic" {
  for_each = var.topics

  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "KafkaTopic"
    metadata = {
      name      = replace(each.key, ".", "-")
      namespace = var.namespace
      labels = {
        "strimzi.io/cluster"           = var.cluster_name
        "app.kubernetes.io/part-of"    = "dctwin"
        "app.kubernetes.io/managed-by" = "terraform"
      }
    }
    # An empty config map would come back from the API server as absent: leave it out instead.
    spec = merge(
      {
        topicName  = each.key
        partitions = each.value.partitions
        replicas   = each.value.replicas
      },
      length(each.value.config) == 0 ? {} : { config = each.value.config },
    )
  }
}

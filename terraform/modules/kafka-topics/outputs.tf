output "topic_names" {
  description = "The Kafka topic names, sorted."
  value       = sort(keys(var.topics))
}

output "resource_names" {
  description = "KafkaTopic resource name by topic name (kubectl -n <namespace> get kafkatopic <name>)."
  value       = { for name, topic in kubernetes_manifest.topic : name => topic.manifest.metadata.name }
}

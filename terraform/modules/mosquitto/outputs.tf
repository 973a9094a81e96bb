output "service_name" {
  description = "Name of the broker's Service."
  value       = kubernetes_service_v1.broker.metadata[0].name
}

output "host" {
  description = "In-cluster DNS name of the broker."
  value       = "${kubernetes_service_v1.broker.metadata[0].name}.${var.namespace}.svc"
}

output "uri" {
  description = "In-cluster MQTT URI of the broker (ssl://host:port: TLS only)."
  value       = "ssl://${kubernetes_service_v1.broker.metadata[0].name}.${var.namespace}.svc:${var.port}"
}

output "port_forward_command" {
  description = "Command that makes the broker reachable on localhost for mosquitto_pub/mosquitto_sub."
  value       = "kubectl -n ${var.namespace} port-forward svc/${kubernetes_service_v1.broker.metadata[0].name} ${var.port}:${var.port}"
}

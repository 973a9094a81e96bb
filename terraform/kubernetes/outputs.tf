output "flink_ui_port_forward" {
  description = "Run this, then open http://localhost:8081 for the Flink UI of the job."
  value       = "kubectl -n ${var.namespace} port-forward svc/${var.flink_deployment_name}-rest 8081:8081"
}

output "flink_ui_url" {
  description = "Flink UI address: the Ingress host when ingress is set, else localhost through flink_ui_port_forward."
  value       = var.ingress == null ? "http://localhost:8081" : "http://${var.ingress.host}/"
}

output "flink_job_status_command" {
  description = "Shows the job's lifecycle state, job state and last savepoint as the operator sees them."
  value       = "kubectl -n ${var.namespace} get flinkdeployment ${var.flink_deployment_name} -o wide && kubectl -n ${var.namespace} get flinkdeployment ${var.flink_deployment_name} -o jsonpath='{.status.jobStatus.savepointInfo.lastSavepoint.location}{\"\\n\"}'"
}

output "flink_args" {
  description = "The job's arguments: run and the flags of runner-configs/flink-cluster.flags with this deployment's overrides and extras."
  value       = concat(["run"], module.flink_flags.args)
}

output "flink_checkpoint_storage" {
  description = "Where checkpoints, savepoints and HA metadata go (a file:// path on the checkpoint PVC, or the object store)."
  value = {
    checkpoints = local.checkpoints_uri
    savepoints  = "${local.storage_base}/savepoints"
    ha          = "${local.storage_base}/ha"
    pvc         = local.use_pvc ? "${var.flink_deployment_name}-checkpoints" : null
  }
}

output "kafka_bootstrap_servers" {
  description = "In-cluster Kafka bootstrap address (the TLS listener, SCRAM-SHA-512)."
  value       = local.kafka_bootstrap
}

output "kafka_users" {
  description = "KafkaUser (and Secret, with password and sasl.jaas.config) of each client: pipeline, mqtt_bridge, prometheus, alertmanager_relay."
  value       = local.kafka_users
}

output "kafka_ca_secret" {
  description = "Secret with the CA of Strimzi's cluster (ca.crt) that clients trust."
  value       = "${var.kafka_cluster_name}-cluster-ca-cert"
}

output "kafka_topics" {
  description = "dctwin's Kafka topics."
  value       = module.kafka_topics.topic_names
}

output "postgres_host" {
  description = "In-cluster host of the PostgreSQL primary (read-write Service), port 5432."
  value       = local.postgres_host
}

output "postgres_jdbc_url" {
  description = "JDBC URL of dctwin's database (user postgres_user; password in the Secret postgres_secret_name)."
  value       = local.postgres_jdbc_url
}

output "postgres_secret_name" {
  description = "basic-auth Secret with the database user and password."
  value       = kubernetes_secret_v1.postgres_app.metadata[0].name
}

output "postgres_port_forward" {
  description = "Run this to reach the database on localhost:5432 (psql -h localhost -U <postgres_user> <postgres_database>)."
  value       = "kubectl -n ${var.namespace} port-forward svc/${var.postgres_cluster_name}-rw 5432:5432"
}

output "mqtt_uri" {
  description = "In-cluster MQTT URI of Mosquitto (ssl://, users mqtt_username and mqtt_device_username)."
  value       = module.mosquitto.uri
}

output "mqtt_port_forward" {
  description = "Run this to reach Mosquitto on localhost:8883 (TLS: mosquitto_pub --cafile <the CA> -h mosquitto.<namespace>.svc needs that name to resolve to 127.0.0.1, or --insecure for a test)."
  value       = module.mosquitto.port_forward_command
}

output "operators" {
  description = "Installed operator charts and their versions."
  value       = module.operators.releases
}

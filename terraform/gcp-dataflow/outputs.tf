output "job_id" {
  description = "Dataflow job ID (gcloud dataflow jobs describe <id> --region <region>)."
  value       = google_dataflow_flex_template_job.dctwin.job_id
}

output "job_name" {
  description = "Dataflow job name; an update of the job keeps it."
  value       = google_dataflow_flex_template_job.dctwin.name
}

output "job_console_url" {
  description = "The job in the Google Cloud console."
  value       = "https://console.cloud.google.com/dataflow/jobs/${var.region}/${google_dataflow_flex_template_job.dctwin.job_id}?project=${var.project_id}"
}

output "job_parameters" {
  description = "Template parameters of the job: the flags of runner-configs/dataflow.flags (less the runtime-environment ones) and pipeline_options."
  value       = local.parameters
}

output "template_spec_path" {
  description = "gs:// path of the Flex Template spec the job was launched from."
  value       = "gs://${google_storage_bucket.dataflow.name}/${google_storage_bucket_object.template_spec.name}"
}

output "bucket" {
  description = "Staging/temp bucket of the job."
  value       = google_storage_bucket.dataflow.name
}

output "service_account_email" {
  description = "Service account the workers run as."
  value       = google_service_account.dataflow.email
}

output "cloudsql_instance_connection_name" {
  description = "Cloud SQL instance connection name (project:region:instance), for the Cloud SQL connectors and Auth Proxy."
  value       = google_sql_database_instance.dctwin.connection_name
}

output "cloudsql_private_ip" {
  description = "Private IP of the Cloud SQL instance, port 5432."
  value       = google_sql_database_instance.dctwin.private_ip_address
}

output "jdbc_url" {
  description = "JDBC URL of dctwin's database over the private IP (user db_user; TLS required)."
  value       = local.jdbc_url
}

output "kafka_bootstrap_servers" {
  description = "Kafka bootstrap address the job is configured with."
  value       = var.kafka_bootstrap_servers
}

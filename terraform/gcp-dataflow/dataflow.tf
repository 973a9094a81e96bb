# The pipeline as a Dataflow Flex Template job.
#
# Its flags are runner-configs/dataflow.flags, read at plan time (modules/flags). Those that are
# Dataflow runtime-environment options (worker counts, Streaming Engine) go to the resource's
# own arguments, as the provider asks; the others, and pipeline_options, are template
# parameters. --project, --region, --tempLocation and --stagingLocation come from this
# deployment, as the flags file says.
#
# The template spec (the JSON the launcher reads) is written here, next to the job: its name
# carries a hash of its content, so a new template_image is a new spec path, and terraform apply
# relaunches the streaming job as an in-place update (same job name, state carried over).

module "dataflow_flags" {
  source = "../modules/flags"

  flags_file = "${path.module}/../../runner-configs/dataflow.flags"
  overrides  = var.flag_overrides
  extra = merge(
    var.pipeline_options,
    { deploymentId = var.deployment_id },
    { for endpoint, flag in var.connection_flags : flag => local.connection_values[endpoint] if flag != null },
  )
}

locals {
  connection_values = {
    kafka_bootstrap_servers = var.kafka_bootstrap_servers
    jdbc_url                = local.jdbc_url
    jdbc_username           = var.db_user
  }

  jdbc_url = "jdbc:postgresql://${google_sql_database_instance.dctwin.private_ip_address}:5432/${var.db_name}?sslmode=require"

  flags = module.dataflow_flags.options

  # Flags that are Dataflow runtime-environment options, set through the resource's arguments.
  environment_flags = ["maxNumWorkers", "numWorkers", "enableStreamingEngine"]
  parameters        = { for name, value in local.flags : name => value if !contains(local.environment_flags, name) }

  template_spec = jsonencode({
    image = var.template_image
    sdkInfo = {
      language = "JAVA"
    }
    metadata = {
      name        = "dctwin"
      description = "dctwin: digital twins of a datacenter (dev.dctwin.pipeline)."
      # Every parameter the job passes must be declared, or the launch is refused.
      parameters = [
        for name in sort(keys(local.parameters)) : {
          name       = name
          label      = name
          helpText   = "Pipeline flag --${name}."
          isOptional = true
        }
      ]
    }
  })
}

resource "google_storage_bucket_object" "template_spec" {
  bucket       = google_storage_bucket.dataflow.name
  name         = "templates/dctwin-${substr(sha256(local.template_spec), 0, 16)}.json"
  content      = local.template_spec
  content_type = "application/json"

  lifecycle {
    # Keep the spec the running job came from until the job points at the new one.
    create_before_destroy = true
  }
}

resource "google_dataflow_flex_template_job" "dctwin" {
  provider = google-beta

  project                 = var.project_id
  region                  = var.region
  name                    = local.job_name
  container_spec_gcs_path = "gs://${google_storage_bucket.dataflow.name}/${google_storage_bucket_object.template_spec.name}"
  parameters              = local.parameters

  max_workers             = try(tonumber(local.flags["maxNumWorkers"]), null)
  num_workers             = try(tonumber(local.flags["numWorkers"]), null)
  enable_streaming_engine = try(tobool(local.flags["enableStreamingEngine"]), null)

  service_account_email = google_service_account.dataflow.email
  temp_location         = "gs://${google_storage_bucket.dataflow.name}/temp"
  staging_location      = "gs://${google_storage_bucket.dataflow.name}/staging"
  subnetwork            = var.subnetwork # Dataflow takes the network from the subnetwork
  ip_configuration      = "WORKER_IP_PRIVATE"
  machine_type          = var.machine_type
  labels                = local.labels
  on_delete             = var.on_delete

  transform_name_mapping = var.transform_name_mapping

  depends_on = [
    google_project_iam_member.dataflow_worker,
    google_project_iam_member.cloudsql_client,
    google_storage_bucket_iam_member.dataflow_objects,
    google_artifact_registry_repository_iam_member.template_image,
    google_sql_database.dctwin,
    google_sql_user.dctwin,
  ]
}

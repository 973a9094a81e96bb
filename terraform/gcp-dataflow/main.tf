# dctwin on Google Cloud: a staging/temp bucket, a least-privilege service account for the
# Dataflow workers, Cloud SQL for PostgreSQL on a private IP, and the pipeline as a Dataflow
# Flex Template job whose flags are runner-configs/dataflow.flags, read at plan time.

locals {
  labels = merge({
    app        = "dctwin"
    managed-by = "terraform"
  }, var.labels)

  apis        = ["dataflow.googleapis.com", "sqladmin.googleapis.com", "compute.googleapis.com", "storage.googleapis.com", "iam.googleapis.com"]
  bucket_name = "${var.project_id}-${var.name_prefix}-dataflow"
  job_name    = coalesce(var.job_name, var.name_prefix)
}

resource "google_project_service" "apis" {
  for_each = var.enable_apis ? toset(local.apis) : toset([])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# ---------------------------------------------------------------------------------------------
# Staging and temp bucket
# ---------------------------------------------------------------------------------------------

resource "google_storage_bucket" "dataflow" {
  name                        = local.bucket_name
  project                     = var.project_id
  location                    = coalesce(var.bucket_location, var.region)
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.bucket_force_destroy
  labels                      = local.labels

  lifecycle_rule {
    condition {
      age            = var.temp_retention_days
      matches_prefix = ["temp/"]
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.apis]
}

# ---------------------------------------------------------------------------------------------
# Service account of the workers (and of the launcher VM): nothing beyond what the job needs.
# ---------------------------------------------------------------------------------------------

resource "google_service_account" "dataflow" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-dataflow"
  display_name = "dctwin Dataflow workers"
  description  = "Runs the dctwin Dataflow job: Dataflow worker, objects in its own bucket, Cloud SQL client of its own instance."
}

resource "google_project_iam_member" "dataflow_worker" {
  project = var.project_id
  role    = "roles/dataflow.worker"
  member  = google_service_account.dataflow.member
}

# Cloud SQL roles cannot be granted on an instance; the condition narrows this one to dctwin's.
resource "google_project_iam_member" "cloudsql_client" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = google_service_account.dataflow.member

  condition {
    title       = "${var.name_prefix}-cloudsql-only"
    description = "Only the dctwin Cloud SQL instance."
    expression  = "resource.type == 'sqladmin.googleapis.com/Instance' && resource.name == 'projects/${var.project_id}/instances/${google_sql_database_instance.dctwin.name}'"
  }
}

resource "google_storage_bucket_iam_member" "dataflow_objects" {
  bucket = google_storage_bucket.dataflow.name
  role   = "roles/storage.objectAdmin"
  member = google_service_account.dataflow.member
}

resource "google_artifact_registry_repository_iam_member" "template_image" {
  count = var.artifact_registry_repository == null ? 0 : 1

  project    = var.artifact_registry_repository.project
  location   = var.artifact_registry_repository.location
  repository = var.artifact_registry_repository.name
  role       = "roles/artifactregistry.reader"
  member     = google_service_account.dataflow.member
}

# ---------------------------------------------------------------------------------------------
# Cloud SQL for PostgreSQL, private IP only
# ---------------------------------------------------------------------------------------------

resource "google_sql_database_instance" "dctwin" {
  name                = "${var.name_prefix}-pg"
  project             = var.project_id
  region              = var.region
  database_version    = var.cloudsql_database_version
  deletion_protection = var.cloudsql_deletion_protection

  settings {
    tier                        = var.cloudsql_tier
    edition                     = "ENTERPRISE"
    availability_type           = var.cloudsql_availability_type
    disk_type                   = "PD_SSD"
    disk_size                   = var.cloudsql_disk_size_gb
    disk_autoresize             = true
    deletion_protection_enabled = var.cloudsql_deletion_protection
    user_labels                 = local.labels

    ip_configuration {
      ipv4_enabled       = false
      private_network    = var.network
      allocated_ip_range = var.cloudsql_allocated_ip_range
      ssl_mode           = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "03:00"
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_sql_database" "dctwin" {
  project  = var.project_id
  instance = google_sql_database_instance.dctwin.name
  name     = var.db_name
}

resource "google_sql_user" "dctwin" {
  project  = var.project_id
  instance = google_sql_database_instance.dctwin.name
  name     = var.db_user
  password = var.db_password
  type     = "BUILT_IN"
}

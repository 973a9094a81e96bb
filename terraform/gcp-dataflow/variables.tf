# ---------------------------------------------------------------------------------------------
# Project and network
# ---------------------------------------------------------------------------------------------

variable "project_id" {
  type        = string
  description = "Google Cloud project to deploy into."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id is a project ID (6 to 30 lowercase letters, digits and dashes), not its name or number."
  }
}

variable "region" {
  type        = string
  description = "Region of the Dataflow job, the bucket (unless bucket_location) and Cloud SQL."
  default     = "europe-west1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region looks like europe-west1."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the names of the service account, the bucket (with the project ID), the Cloud SQL instance and the job."
  default     = "dctwin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}$", var.name_prefix))
    error_message = "name_prefix is 2 to 15 lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "enable_apis" {
  type        = bool
  description = "Enable the APIs this configuration uses (Dataflow, Cloud SQL Admin, Compute, Storage, IAM). They stay enabled on destroy."
  default     = true
}

variable "network" {
  type        = string
  description = "VPC network (self link, e.g. projects/P/global/networks/N) that the Cloud SQL private IP is on; subnetwork must be in it. It needs private services access (a servicenetworking connection) for Cloud SQL, and routes from the workers to Kafka."

  validation {
    condition     = can(regex("^(https://www.googleapis.com/compute/v1/)?projects/[^/]+/global/networks/[^/]+$", var.network))
    error_message = "network is a network self link: projects/PROJECT/global/networks/NAME."
  }
}

variable "subnetwork" {
  type        = string
  description = "Subnetwork of the Dataflow workers in region, as regions/REGION/subnetworks/NAME or a full self link. It needs Private Google Access, since workers get no public IP."

  validation {
    condition     = can(regex("(^|/)regions/[^/]+/subnetworks/[^/]+$", var.subnetwork))
    error_message = "subnetwork looks like regions/REGION/subnetworks/NAME."
  }
}

# ---------------------------------------------------------------------------------------------
# Staging and temp bucket
# ---------------------------------------------------------------------------------------------

variable "bucket_location" {
  type        = string
  description = "Location of the staging/temp bucket; null uses region."
  default     = null
}

variable "bucket_force_destroy" {
  type        = bool
  description = "Let terraform destroy delete the bucket with the objects in it (staged jars, temp files, the template spec)."
  default     = false
}

variable "temp_retention_days" {
  type        = number
  description = "Delete objects under temp/ after this many days."
  default     = 7

  validation {
    condition     = var.temp_retention_days >= 1
    error_message = "temp_retention_days is at least 1."
  }
}

# ---------------------------------------------------------------------------------------------
# Cloud SQL for PostgreSQL
# ---------------------------------------------------------------------------------------------

variable "cloudsql_allocated_ip_range" {
  type        = string
  description = "Name of the private services access range to take the Cloud SQL private IP from; null lets Cloud SQL choose among the network's ranges."
  default     = null
}

variable "cloudsql_database_version" {
  type        = string
  description = "Cloud SQL PostgreSQL version."
  default     = "POSTGRES_16"

  validation {
    condition     = can(regex("^POSTGRES_[0-9]+$", var.cloudsql_database_version))
    error_message = "cloudsql_database_version looks like POSTGRES_16."
  }
}

variable "cloudsql_tier" {
  type        = string
  description = "Cloud SQL machine tier."
  default     = "db-custom-2-7680"
}

variable "cloudsql_availability_type" {
  type        = string
  description = "ZONAL, or REGIONAL for a standby in another zone that Cloud SQL fails over to."
  default     = "ZONAL"

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.cloudsql_availability_type)
    error_message = "cloudsql_availability_type is ZONAL or REGIONAL."
  }
}

variable "cloudsql_disk_size_gb" {
  type        = number
  description = "Initial disk size in GB; it grows automatically."
  default     = 20

  validation {
    condition     = var.cloudsql_disk_size_gb >= 10
    error_message = "cloudsql_disk_size_gb is at least 10."
  }
}

variable "cloudsql_deletion_protection" {
  type        = bool
  description = "Refuse to delete the Cloud SQL instance (both in Terraform and in the API). Set false, apply, then destroy to tear down."
  default     = true
}

variable "db_name" {
  type        = string
  description = "Database that holds dctwin's alerts table."
  default     = "dctwin"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.db_name))
    error_message = "db_name is a lowercase PostgreSQL identifier."
  }
}

variable "db_user" {
  type        = string
  description = "Database user the pipeline connects as."
  default     = "dctwin"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.db_user)) && var.db_user != "postgres"
    error_message = "db_user is a lowercase PostgreSQL identifier other than postgres."
  }
}

variable "db_password" {
  type        = string
  description = "Password of db_user. Give it with TF_VAR_db_password or a tfvars file kept out of git; it lands in the Terraform state, so keep the state private."
  sensitive   = true

  validation {
    condition     = length(var.db_password) >= 16
    error_message = "db_password must have at least 16 characters."
  }
}

# ---------------------------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------------------------

variable "kafka_bootstrap_servers" {
  type        = string
  description = "Kafka bootstrap address(es) the workers reach through network, host:port[,host:port...] (a self-managed cluster, Confluent Cloud, or Google Managed Service for Apache Kafka)."

  validation {
    condition     = can(regex("^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$", var.kafka_bootstrap_servers))
    error_message = "kafka_bootstrap_servers is host:port[,host:port...]."
  }
}

# ---------------------------------------------------------------------------------------------
# The job
# ---------------------------------------------------------------------------------------------

variable "template_image" {
  type        = string
  description = "Flex Template launcher image with the pipeline jar (built from gcp-dataflow/flex-template/Dockerfile), e.g. europe-west1-docker.pkg.dev/PROJECT/dctwin/dctwin-dataflow:0.1.0. A new tag is a new pipeline version: terraform apply updates the running job in place."

  validation {
    condition     = can(regex("^[a-z0-9.-]+(\\.pkg\\.dev|gcr\\.io)/.+(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[0-9a-f]{64})$", var.template_image)) && !endswith(var.template_image, ":latest")
    error_message = "template_image is an Artifact Registry (or gcr.io) image with a fixed tag or digest, not :latest."
  }
}

variable "artifact_registry_repository" {
  type = object({
    project  = string
    location = string
    name     = string
  })
  description = "Artifact Registry repository holding template_image; the job's service account gets reader on it (the launcher VM pulls the image as that account). null: grant it yourself."
  default     = null
}

variable "deployment_id" {
  type        = string
  description = "The pipeline's --deploymentId: the exactly-once Kafka sinks keep their progress in the consumer groups dctwin-<id>-eos-<topic>. Keep it across upgrades of this deployment; a new id (or deleting those groups) is a fresh start. A job that finds another job's progress in its groups refuses to start."

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.deployment_id)) && length(var.deployment_id) <= 63
    error_message = "deployment_id is lowercase letters, digits and dashes, at most 63 characters."
  }
}

variable "job_name" {
  type        = string
  description = "Dataflow job name; null uses name_prefix. An update keeps the name."
  default     = null

  validation {
    condition     = var.job_name == null ? true : can(regex("^[a-z]([-a-z0-9]{0,62}[a-z0-9])?$", var.job_name))
    error_message = "job_name is lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "machine_type" {
  type        = string
  description = "Worker machine type."
  default     = "n2-standard-2"
}

variable "on_delete" {
  type        = string
  description = "What terraform destroy (or a replacement) does to the running job: drain (finish in-flight data) or cancel."
  default     = "drain"

  validation {
    condition     = contains(["drain", "cancel"], var.on_delete)
    error_message = "on_delete is drain or cancel."
  }
}

variable "transform_name_mapping" {
  type        = map(string)
  description = "For an update that renames transforms: old transform name prefix -> new one, so that Dataflow carries the state over. Leave empty otherwise."
  default     = {}
  nullable    = false
}

variable "pipeline_options" {
  type        = map(string)
  description = "Further flags of the pipeline, by name without -- (e.g. { silenceAfterSeconds = \"90\" }), passed as template parameters after those of runner-configs/dataflow.flags. A flag the file sets cannot be repeated here: use flag_overrides."
  default     = {}
  nullable    = false
}

variable "flag_overrides" {
  type        = map(string)
  description = "New values for flags of runner-configs/dataflow.flags, by name without -- (e.g. { maxNumWorkers = \"4\" }). Prefer changing the file; this is for one deployment's difference."
  default     = {}
  nullable    = false
}

variable "connection_flags" {
  type = object({
    kafka_bootstrap_servers = optional(string)
    jdbc_url                = optional(string)
    jdbc_username           = optional(string)
  })
  description = "Names of the pipeline flags that take the deployed endpoints (e.g. { kafka_bootstrap_servers = \"kafkaBootstrapServers\" }); null leaves one out. The database password is never a parameter (parameters show in the Dataflow console): give the pipeline a Secret Manager reference instead."
  default     = {}
  nullable    = false
}

variable "labels" {
  type        = map(string)
  description = "Labels on the bucket, the Cloud SQL instance and the job."
  default     = {}
  nullable    = false
}

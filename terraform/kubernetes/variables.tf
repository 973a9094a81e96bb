# ---------------------------------------------------------------------------------------------
# Cluster access
# ---------------------------------------------------------------------------------------------

variable "kubeconfig_path" {
  type        = string
  description = "Path of the kubeconfig file that reaches the target cluster."
  default     = "~/.kube/config"
}

variable "kubeconfig_context" {
  type        = string
  description = "kubeconfig context to use; null uses the file's current context."
  default     = null
}

variable "namespace" {
  type        = string
  description = "Namespace for dctwin: the Kafka cluster and topics, PostgreSQL, Mosquitto and the FlinkDeployment. Created by this configuration."
  default     = "dctwin"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace)) && length(var.namespace) <= 63
    error_message = "namespace must be a Kubernetes namespace name (DNS label)."
  }
}

# ---------------------------------------------------------------------------------------------
# Operators
# ---------------------------------------------------------------------------------------------

variable "flink_operator_chart_version" {
  type        = string
  description = "Flink Kubernetes Operator Helm chart version (= operator version)."
  default     = "1.10.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.flink_operator_chart_version))
    error_message = "Give an exact chart version such as 1.10.0."
  }
}

variable "flink_operator_webhook" {
  type        = bool
  description = "Install the Flink operator's admission webhook. It needs cert-manager in the cluster."
  default     = false
}

variable "strimzi_chart_version" {
  type        = string
  description = "Strimzi Kafka operator Helm chart version. 0.45 supports Kafka 3.8 and 3.9 in KRaft mode."
  default     = "0.45.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.strimzi_chart_version))
    error_message = "Give an exact chart version such as 0.45.0."
  }
}

variable "cloudnative_pg_chart_version" {
  type        = string
  description = "CloudNativePG Helm chart version (0.23.0 installs operator 1.25.0)."
  default     = "0.23.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.cloudnative_pg_chart_version))
    error_message = "Give an exact chart version such as 0.23.0."
  }
}

# ---------------------------------------------------------------------------------------------
# Kafka (Strimzi, KRaft)
# ---------------------------------------------------------------------------------------------

variable "kafka_cluster_name" {
  type        = string
  description = "Name of the Strimzi Kafka resource; the bootstrap Service is <name>-kafka-bootstrap."
  default     = "dctwin"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.kafka_cluster_name)) && length(var.kafka_cluster_name) <= 40
    error_message = "kafka_cluster_name must be a DNS label of at most 40 characters."
  }
}

variable "kafka_version" {
  type        = string
  description = "Kafka version the Strimzi operator runs; must be one that strimzi_chart_version supports."
  default     = "3.9.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.kafka_version))
    error_message = "Give an exact Kafka version such as 3.9.0."
  }
}

variable "kafka_replicas" {
  type        = number
  description = "Kafka nodes, each both KRaft controller and broker. 3 tolerates one node down; 1 is for a development cluster (replication factors drop to 1)."
  default     = 3

  validation {
    condition     = var.kafka_replicas >= 1 && floor(var.kafka_replicas) == var.kafka_replicas && var.kafka_replicas != 2
    error_message = "kafka_replicas is 1 (development) or at least 3 (a KRaft quorum of 2 tolerates no failure)."
  }
}

variable "kafka_storage" {
  type = object({
    size          = optional(string, "20Gi")
    storage_class = optional(string)
  })
  description = "Persistent volume of each Kafka node (log and KRaft metadata): size and storage class (null = the cluster's default)."
  default     = {}
  nullable    = false
}

variable "kafka_resources" {
  type = object({
    cpu    = optional(string, "1")
    memory = optional(string, "4Gi")
  })
  description = "CPU and memory (request = limit) of each Kafka node."
  default     = {}
  nullable    = false
}

variable "kafka_topics" {
  type = object({
    metrics      = optional(string, "dctwin.metrics")
    sensors      = optional(string, "dctwin.sensors")
    provisioning = optional(string, "dctwin.provisioning")
    queries      = optional(string, "dctwin.queries")
    alerts       = optional(string, "dctwin.alerts")
    answers      = optional(string, "dctwin.answers")
    dead_letters = optional(string, "dctwin.dead-letters")
    # What the Prometheus receiver publishes (the job reads it with --topicFormats=<topic>=prometheus-remote-write).
    prometheus = optional(string, "dctwin.prometheus")
  })
  description = "dctwin's Kafka topics by role (transforms/WIRE-FORMAT.md). The KafkaUsers' ACLs grant each client its topics by these names; the provisioning topic is compacted."
  default     = {}
  nullable    = false

  validation {
    condition     = length(values(var.kafka_topics)) == length(distinct(values(var.kafka_topics)))
    error_message = "kafka_topics names a topic twice."
  }
}

variable "kafka_consumer_group" {
  type        = string
  description = "Consumer group of the job's Kafka source (its --kafkaConsumerGroup, default dctwin): the only group besides its exactly-once sinks' groups (dctwin-<deployment_id>-eos-*) that its KafkaUser may use."
  default     = "dctwin"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+$", var.kafka_consumer_group))
    error_message = "kafka_consumer_group is letters, digits and . _ -."
  }
}

variable "kafka_topic_partitions" {
  type        = number
  description = "Partitions of each topic; the record key is the entity id, so each series stays in one partition whatever the count. More partitions allow more parallel readers."
  default     = 6

  validation {
    condition     = var.kafka_topic_partitions >= 1 && floor(var.kafka_topic_partitions) == var.kafka_topic_partitions
    error_message = "kafka_topic_partitions is a whole number of at least 1."
  }
}

variable "kafka_topic_retention_hours" {
  type        = number
  description = "How long each topic keeps records, in hours (replays of the twins need the inputs)."
  default     = 168

  validation {
    condition     = var.kafka_topic_retention_hours >= 1
    error_message = "kafka_topic_retention_hours is at least 1."
  }
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL (CloudNativePG)
# ---------------------------------------------------------------------------------------------

variable "postgres_cluster_name" {
  type        = string
  description = "Name of the CloudNativePG Cluster; its read-write Service is <name>-rw."
  default     = "dctwin-pg"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.postgres_cluster_name)) && length(var.postgres_cluster_name) <= 50
    error_message = "postgres_cluster_name must be a DNS label of at most 50 characters."
  }
}

variable "postgres_instances" {
  type        = number
  description = "PostgreSQL instances: one primary and (n - 1) streaming replicas that CloudNativePG fails over to."
  default     = 2

  validation {
    condition     = var.postgres_instances >= 1 && var.postgres_instances <= 5 && floor(var.postgres_instances) == var.postgres_instances
    error_message = "postgres_instances is a whole number from 1 to 5."
  }
}

variable "postgres_image" {
  type        = string
  description = "PostgreSQL operand image (CloudNativePG's images carry what the operator needs)."
  default     = "ghcr.io/cloudnative-pg/postgresql:16.6"

  validation {
    condition     = can(regex(":[0-9][A-Za-z0-9_.-]*$", var.postgres_image))
    error_message = "postgres_image needs a fixed version tag such as :16.6."
  }
}

variable "postgres_storage" {
  type = object({
    size          = optional(string, "10Gi")
    storage_class = optional(string)
  })
  description = "Persistent volume of each PostgreSQL instance: size and storage class (null = the cluster's default)."
  default     = {}
  nullable    = false
}

variable "postgres_database" {
  type        = string
  description = "Database that holds dctwin's alerts table."
  default     = "dctwin"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.postgres_database))
    error_message = "postgres_database is a lowercase PostgreSQL identifier."
  }
}

variable "postgres_user" {
  type        = string
  description = "Owner of the database, and the user the pipeline connects as."
  default     = "dctwin"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.postgres_user)) && var.postgres_user != "postgres"
    error_message = "postgres_user is a lowercase PostgreSQL identifier other than postgres."
  }
}

variable "postgres_password" {
  type        = string
  description = "Password of postgres_user. Give it with TF_VAR_postgres_password or a tfvars file kept out of git; it lands in the Terraform state, so keep the state private."
  sensitive   = true

  validation {
    condition     = length(var.postgres_password) >= 16
    error_message = "postgres_password must have at least 16 characters."
  }
}

# ---------------------------------------------------------------------------------------------
# Mosquitto
# ---------------------------------------------------------------------------------------------

variable "mosquitto_image" {
  type        = string
  description = "Eclipse Mosquitto 2.x image with a fixed tag."
  default     = "eclipse-mosquitto:2.0.20"
}

variable "mqtt_username" {
  type        = string
  description = "MQTT user that the pipeline connects as; its ACL lets it only subscribe to the input topics (dctwin/metrics, /sensors, /provisioning, /queries)."
  default     = "dctwin"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.@-]+$", var.mqtt_username))
    error_message = "mqtt_username is letters, digits and _ . @ -."
  }
}

variable "mqtt_password" {
  type        = string
  description = "Password of mqtt_username. Give it with TF_VAR_mqtt_password or a tfvars file kept out of git."
  sensitive   = true

  validation {
    condition     = length(var.mqtt_password) >= 12 && !can(regex("[\\r\\n]", var.mqtt_password))
    error_message = "mqtt_password must have at least 12 characters and no line breaks."
  }
}

variable "mqtt_device_username" {
  type        = string
  description = "MQTT user that the devices (metrics daemons, BMC bridges, provisioning) publish as; its ACL lets it only publish to the input topics."
  default     = "dctwin-device"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.@-]+$", var.mqtt_device_username))
    error_message = "mqtt_device_username is letters, digits and _ . @ -."
  }
}

variable "mqtt_device_password" {
  type        = string
  description = "Password of mqtt_device_username. Give it with TF_VAR_mqtt_device_password or a tfvars file kept out of git."
  sensitive   = true

  validation {
    condition     = length(var.mqtt_device_password) >= 12 && !can(regex("[\\r\\n]", var.mqtt_device_password))
    error_message = "mqtt_device_password must have at least 12 characters and no line breaks."
  }
}

variable "mqtt_tls" {
  type = object({
    secret_name = optional(string)
    issuer = optional(object({
      name = string
      kind = optional(string, "ClusterIssuer")
    }))
  })
  description = "The broker's TLS certificate (Mosquitto listens with TLS only, port 8883): either secret_name, an existing kubernetes.io/tls Secret in the namespace (tls.crt, tls.key, and ca.crt, which the Flink pods trust), or issuer, a cert-manager Issuer or ClusterIssuer that signs a Certificate for mosquitto.<namespace>.svc (cert-manager must be installed)."

  validation {
    condition     = (var.mqtt_tls.secret_name == null) != (var.mqtt_tls.issuer == null)
    error_message = "Set exactly one of mqtt_tls.secret_name and mqtt_tls.issuer."
  }
}

# ---------------------------------------------------------------------------------------------
# Flink job
# ---------------------------------------------------------------------------------------------

variable "deployment_id" {
  type        = string
  description = "The pipeline's --deploymentId: the exactly-once Kafka sinks keep their progress in the consumer groups dctwin-<id>-eos-<topic>. Keep it across upgrades of this deployment; a new id (or deleting those groups) is a fresh start. A job that finds another job's progress in its groups refuses to start."

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.deployment_id)) && length(var.deployment_id) <= 63
    error_message = "deployment_id is lowercase letters, digits and dashes, at most 63 characters."
  }
}

variable "flink_deployment_name" {
  type        = string
  description = "Name of the FlinkDeployment; the Flink UI Service is <name>-rest."
  default     = "dctwin"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.flink_deployment_name)) && length(var.flink_deployment_name) <= 45
    error_message = "flink_deployment_name must be a DNS label of at most 45 characters."
  }
}

variable "image" {
  type        = string
  description = "Flink image with the pipeline jar at /opt/dctwin/dctwin-pipeline.jar (built from kubernetes/image/Dockerfile), with a fixed tag or digest. A new tag is a new pipeline version: the operator upgrades the job with upgrade_mode."

  validation {
    condition     = can(regex("(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[0-9a-f]{64})$", var.image)) && !endswith(var.image, ":latest")
    error_message = "image needs a fixed tag or digest (not :latest): the operator upgrades the job only when the spec changes."
  }
}

variable "image_pull_policy" {
  type        = string
  description = "Pull policy of the Flink pods' image."
  default     = "IfNotPresent"

  validation {
    condition     = contains(["Always", "IfNotPresent", "Never"], var.image_pull_policy)
    error_message = "image_pull_policy is Always, IfNotPresent or Never."
  }
}

variable "flink_version" {
  type        = string
  description = "Flink version of the image, as the operator names it; the pipeline's FlinkRunner is built for Flink 1.19."
  default     = "v1_19"

  validation {
    condition     = can(regex("^v1_[0-9]+$", var.flink_version))
    error_message = "flink_version looks like v1_19."
  }
}

variable "jobmanager" {
  type = object({
    memory = optional(string, "2048m")
    cpu    = optional(number, 1)
  })
  description = "JobManager pod resources: total process memory (Flink syntax, e.g. 2048m or 2g) and CPUs."
  default     = {}
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+(m|g|mb|gb)$", lower(var.jobmanager.memory))) && var.jobmanager.cpu > 0
    error_message = "jobmanager.memory looks like 2048m or 2g; jobmanager.cpu is positive."
  }
}

variable "taskmanager" {
  type = object({
    memory = optional(string, "4096m")
    cpu    = optional(number, 2)
  })
  description = "Resources of each TaskManager pod: total process memory (Flink syntax, e.g. 4096m or 4g) and CPUs. RocksDB state lives in managed memory, a share of this."
  default     = {}
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+(m|g|mb|gb)$", lower(var.taskmanager.memory))) && var.taskmanager.cpu > 0
    error_message = "taskmanager.memory looks like 4096m or 4g; taskmanager.cpu is positive."
  }
}

variable "task_slots" {
  type        = number
  description = "Task slots per TaskManager. The operator starts ceil(parallelism / task_slots) TaskManagers."
  default     = 2

  validation {
    condition     = var.task_slots >= 1 && floor(var.task_slots) == var.task_slots
    error_message = "task_slots is a whole number of at least 1."
  }
}

variable "parallelism" {
  type        = number
  description = "Job parallelism. null keeps --parallelism of runner-configs/flink-cluster.flags; a number overrides that flag (the only place it is set)."
  default     = null

  validation {
    condition     = var.parallelism == null ? true : (var.parallelism >= 1 && floor(var.parallelism) == var.parallelism)
    error_message = "parallelism is null or a whole number of at least 1."
  }
}

variable "checkpoint_uri" {
  type        = string
  description = "Object-store URI (s3://bucket/dctwin, gs://bucket/dctwin, ...) under which checkpoints/, savepoints/ and ha/ go; it overrides --stateBackendStoragePath and needs the matching filesystem plugin (flink_plugins) and credentials. null keeps the flags file's file:// path and mounts a PersistentVolumeClaim there (checkpoint_volume)."
  default     = null

  validation {
    condition     = var.checkpoint_uri == null ? true : can(regex("^(s3|s3a|s3p|gs|abfs|abfss|wasb|wasbs|oss|hdfs)://[^/]+", var.checkpoint_uri))
    error_message = "checkpoint_uri is null or an object-store URI such as s3://bucket/dctwin."
  }
}

variable "checkpoint_volume" {
  type = object({
    size          = optional(string, "20Gi")
    storage_class = optional(string)
    access_mode   = optional(string, "ReadWriteMany")
  })
  description = "The checkpoint PersistentVolumeClaim, used when checkpoint_uri is null: size, storage class (null = default) and access mode. The JobManager and every TaskManager mount it, so it must be ReadWriteMany (NFS, CephFS, EFS, Filestore...) unless everything runs on one node."
  default     = {}
  nullable    = false

  validation {
    condition     = contains(["ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"], var.checkpoint_volume.access_mode)
    error_message = "checkpoint_volume.access_mode is ReadWriteMany (or ReadWriteOnce on a single-node cluster)."
  }
}

variable "flink_plugins" {
  type        = list(string)
  description = "Flink's built-in plugin jars to enable (ENABLE_BUILT_IN_PLUGINS), e.g. [\"flink-s3-fs-presto-1.19.1.jar\"] for an s3:// checkpoint_uri or [\"flink-gs-fs-hadoop-1.19.1.jar\"] for gs://."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for jar in var.flink_plugins : can(regex("^flink-[a-z0-9-]+-[0-9.]+\\.jar$", jar))])
    error_message = "flink_plugins are jar names from the image's opt/ folder, such as flink-s3-fs-presto-1.19.1.jar."
  }
}

variable "flink_configuration" {
  type        = map(string)
  description = "Extra Flink configuration (flinkConfiguration of the FlinkDeployment), applied over this configuration's own keys, except kubernetes.rest-service.exposed.type, which stays ClusterIP."
  default     = {}
  nullable    = false

  validation {
    condition     = !contains(keys(var.flink_configuration), "kubernetes.rest-service.exposed.type")
    error_message = "The Flink UI has no authentication: its Service stays ClusterIP (kubectl port-forward, or ingress with auth_url)."
  }
}

variable "upgrade_mode" {
  type        = string
  description = "How the operator carries state into a new job spec (new image, args or resources): savepoint (stop with a savepoint, start from it), last-state (from the last checkpoint, via HA metadata) or stateless (start empty)."
  default     = "savepoint"

  validation {
    condition     = contains(["savepoint", "last-state", "stateless"], var.upgrade_mode)
    error_message = "upgrade_mode is savepoint, last-state or stateless."
  }
}

variable "job_state" {
  type        = string
  description = "Desired job state: running, or suspended (the operator stops the job, with a savepoint in savepoint mode)."
  default     = "running"

  validation {
    condition     = contains(["running", "suspended"], var.job_state)
    error_message = "job_state is running or suspended."
  }
}

variable "allow_non_restored_state" {
  type        = bool
  description = "Let an upgrade start from a savepoint that has state no operator of the new job claims (a removed or renamed transform). That state is dropped."
  default     = false
}

variable "pipeline_options" {
  type        = map(string)
  description = "Further flags of the run subcommand, appended after the flags file's, by name without -- (e.g. { silenceAfterSeconds = \"90\" }). A flag that the file already sets cannot be repeated here: use flag_overrides."
  default     = {}
  nullable    = false
}

variable "flag_overrides" {
  type        = map(string)
  description = "New values for flags of runner-configs/flink-cluster.flags, by name without -- (e.g. { checkpointingInterval = \"30000\" }). Prefer changing the file; this is for one deployment's difference."
  default     = {}
  nullable    = false
}

variable "connection_flags" {
  type = object({
    kafka_bootstrap_servers = optional(string)
    mqtt_server_uri         = optional(string)
    mqtt_username           = optional(string)
    jdbc_url                = optional(string)
    jdbc_username           = optional(string)
  })
  description = "Names of the run flags that take the deployed endpoints (e.g. { kafka_bootstrap_servers = \"kafkaBootstrapServers\" }); null leaves one out. The endpoints also reach the Flink pods as DCTWIN_* environment variables, and the passwords only that way (DCTWIN_MQTT_PASSWORD, DCTWIN_JDBC_PASSWORD), never as flags."
  default     = {}
  nullable    = false
}

variable "ingress" {
  type = object({
    host                 = string
    class_name           = optional(string)
    auth_url             = string
    controller_namespace = optional(string, "ingress-nginx")
  })
  description = "Expose the Flink UI (the <name>-rest Service) through an ingress-nginx Ingress on this host, only behind an authenticating proxy: auth_url is its external authentication endpoint (e.g. oauth2-proxy's https://auth.example.com/oauth2/auth), controller_namespace where the controller runs (the NetworkPolicy lets it reach port 8081). null (the default): reach the UI with kubectl port-forward."
  default     = null

  validation {
    condition     = var.ingress == null ? true : can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", var.ingress.host)) && can(regex("^https://", var.ingress.auth_url))
    error_message = "ingress.host is a DNS name such as flink.dctwin.example.com; ingress.auth_url is an https:// URL."
  }
}

# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------

variable "https_egress_cidrs" {
  type        = list(string)
  description = "Where the Flink, Kafka and PostgreSQL pods may open connections on 443 and 6443: the Kubernetes API server (Flink HA and TaskManager pods, Strimzi's entity operator, CloudNativePG's instance manager) and, with checkpoint_uri, the object store. Narrow it to the API server's and the store's addresses where they are known."
  default     = ["0.0.0.0/0"]
  nullable    = false

  validation {
    condition     = length(var.https_egress_cidrs) > 0 && alltrue([for cidr in var.https_egress_cidrs : can(cidrhost(cidr, 0))])
    error_message = "https_egress_cidrs is a non-empty list of CIDR blocks."
  }
}

variable "prometheus_namespace" {
  type        = string
  description = "Namespace of the Prometheus that scrapes the Flink pods' metrics port (9249); null: no scraping is allowed."
  default     = "monitoring"
}

variable "mqtt_client_namespaces" {
  type        = list(string)
  description = "Namespaces whose pods may connect to Mosquitto (8883); pods labelled dctwin.dev/mqtt-client=true in dctwin's namespace always may."
  default     = []
  nullable    = false
}

variable "mqtt_client_cidrs" {
  type        = list(string)
  description = "Source CIDRs (devices outside the cluster, through a load balancer or node port that you add) that may connect to Mosquitto (8883)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for cidr in var.mqtt_client_cidrs : can(cidrhost(cidr, 0))])
    error_message = "mqtt_client_cidrs are CIDR blocks."
  }
}

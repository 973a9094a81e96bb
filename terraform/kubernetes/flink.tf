# The pipeline as a FlinkDeployment in application mode: the operator starts a JobManager that
# runs dev.dctwin.pipeline.Main from the image's jar with args = ["run", <flags>], and the
# TaskManagers the job's parallelism needs.
#
# The flags are runner-configs/flink-cluster.flags, read at plan time (modules/flags), so that a
# change to that file is a change of the job spec that the operator rolls out with upgrade_mode.
# This deployment overrides only what differs in a Kubernetes application cluster:
#   --flinkMaster=[auto]            the job runs inside the cluster it submits to (the file's
#                                   127.0.0.1:8081 would make the JobManager submit a second job
#                                   over REST to itself);
#   --parallelism                   when var.parallelism is set;
#   --stateBackendStoragePath       when var.checkpoint_uri is set (object store); otherwise the
#                                   file's file:// path stays and the checkpoint PVC is mounted
#                                   there;
#   var.flag_overrides              anything else one deployment needs.
# Overriding a flag the file does not set, or repeating one in pipeline_options, fails the plan.

module "flink_flags" {
  source = "../modules/flags"

  flags_file = "${path.module}/../../runner-configs/flink-cluster.flags"
  overrides = merge(
    { flinkMaster = "[auto]" },
    var.parallelism == null ? {} : { parallelism = tostring(var.parallelism) },
    var.checkpoint_uri == null ? {} : { stateBackendStoragePath = "${local.storage_base}/checkpoints" },
    var.flag_overrides,
  )
  extra = merge(
    var.pipeline_options,
    { deploymentId = var.deployment_id },
    # Only the path: the file names the password's file, which only the pods can read.
    { kafkaPropertiesFile = "${local.kafka_client_dir}/client.properties" },
    { for endpoint, flag in var.connection_flags : flag => local.connection_values[endpoint] if flag != null },
  )
}

locals {
  # The port of the Prometheus reporter in every Flink pod.
  metrics_port = 9249

  # Where the Flink pods find the Kafka client settings, the Kafka user's JAAS line, the CA of
  # Strimzi's cluster, and the JVM trust store that holds the MQTT broker's CA.
  kafka_client_dir = "/etc/dctwin/kafka"
  kafka_user_dir   = "/etc/dctwin/kafka-user"
  kafka_ca_dir     = "/etc/dctwin/kafka-ca"
  mqtt_ca_dir      = "/etc/dctwin/mqtt-ca"
  truststore_dir   = "/etc/dctwin/truststore"
  # The JDK's CAs plus the broker's CA; a trust store holds certificates only, so its password
  # guards nothing secret (Java needs one to read PKCS12 certificates).
  truststore_jvm_opts = "-Djavax.net.ssl.trustStore=${local.truststore_dir}/truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12"

  # Non-root (the image's flink user), read-only root filesystem: Flink writes only to the
  # emptyDir volumes below (/tmp, log/, plugins/) and the checkpoint volume.
  flink_pod_security = {
    runAsNonRoot   = true
    runAsUser      = 9999
    runAsGroup     = 9999
    fsGroup        = 9999 # the flink user of the official image, so the volumes are writable
    seccompProfile = { type = "RuntimeDefault" }
  }

  flink_volume_mounts = concat(
    [
      { name = "tmp", mountPath = "/tmp" },
      { name = "log", mountPath = "/opt/flink/log" },
      { name = "plugins", mountPath = "/opt/flink/plugins" },
      { name = "kafka-client", mountPath = local.kafka_client_dir, readOnly = true },
      { name = "kafka-user", mountPath = local.kafka_user_dir, readOnly = true },
      { name = "kafka-ca", mountPath = local.kafka_ca_dir, readOnly = true },
      { name = "truststore", mountPath = local.truststore_dir, readOnly = true },
    ],
    local.use_pvc ? [{ name = "checkpoints", mountPath = local.checkpoint_mount }] : [],
  )

  flink_volumes = concat(
    [
      { name = "tmp", emptyDir = {} },
      { name = "log", emptyDir = {} },
      { name = "plugins", emptyDir = {} },
      { name = "truststore", emptyDir = { medium = "Memory" } },
      { name = "kafka-client", configMap = { name = kubernetes_config_map_v1.kafka_client.metadata[0].name } },
      {
        # The KafkaUser's Secret (made by the User Operator): only its JAAS line.
        name   = "kafka-user"
        secret = { secretName = local.kafka_users.pipeline, defaultMode = 288, items = [{ key = "sasl.jaas.config", path = "sasl.jaas.config" }] }
      },
      {
        name   = "kafka-ca"
        secret = { secretName = "${var.kafka_cluster_name}-cluster-ca-cert", items = [{ key = "ca.crt", path = "ca.crt" }] }
      },
      {
        # A public CA's certificate (ACME issuers) has no ca.crt: the JDK's CAs trust it.
        name   = "mqtt-ca"
        secret = { secretName = local.mqtt_tls_secret, optional = true, items = [{ key = "ca.crt", path = "ca.crt" }] }
      },
    ],
    local.use_pvc ? [{ name = "checkpoints", persistentVolumeClaim = { claimName = "${var.flink_deployment_name}-checkpoints" } }] : [],
  )

  # The flags file's checkpoint path (file:///tmp/dctwin/checkpoints): in PVC mode the volume is
  # mounted at that path, so the flag holds as written.
  file_checkpoint_uri = try(module.flink_flags.file_options["stateBackendStoragePath"], "")
  use_pvc             = var.checkpoint_uri == null
  storage_base        = local.use_pvc ? trimsuffix(local.file_checkpoint_uri, "/") : trimsuffix(var.checkpoint_uri, "/")
  checkpoints_uri     = try(module.flink_flags.options["stateBackendStoragePath"], "")
  checkpoint_mount    = trimprefix(local.file_checkpoint_uri, "file://")
  parallelism         = try(tonumber(module.flink_flags.options["parallelism"]), null)

  connection_values = {
    kafka_bootstrap_servers = local.kafka_bootstrap
    mqtt_server_uri         = module.mosquitto.uri
    mqtt_username           = var.mqtt_username
    jdbc_url                = local.postgres_jdbc_url
    jdbc_username           = var.postgres_user
  }

  flink_configuration = merge(
    {
      "taskmanager.numberOfTaskSlots" = tostring(var.task_slots)
      "state.checkpoints.dir"         = local.checkpoints_uri
      "state.savepoints.dir"          = "${local.storage_base}/savepoints"
      # Kubernetes HA: the JobManager survives a restart with the latest checkpoint, and
      # last-state upgrades find it.
      "high-availability.type"       = "kubernetes"
      "high-availability.storageDir" = "${local.storage_base}/ha"
      # Keep the last checkpoint when the job is cancelled, so a lost savepoint is not the end.
      "execution.checkpointing.externalized-checkpoint-retention" = "RETAIN_ON_CANCELLATION"
      "kubernetes.operator.savepoint.history.max.count"           = "5"
      # Prometheus: every JobManager and TaskManager pod serves Flink's metrics and the job's Beam
      # counters (dead letters by reason, retries, skipped duplicates) on :9249/metrics, as
      # runner-configs/flink-cluster/flink-conf.yaml does locally (series and what to watch:
      # runner-configs/flink-cluster/METRICS.md). The reporter ships in the Flink image's
      # plugins/metrics-prometheus.
      "metrics.reporter.prom.factory.class" = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory"
      "metrics.reporter.prom.port"          = tostring(local.metrics_port)
      # MqttIO's TLS connections (ssl://) trust the broker's CA through the JVM's trust store.
      "env.java.opts.jobmanager"  = local.truststore_jvm_opts
      "env.java.opts.taskmanager" = local.truststore_jvm_opts
    },
    var.flink_configuration,
  )

  flink_env = concat(
    [
      { name = "DCTWIN_KAFKA_BOOTSTRAP_SERVERS", value = local.kafka_bootstrap },
      { name = "DCTWIN_MQTT_SERVER_URI", value = module.mosquitto.uri },
      { name = "DCTWIN_MQTT_USERNAME", value = var.mqtt_username },
      { name = "DCTWIN_JDBC_URL", value = local.postgres_jdbc_url },
      { name = "DCTWIN_JDBC_USERNAME", value = var.postgres_user },
    ],
    [
      {
        name      = "DCTWIN_JDBC_PASSWORD"
        valueFrom = { secretKeyRef = { name = kubernetes_secret_v1.postgres_app.metadata[0].name, key = "password" } }
      },
      {
        name      = "DCTWIN_MQTT_PASSWORD"
        valueFrom = { secretKeyRef = { name = kubernetes_secret_v1.pipeline_mqtt.metadata[0].name, key = "password" } }
      },
    ],
    length(var.flink_plugins) == 0 ? [] : [{ name = "ENABLE_BUILT_IN_PLUGINS", value = join(";", var.flink_plugins) }],
  )
}

resource "kubernetes_secret_v1" "pipeline_mqtt" {
  metadata {
    name      = "${var.flink_deployment_name}-mqtt"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels    = local.labels
  }
  type = "kubernetes.io/basic-auth"
  data = {
    username = var.mqtt_username
    password = var.mqtt_password
  }
}

# The job's Kafka client settings (--kafkaPropertiesFile): SASL_SSL with SCRAM-SHA-512, Strimzi's
# cluster CA as trust store, and the JAAS line read by Kafka's DirectoryConfigProvider from the
# mounted KafkaUser Secret when a client starts. Nothing secret is in this file, in the flags or
# in the job graph.
resource "kubernetes_config_map_v1" "kafka_client" {
  metadata {
    name      = "${var.flink_deployment_name}-kafka-client"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels    = local.labels
  }
  data = {
    "client.properties" = <<-EOT
      security.protocol=SASL_SSL
      sasl.mechanism=SCRAM-SHA-512
      ssl.truststore.type=PEM
      ssl.truststore.location=${local.kafka_ca_dir}/ca.crt
      config.providers=dir
      config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
      sasl.jaas.config=$${dir:${local.kafka_user_dir}:sasl.jaas.config}
    EOT
  }
}

resource "kubernetes_persistent_volume_claim_v1" "checkpoints" {
  count = local.use_pvc ? 1 : 0

  metadata {
    name      = "${var.flink_deployment_name}-checkpoints"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels    = local.labels
  }
  spec {
    access_modes       = [var.checkpoint_volume.access_mode]
    storage_class_name = var.checkpoint_volume.storage_class
    resources {
      requests = {
        storage = var.checkpoint_volume.size
      }
    }
  }
  # Provisioners with WaitForFirstConsumer bind when the first Flink pod starts.
  wait_until_bound = false

  lifecycle {
    precondition {
      condition     = startswith(local.file_checkpoint_uri, "file:///")
      error_message = "Without checkpoint_uri the checkpoint volume is mounted at the flags file's --stateBackendStoragePath, which must then be a file:/// path."
    }
  }
}

resource "kubernetes_manifest" "flink_deployment" {
  manifest = {
    apiVersion = "flink.apache.org/v1beta1"
    kind       = "FlinkDeployment"
    metadata = {
      name      = var.flink_deployment_name
      namespace = var.namespace
      labels    = local.labels
    }
    spec = {
      image           = var.image
      imagePullPolicy = var.image_pull_policy
      flinkVersion    = var.flink_version
      serviceAccount  = "flink" # created in the watched namespace by the operator's chart
      # ClusterIP last, so that no flink_configuration exposes the UI: it has no authentication.
      flinkConfiguration = merge(local.flink_configuration, {
        "kubernetes.rest-service.exposed.type" = "ClusterIP"
      })
      podTemplate = {
        metadata = {
          # What the NetworkPolicies (network-policies.tf, and Strimzi's for its listener) let
          # reach Kafka, Mosquitto and PostgreSQL.
          labels = merge(local.kafka_client_label, local.service_client_labels)
          # The common scrape annotations, for a Prometheus that discovers pods by them.
          annotations = {
            "prometheus.io/scrape" = "true"
            "prometheus.io/port"   = tostring(local.metrics_port)
            "prometheus.io/path"   = "/metrics"
          }
        }
        spec = {
          securityContext = local.flink_pod_security
          initContainers = [{
            # The image's plugins/ (the Prometheus reporter) into the writable plugins volume, where
            # ENABLE_BUILT_IN_PLUGINS may add more; and the JVM trust store with the MQTT CA.
            name            = "prepare"
            image           = var.image
            securityContext = local.restricted_container
            command = ["sh", "-c", join(" && ", [
              "cp -R /opt/flink/plugins/. /plugins/",
              "cp \"$JAVA_HOME/lib/security/cacerts\" ${local.truststore_dir}/truststore.p12",
              "chmod 0644 ${local.truststore_dir}/truststore.p12",
              "if [ -f ${local.mqtt_ca_dir}/ca.crt ]; then keytool -importcert -noprompt -alias dctwin-mqtt-ca -file ${local.mqtt_ca_dir}/ca.crt -keystore ${local.truststore_dir}/truststore.p12 -storetype PKCS12 -storepass changeit; fi",
            ])]
            volumeMounts = [
              { name = "plugins", mountPath = "/plugins" },
              { name = "truststore", mountPath = local.truststore_dir },
              { name = "mqtt-ca", mountPath = local.mqtt_ca_dir, readOnly = true },
              { name = "tmp", mountPath = "/tmp" },
            ]
          }]
          containers = [{
            name            = "flink-main-container"
            env             = local.flink_env
            ports           = [{ name = "metrics", containerPort = local.metrics_port, protocol = "TCP" }]
            securityContext = local.restricted_container
            volumeMounts    = local.flink_volume_mounts
          }]
          volumes = local.flink_volumes
        }
      }
      jobManager = {
        replicas = 1
        resource = {
          memory = var.jobmanager.memory
          cpu    = var.jobmanager.cpu
        }
      }
      taskManager = {
        resource = {
          memory = var.taskmanager.memory
          cpu    = var.taskmanager.cpu
        }
      }
      job = {
        jarURI                = "local:///opt/dctwin/dctwin-pipeline.jar"
        entryClass            = "dev.dctwin.pipeline.Main"
        args                  = concat(["run"], module.flink_flags.args)
        parallelism           = local.parallelism
        upgradeMode           = var.upgrade_mode
        state                 = var.job_state
        allowNonRestoredState = var.allow_non_restored_state
      }
    }
  }

  field_manager {
    # The operator writes status only; take over spec fields a kubectl edit may have touched.
    force_conflicts = true
  }

  lifecycle {
    precondition {
      condition     = local.parallelism != null
      error_message = "runner-configs/flink-cluster.flags must set --parallelism to a number: the FlinkDeployment's job.parallelism is taken from it (or from var.parallelism)."
    }
    precondition {
      condition     = local.file_checkpoint_uri != ""
      error_message = "runner-configs/flink-cluster.flags must set --stateBackendStoragePath: checkpoints go there (or under var.checkpoint_uri)."
    }
  }

  depends_on = [
    module.operators,
    module.kafka_topics,
    kubernetes_manifest.postgres,
    module.mosquitto,
    kubernetes_persistent_volume_claim_v1.checkpoints,
    kubernetes_manifest.kafka_user_pipeline,
  ]
}

# Only behind an authenticating proxy (ingress-nginx's external authentication, e.g.
# oauth2-proxy): Flink's UI and REST API have none and can cancel the job or run code.
resource "kubernetes_ingress_v1" "flink_ui" {
  count = var.ingress == null ? 0 : 1

  metadata {
    name      = "${var.flink_deployment_name}-ui"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels    = local.labels
    annotations = {
      "nginx.ingress.kubernetes.io/auth-url" = var.ingress.auth_url
    }
  }
  spec {
    ingress_class_name = var.ingress.class_name
    rule {
      host = var.ingress.host
      http {
        path {
          path      = "/"
          path_type = "Prefix"
          backend {
            service {
              name = "${var.flink_deployment_name}-rest"
              port {
                number = 8081
              }
            }
          }
        }
      }
    }
  }
}

# Kafka's users: one KafkaUser per client, SCRAM-SHA-512, with the simple authorizer's ACLs for
# exactly the topics, groups and transactional ids that client uses. The User Operator creates a
# Secret named after each user with its generated `password` and `sasl.jaas.config`; nobody types
# a Kafka password, and none is in the Terraform state. The ACLs are written out (no for
# expressions) so that terraform/check can see each of them.

locals {
  kafka_user_labels = merge(local.labels, { "strimzi.io/cluster" = var.kafka_cluster_name })

  # The exactly-once sinks' consumer groups and transactional ids (pipeline/IO.md): groups
  # dctwin-<deploymentId>-eos-<topic>, transactional ids <group>-<shard>.
  kafka_eos_prefix = "dctwin-${var.deployment_id}-eos-"

  kafka_users = {
    pipeline           = "${var.kafka_cluster_name}-pipeline"
    mqtt_bridge        = "${var.kafka_cluster_name}-mqtt-bridge"
    prometheus         = "${var.kafka_cluster_name}-prometheus-receiver"
    alertmanager_relay = "${var.kafka_cluster_name}-alertmanager-relay"
  }
}

# The Flink job: reads the input topics in its consumer group, writes alerts, answers and dead
# letters in transactions. The output topics need Read too: a transaction commits the sink's
# progress as offsets of the output topic's partitions (TxnOffsetCommit), and a start reads them
# back (OffsetFetch).
resource "kubernetes_manifest" "kafka_user_pipeline" {
  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "KafkaUser"
    metadata = {
      name      = local.kafka_users.pipeline
      namespace = var.namespace
      labels    = local.kafka_user_labels
    }
    spec = {
      authentication = { type = "scram-sha-512" }
      authorization = {
        type = "simple"
        acls = [
          { resource = { type = "topic", name = var.kafka_topics.metrics, patternType = "literal" }, operations = ["Describe", "Read"] },
          { resource = { type = "topic", name = var.kafka_topics.sensors, patternType = "literal" }, operations = ["Describe", "Read"] },
          { resource = { type = "topic", name = var.kafka_topics.prometheus, patternType = "literal" }, operations = ["Describe", "Read"] },
          { resource = { type = "topic", name = var.kafka_topics.provisioning, patternType = "literal" }, operations = ["Describe", "Read"] },
          { resource = { type = "topic", name = var.kafka_topics.queries, patternType = "literal" }, operations = ["Describe", "Read"] },
          { resource = { type = "topic", name = var.kafka_topics.alerts, patternType = "literal" }, operations = ["Describe", "Read", "Write"] },
          { resource = { type = "topic", name = var.kafka_topics.answers, patternType = "literal" }, operations = ["Describe", "Read", "Write"] },
          { resource = { type = "topic", name = var.kafka_topics.dead_letters, patternType = "literal" }, operations = ["Describe", "Read", "Write"] },
          { resource = { type = "group", name = var.kafka_consumer_group, patternType = "literal" }, operations = ["Describe", "Read"] },
          { resource = { type = "group", name = local.kafka_eos_prefix, patternType = "prefix" }, operations = ["Describe", "Read"] },
          { resource = { type = "transactionalId", name = local.kafka_eos_prefix, patternType = "prefix" }, operations = ["Describe", "Write"] },
        ]
      }
    }
  }

  depends_on = [kubernetes_manifest.kafka]
}

# MqttKafkaBridge: publishes what devices send over MQTT to the input topics (idempotent producer).
resource "kubernetes_manifest" "kafka_user_mqtt_bridge" {
  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "KafkaUser"
    metadata = {
      name      = local.kafka_users.mqtt_bridge
      namespace = var.namespace
      labels    = local.kafka_user_labels
    }
    spec = {
      authentication = { type = "scram-sha-512" }
      authorization = {
        type = "simple"
        acls = [
          { resource = { type = "topic", name = var.kafka_topics.metrics, patternType = "literal" }, operations = ["Describe", "Write"] },
          { resource = { type = "topic", name = var.kafka_topics.sensors, patternType = "literal" }, operations = ["Describe", "Write"] },
          { resource = { type = "topic", name = var.kafka_topics.provisioning, patternType = "literal" }, operations = ["Describe", "Write"] },
          { resource = { type = "topic", name = var.kafka_topics.queries, patternType = "literal" }, operations = ["Describe", "Write"] },
        ]
      }
    }
  }

  depends_on = [kubernetes_manifest.kafka]
}

# prometheus-receiver: publishes remote-write bodies to its one topic.
resource "kubernetes_manifest" "kafka_user_prometheus" {
  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "KafkaUser"
    metadata = {
      name      = local.kafka_users.prometheus
      namespace = var.namespace
      labels    = local.kafka_user_labels
    }
    spec = {
      authentication = { type = "scram-sha-512" }
      authorization = {
        type = "simple"
        acls = [
          { resource = { type = "topic", name = var.kafka_topics.prometheus, patternType = "literal" }, operations = ["Describe", "Write"] },
        ]
      }
    }
  }

  depends_on = [kubernetes_manifest.kafka]
}

# alertmanager-relay: replays the alerts topic without a consumer group (TopicReplay).
resource "kubernetes_manifest" "kafka_user_alertmanager_relay" {
  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "KafkaUser"
    metadata = {
      name      = local.kafka_users.alertmanager_relay
      namespace = var.namespace
      labels    = local.kafka_user_labels
    }
    spec = {
      authentication = { type = "scram-sha-512" }
      authorization = {
        type = "simple"
        acls = [
          { resource = { type = "topic", name = var.kafka_topics.alerts, patternType = "literal" }, operations = ["Describe", "Read"] },
        ]
      }
    }
  }

  depends_on = [kubernetes_manifest.kafka]
}
